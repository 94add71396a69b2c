// File-size limit: no source file passes 300 lines (split it by what it does) unless listed below
// with a reason. Also prints the code-line count per package.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CAP = 300;
/** Files allowed past the cap, each with its reason. */
const EXCEPTIONS = new Map([]);

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) yield p;
  }
}

let failed = false;
for (const pkg of ['core', 'nn', 'train']) {
  let code = 0;
  for (const file of walk(join(root, 'packages', pkg, 'src'))) {
    const lines = readFileSync(file, 'utf8').split('\n');
    const rel = relative(root, file);
    code += lines.filter((l) => l.trim() !== '' && !/^\s*(\/\/|\*|\/\*)/.test(l)).length;
    if (lines.length > CAP && !EXCEPTIONS.has(rel)) {
      console.error(`${rel}: ${lines.length} lines, over the ${CAP}-line limit (split it, or list it in test/lint/check-sizes.mjs with a reason)`);
      failed = true;
    }
  }
  console.log(`@tsgrad/${pkg}: ${code} code lines`);
}
process.exit(failed ? 1 : 0);
