// Corpus BLEU and chrF computed the way sacreBLEU 2.x computes them with its defaults, so scores
// are comparable with published ones: BLEU with the '13a' tokeniser (mteval-v13a's), exact n-gram
// clipping against the most generous reference, the closest reference length for the brevity
// penalty and 'exp' smoothing; chrF2 with character 6-grams, whitespace removed, beta 2, and the
// averaged precision and recall of chrF++.py. Scores are on sacreBLEU's 0-100 scale.

import { ValueError } from '@tsgrad/core';

/**
 * sacreBLEU's '13a' tokenisation (mteval-v13a.pl): punctuation and symbols split off, periods and
 * commas split unless next to a digit, a dash split after a digit.
 * @param line - One detokenised sentence.
 * @returns The tokens joined by single spaces.
 * @example
 * tokenize13a("It wasn't surprising."); // "It wasn't surprising ."
 * tokenize13a('Pay $3.50, now-ish 1-2'); // "Pay $ 3.50 , now-ish 1 - 2"
 */
export function tokenize13a(line: string): string {
  let s = line.replace(/<skipped>/g, '').replace(/-\n/g, '').replace(/\n/g, ' ');
  if (s.includes('&')) s = s.replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  s = ` ${s} `
    .replace(/([{-~[-` -&(-+:-@/])/g, ' $1 ')
    .replace(/([^0-9])([.,])/g, '$1 $2 ')
    .replace(/([.,])([^0-9])/g, ' $1 $2')
    .replace(/([0-9])(-)/g, '$1 $2 ');
  return s.split(/\s+/).filter((t) => t.length > 0).join(' ');
}

function ngramCounts(tokens: readonly string[], maxN: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let n = 1; n <= maxN; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      const key = `${n}\u0001${tokens.slice(i, i + n).join('\u0001')}`;
      out.set(key, (out.get(key) ?? 0) + 1);
    }
  }
  return out;
}

/** A corpus BLEU score with its parts, as sacreBLEU prints them. */
export interface BleuScore {
  /** BLEU, 0-100. */
  score: number;
  /** Clipped n-gram precisions (1- to 4-grams), 0-100, smoothed where no n-gram matched. */
  precisions: number[];
  /** The brevity penalty. */
  bp: number;
  /** Hypothesis length over reference length. */
  ratio: number;
  /** Tokens in the hypotheses. */
  hypLen: number;
  /** Tokens in the closest references. */
  refLen: number;
}

function checkRefs(op: string, hyps: readonly string[], refs: readonly (readonly string[])[]): void {
  if (refs.length === 0) throw new ValueError(op, 'no reference set given', {}, 'pass refs as [set1] where set1 has one reference per hypothesis');
  refs.forEach((set, k) => {
    if (set.length !== hyps.length) throw new ValueError(op, `reference set ${k} has ${set.length} sentences but there are ${hyps.length} hypotheses`, {}, 'each reference set needs one sentence per hypothesis');
  });
}

/**
 * Corpus BLEU (Papineni et al. 2002) as sacreBLEU's `corpus_bleu(hyps, refs)` with its defaults.
 * @param hyps - System outputs, one detokenised sentence each.
 * @param refs - Reference sets, sacreBLEU's layout: `refs[k][i]` is the k-th reference of sentence i.
 * @returns The score, precisions, brevity penalty and lengths.
 * @example
 * const refs = [['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
 *   ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.']];
 * const sys = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];
 * corpusBleu(sys, refs).score.toFixed(2); // '48.53'
 */
export function corpusBleu(hyps: readonly string[], refs: readonly (readonly string[])[]): BleuScore {
  checkRefs('corpusBleu', hyps, refs);
  const N = 4;
  const correct = new Array<number>(N).fill(0);
  const total = new Array<number>(N).fill(0);
  let hypLen = 0;
  let refLen = 0;
  hyps.forEach((hyp, i) => {
    const h = tokenize13a(hyp).split(' ').filter(Boolean);
    const rs = refs.map((set) => tokenize13a(set[i]!).split(' ').filter(Boolean));
    hypLen += h.length;
    // the closest reference length, the shorter one on a tie
    let best = rs[0]!.length;
    for (const r of rs) {
      const d = Math.abs(r.length - h.length);
      const bd = Math.abs(best - h.length);
      if (d < bd || (d === bd && r.length < best)) best = r.length;
    }
    refLen += best;
    const maxRef = new Map<string, number>();
    for (const r of rs) for (const [k, c] of ngramCounts(r, N)) maxRef.set(k, Math.max(maxRef.get(k) ?? 0, c));
    for (const [k, c] of ngramCounts(h, N)) {
      const n = Number(k.slice(0, k.indexOf('\u0001'))) - 1;
      total[n]! += c;
      correct[n]! += Math.min(c, maxRef.get(k) ?? 0);
    }
  });
  const precisions = new Array<number>(N).fill(0);
  let smooth = 1;
  for (let n = 0; n < N; n++) {
    if (total[n] === 0) break;
    if (correct[n] === 0) {
      smooth *= 2;
      precisions[n] = 100 / (smooth * total[n]!);
    } else precisions[n] = (100 * correct[n]!) / total[n]!;
  }
  const bp = hypLen < refLen ? (hypLen > 0 ? Math.exp(1 - refLen / hypLen) : 0) : 1;
  const logSum = precisions.reduce((a, p) => a + (p === 0 ? -9999999999 : Math.log(p)), 0);
  return { score: bp * Math.exp(logSum / N), precisions, bp, ratio: refLen > 0 ? hypLen / refLen : 0, hypLen, refLen };
}

function charNgrams(line: string, n: number): Map<string, number> {
  const chars = Array.from(line.split(/\s+/).join(''));
  const out = new Map<string, number>();
  for (let i = 0; i + n <= chars.length; i++) {
    const g = chars.slice(i, i + n).join('');
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/** [n_hyp, n_ref, n_match] per character order. */
function chrfStats(hyp: string, ref: string, order: number): number[] {
  const stats: number[] = [];
  for (let n = 1; n <= order; n++) {
    const h = charNgrams(hyp, n);
    const r = charNgrams(ref, n);
    let nh = 0;
    let nr = 0;
    let m = 0;
    for (const c of h.values()) nh += c;
    for (const c of r.values()) nr += c;
    for (const [g, c] of h) m += Math.min(c, r.get(g) ?? 0);
    stats.push(nh, nr, m);
  }
  return stats;
}

function chrfFromStats(stats: readonly number[], order: number, beta: number): number {
  const eps = 1e-16;
  const factor = beta * beta;
  let avgP = 0;
  let avgR = 0;
  let eff = 0;
  for (let i = 0; i < order; i++) {
    const [nh, nr, m] = [stats[3 * i]!, stats[3 * i + 1]!, stats[3 * i + 2]!];
    avgP += nh > 0 ? m / nh : eps;
    avgR += nr > 0 ? m / nr : eps;
    if (nh > 0 && nr > 0) eff++;
  }
  if (eff === 0) return 0;
  avgP /= eff;
  avgR /= eff;
  return avgP + avgR > 0 ? (100 * (1 + factor) * avgP * avgR) / (factor * avgP + avgR) : 0;
}

/**
 * Corpus chrF (Popović 2015) as sacreBLEU's `corpus_chrf(hyps, refs)` with its defaults (chrF2:
 * character n-grams up to 6, whitespace removed, beta 2). Statistics are summed over sentences;
 * with several references a sentence counts the one it scores best against.
 * @param hyps - System outputs.
 * @param refs - Reference sets, `refs[k][i]` the k-th reference of sentence i.
 * @returns chrF, 0-100.
 * @example
 * const refs = [['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
 *   ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.']];
 * const sys = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];
 * chrF(sys, refs).toFixed(2); // '59.73'
 */
export function chrF(hyps: readonly string[], refs: readonly (readonly string[])[]): number {
  checkRefs('chrF', hyps, refs);
  const order = 6;
  const beta = 2;
  const sum = new Array<number>(3 * order).fill(0);
  hyps.forEach((hyp, i) => {
    let best: number[] = [];
    let bestF = -1;
    for (const set of refs) {
      const s = chrfStats(hyp, set[i]!, order);
      const f = chrfFromStats(s, order, beta);
      if (f > bestF) [best, bestF] = [s, f];
    }
    best.forEach((v, k) => (sum[k]! += v));
  });
  return chrfFromStats(sum, order, beta);
}
