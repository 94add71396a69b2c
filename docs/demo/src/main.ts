// The demo page: trains CharLM step by step, yielding to the browser between steps so the loss
// chart and the attention heatmap update live, and samples text from the model; the explanation
// panel (explain-panel.ts) trains a sentiment classifier and explains its predictions. The page reads
// `?backend=cpu&steps=40&autostart=1` (what the browser test uses) and reports its progress in
// `window.tsgradDemo`.

import { manualSeed } from '@tsgrad/core';
import { startBackend, type BackendChoice } from './backend.js';
import { drawLossChart } from './chart.js';
import { CORPUS } from './corpus.js';
import { setupExplainPanel, type ClassifierState } from './explain-panel.js';
import { drawHeatmap } from './heatmap.js';
import { CharLM, MODEL_CONFIG } from './model.js';

/** What the page has done, for people reading the console and for tests. */
interface DemoState {
  phase: 'idle' | 'starting' | 'training' | 'done' | 'error';
  backend: string;
  notes: string[];
  losses: number[];
  heatmapCells: number;
  sample: string;
  error?: string;
  /** The sentiment classifier and its explanations (a separate model, on the CPU). */
  classifier: ClassifierState;
}

const classifier: ClassifierState = { phase: 'idle', losses: [], accuracy: null, explanation: null, cells: 0 };
const state: DemoState = { phase: 'idle', backend: '', notes: [], losses: [], heatmapCells: 0, sample: '', classifier };
(window as unknown as { tsgradDemo: DemoState }).tsgradDemo = state;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  backend: $<HTMLSelectElement>('backend'),
  steps: $<HTMLInputElement>('steps'),
  start: $<HTMLButtonElement>('start'),
  stop: $<HTMLButtonElement>('stop'),
  status: $<HTMLSpanElement>('status'),
  chart: $<HTMLCanvasElement>('loss-chart'),
  layer: $<HTMLSelectElement>('layer'),
  head: $<HTMLSelectElement>('head'),
  heatmap: $<HTMLCanvasElement>('heatmap'),
  attnText: $<HTMLInputElement>('attn-text'),
  prompt: $<HTMLInputElement>('prompt'),
  temperature: $<HTMLInputElement>('temperature'),
  generate: $<HTMLButtonElement>('generate'),
  sample: $<HTMLPreElement>('sample'),
};

let lm: CharLM | undefined;
let stopRequested = false;
const nextFrame = () => new Promise((resolve) => setTimeout(resolve, 0));

function options(select: HTMLSelectElement, n: number): void {
  select.replaceChildren(...Array.from({ length: n }, (_, i) => new Option(String(i), String(i))));
}
options(ui.layer, MODEL_CONFIG.nLayer);
options(ui.head, MODEL_CONFIG.nHead);

async function refreshHeatmap(): Promise<void> {
  if (!lm) return;
  const map = await lm.attention(ui.attnText.value || 'Shall I', Number(ui.layer.value));
  state.heatmapCells = drawHeatmap(ui.heatmap, map, Number(ui.head.value));
}

function fail(e: unknown): void {
  state.phase = 'error';
  state.error = e instanceof Error ? e.message : String(e);
  ui.status.textContent = `Error: ${state.error}`;
  console.error(e);
}

async function train(): Promise<void> {
  stopRequested = false;
  ui.start.disabled = true;
  ui.stop.disabled = false;
  state.phase = 'starting';
  state.losses = [];
  ui.status.textContent = 'Starting the backend...';
  try {
    const notes: string[] = [];
    const backend = await startBackend(ui.backend.value as BackendChoice, notes);
    state.backend = backend.label;
    state.notes = notes;
    manualSeed(0);
    lm = new CharLM(CORPUS, backend.device);
    state.phase = 'training';
    const steps = Math.max(1, Number(ui.steps.value) || 1);
    const t0 = performance.now();
    for (let s = 1; s <= steps && !stopRequested; s++) {
      state.losses.push(await lm.step());
      const secs = (performance.now() - t0) / 1000;
      ui.status.textContent = `${backend.label}: step ${s}/${steps}, loss ${state.losses.at(-1)!.toFixed(3)}, ${(s / secs).toFixed(1)} steps/s`;
      drawLossChart(ui.chart, state.losses);
      if (s === 1 || s % 25 === 0) await refreshHeatmap();
      await nextFrame(); // let the page paint
    }
    await refreshHeatmap();
    state.phase = 'done';
  } catch (e) {
    fail(e);
  } finally {
    ui.start.disabled = false;
    ui.stop.disabled = true;
  }
}

async function generate(): Promise<void> {
  if (!lm) {
    ui.sample.textContent = 'Train the model first.';
    return;
  }
  ui.generate.disabled = true;
  try {
    state.sample = await lm.generate(ui.prompt.value, 200, Number(ui.temperature.value));
    ui.sample.textContent = state.sample;
  } catch (e) {
    fail(e);
  } finally {
    ui.generate.disabled = false;
  }
}

ui.start.addEventListener('click', () => void train());
ui.stop.addEventListener('click', () => {
  stopRequested = true;
});
ui.generate.addEventListener('click', () => void generate());
for (const el of [ui.layer, ui.head, ui.attnText]) el.addEventListener('change', () => void refreshHeatmap().catch(fail));
drawLossChart(ui.chart, []);

const params = new URLSearchParams(location.search);
if (params.has('backend')) ui.backend.value = params.get('backend')!;
if (params.has('steps')) ui.steps.value = params.get('steps')!;
if (params.has('autostart')) void train();
setupExplainPanel(classifier, params);
