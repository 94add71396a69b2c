// Measures the tokenizers on the whole SOTU corpus (not a test: timings never go into tests).
// Run from the repository root after building:  npx tsc -b && node bench/tokenizers.mjs
import { BPETokenizer, CharTokenizer, loadGpt2Tokenizer, loadSotu, tokenizerFromJSON } from '../packages/train/dist/index.js';

const ms = (t0) => performance.now() - t0;
const texts = loadSotu().map((s) => s.text);
const chars = texts.reduce((n, t) => n + t.length, 0);
const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
console.log(`SOTU: ${texts.length} addresses, ${(bytes / 1e6).toFixed(2)} MB UTF-8, ${chars} UTF-16 units; node ${process.version}`);

const SPECIALS = ['<pad>', '<bos>', '<eos>', '<unk>', '<mask>', '<cls>', '<sep>'];
const trainTimes = [];
let tok8k;
for (let run = 0; run < 3; run++) {
  const t0 = performance.now();
  tok8k = BPETokenizer.train(texts, { vocabSize: 8192, specialTokens: SPECIALS });
  trainTimes.push(ms(t0));
}
console.log(`train vocab 8192: ${trainTimes.map((t) => (t / 1000).toFixed(2)).join(' s, ')} s (3 runs), vocab ${tok8k.vocabSize}`);

const encodeAll = (tok) => { let n = 0; for (const t of texts) n += tok.encode(t).length; return n; };
const cold = tokenizerFromJSON(JSON.parse(JSON.stringify(tok8k))); // empty word cache
let t0 = performance.now();
const n8k = encodeAll(cold);
const coldMs = ms(t0);
t0 = performance.now();
encodeAll(cold);
const warmMs = ms(t0);
console.log(`encode corpus, vocab 8192: ${n8k} tokens; cold ${(coldMs / 1000).toFixed(2)} s (${(bytes / 1e6 / (coldMs / 1000)).toFixed(1)} MB/s, ${(n8k / (coldMs / 1000) / 1e6).toFixed(2)} M tok/s), warm cache ${(warmMs / 1000).toFixed(2)} s`);
const ids = texts.map((t) => cold.encode(t));
t0 = performance.now();
let same = true;
texts.forEach((t, i) => { same &&= cold.decode(ids[i]) === t; });
console.log(`decode corpus: ${(ms(t0) / 1000).toFixed(2)} s, exact round-trip: ${same}`);

for (const v of [256 + SPECIALS.length, 1024, 2048, 4096, 16384, 32768]) {
  t0 = performance.now();
  const tok = BPETokenizer.train(texts, { vocabSize: v, specialTokens: SPECIALS });
  const trainS = ms(t0) / 1000;
  console.log(`vocab ${String(v).padStart(5)}: train ${trainS.toFixed(2)} s, corpus ${encodeAll(tok)} tokens`);
}
const charTok = CharTokenizer.fromText(texts, { specialTokens: ['<pad>', '<unk>'] });
console.log(`characters: vocab ${charTok.vocabSize}, corpus ${encodeAll(charTok)} tokens`);

const gpt2 = loadGpt2Tokenizer();
t0 = performance.now();
const nGpt2 = encodeAll(gpt2);
console.log(`GPT-2 (50257): corpus ${nGpt2} tokens, encode cold ${(ms(t0) / 1000).toFixed(2)} s`);

// No quadratic blow-up on one long pre-token: 1 MB of letters without a space.
let s = '';
const letters = 'etaoinshrdlucmfwypvbgkjqxz';
let x = 12345;
for (let i = 0; i < 1_000_000; i++) { x = (x * 1103515245 + 12345) % 2147483648; s += letters[x % 26]; }
for (const n of [125_000, 250_000, 500_000, 1_000_000]) {
  t0 = performance.now();
  const out = tok8k.encode(s.slice(0, n));
  console.log(`one ${n}-char word: encode ${ms(t0).toFixed(0)} ms, ${out.length} tokens`);
}
t0 = performance.now();
BPETokenizer.train(s, { vocabSize: 2048 });
console.log(`train vocab 2048 on that 1 MB word: ${(ms(t0) / 1000).toFixed(2)} s`);
console.log(`rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
