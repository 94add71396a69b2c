// The SVG chart writer: well-formed output, points placed by the axis mapping, bad input refused.

import { expect, test } from 'vitest';
import { lineChart, niceTicks } from '../src/report/svg-chart.js';

test('ticks are round numbers covering the range', () => {
  expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  expect(niceTicks(48, 72)).toEqual([50, 55, 60, 65, 70]);
});

test('a chart is one svg element with a path per series and a legend entry', () => {
  const svg = lineChart(
    [{ name: 'pretrained <ours>', points: [[50, 0.6], [200, 0.7]], errors: [0.02, 0.01] }, { name: 'scratch', points: [[50, 0.5], [200, 0.55]], dashed: true }],
    { title: 'Accuracy & labels', xLabel: 'labels', yLabel: 'accuracy', logX: true },
  );
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(svg.trim().endsWith('</svg>')).toBe(true);
  expect(svg.match(/<path /g)).toHaveLength(2);
  expect(svg).toContain('pretrained &lt;ours&gt;');
  expect(svg).toContain('Accuracy &amp; labels');
  expect(svg).toContain('stroke-dasharray');
  // with logX, x=50 maps to the left edge of the plot area (64) and x=200 to the right: 640 minus
  // the legend margin (56 + 7 px per character of the longest name, 'pretrained <ours>' = 17)
  expect(svg).toMatch(/<path d="M64\.0,[\d.]+ L465\.0,/);
  const opens = (svg.match(/<(?!\/)[a-z]+[^>]*[^/]>/g) ?? []).filter((t) => !t.startsWith('<svg')).length;
  const closes = (svg.match(/<\/(?!svg)[a-z]+>/g) ?? []).length;
  expect(opens).toBe(closes);
});

test('charts refuse empty or non-positive log data', () => {
  expect(() => lineChart([{ name: 'x', points: [[0, NaN]] }], { title: 't', xLabel: 'x', yLabel: 'y' })).toThrow(/no finite points/);
  expect(() => lineChart([{ name: 'x', points: [[0, 1]] }], { title: 't', xLabel: 'x', yLabel: 'y', logX: true })).toThrow(/logX needs positive/);
});
