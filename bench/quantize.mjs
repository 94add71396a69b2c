// The quantize suite (suites/quantize.mjs) on its own, without bench/'s peer libraries: float32
// against int8 (quantizeDynamic) inference of a sentiment classifier in one process, tokens/s with
// the default thread pool and on one thread. `pnpm bench -- --suite=quantize` runs the same suite
// inside the full benchmark report.
//
//   npx tsc -b && node bench/quantize.mjs [--ckpt=runs/teacher/model.safetensors] [--rounds=N] [--quick]

const { run } = await import('./suites/quantize.mjs');
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));
await run({ quick: args.quick === true, args });
process.exit(0); // the thread pool's workers are unref'd, but be explicit
