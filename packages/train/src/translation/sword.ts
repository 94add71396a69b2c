// A reader for SWORD zText Bible modules (the format of Debian's sword-text-* packages): per
// testament, `.bzs` lists zlib-compressed blocks (u32 offset, u32 compressed size, u32 size),
// `.bzv` gives every verse slot of the versification (u32 block, u32 offset in the uncompressed
// block, u16 size) and `.bzz` holds the blocks. Slots come in canonical order: the module and
// testament headings, then per book an introduction slot (where osis2mod puts the book's
// `<div type="book" osisID=...>`), per chapter an introduction slot (its `<chapter osisID=...>`),
// then the verses. The text is OSIS markup, which `osisToText` turns into plain text.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { DataError } from '../data/errors.js';

/** One verse of a module. */
export interface Verse {
  /** OSIS book id ('Gen', 'John', ...). */
  book: string;
  /** Chapter number (1-based). */
  chapter: number;
  /** Verse number (1-based). */
  verse: number;
  /** Plain text (empty where the module has none). */
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Plain text from OSIS markup: notes and headings dropped with their content, every other tag
 * dropped and its text kept (Strong's `<w>`, `<transChange>`, red-letter `<q>`), entities decoded,
 * the KJV's paragraph signs (¶) dropped, whitespace collapsed.
 * @param osis - One verse's markup.
 * @returns Its text.
 * @example
 * osisToText('<w lemma="strong:H7225">In the beginning</w> <note type="x-study">a note</note>God.'); // 'In the beginning God.'
 */
export function osisToText(osis: string): string {
  return osis
    .replace(/<note\b[^>]*\/>/g, '')
    .replace(/<note\b[\s\S]*?<\/note>/g, '')
    .replace(/<title\b[\s\S]*?<\/title>/g, '')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ENTITIES[e]!)
    .replace(/\u00b6/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Verse slots of one testament's files, in canonical order. */
function readTestament(dir: string, t: 'ot' | 'nt'): string[] {
  const path = (ext: string) => join(dir, `${t}.${ext}`);
  if (!existsSync(path('bzv'))) return [];
  const [bzs, bzv, bzz] = ['bzs', 'bzv', 'bzz'].map((e) => readFileSync(path(e)));
  if (bzs!.length % 12 !== 0 || bzv!.length % 10 !== 0) throw new DataError('readZText', `index sizes ${bzs!.length} (.bzs) and ${bzv!.length} (.bzv) are not multiples of 12 and 10`, { source: path('bzs') });
  const blocks = new Map<number, Buffer>();
  const block = (i: number): Buffer => {
    let b = blocks.get(i);
    if (!b) {
      if ((i + 1) * 12 > bzs!.length) throw new DataError('readZText', `verse index points at block ${i}, beyond the ${bzs!.length / 12} blocks`, { source: path('bzv') });
      const off = bzs!.readUInt32LE(i * 12);
      const size = bzs!.readUInt32LE(i * 12 + 4);
      b = inflateSync(bzz!.subarray(off, off + size));
      blocks.set(i, b);
    }
    return b;
  };
  const out: string[] = [];
  for (let k = 0; k < bzv!.length / 10; k++) {
    const size = bzv!.readUInt16LE(k * 10 + 8);
    out.push(size === 0 ? '' : block(bzv!.readUInt32LE(k * 10)).subarray(bzv!.readUInt32LE(k * 10 + 4), bzv!.readUInt32LE(k * 10 + 4) + size).toString('utf8'));
  }
  return out;
}

/**
 * Every verse of a zText module, located by the book and chapter markers of its introduction slots.
 * @param dir - The module's data folder (holding ot.bzs, ot.bzv, ot.bzz and the nt files).
 * @returns The verses in canonical order.
 * @example
 * readZText('.'); // throws DataError
 */
export function readZText(dir: string): Verse[] {
  const verses: Verse[] = [];
  for (const t of ['ot', 'nt'] as const) {
    let book = '';
    let chapter = 0;
    let verse = 0;
    for (const raw of readTestament(dir, t)) {
      const b = /<div\b[^>]*\btype="book"[^>]*>/.exec(raw);
      const bookId = b && !/\beID=/.test(b[0]) ? /\bosisID="([^"]+)"/.exec(b[0])?.[1] : undefined;
      if (bookId) {
        [book, chapter, verse] = [bookId, 0, 0];
        continue;
      }
      const c = /<chapter\b[^>]*\bosisID="([^".]+)\.(\d+)"[^>]*\bsID=/.exec(raw);
      if (c) {
        [book, chapter, verse] = [c[1]!, Number(c[2]), 0];
        continue;
      }
      if (book && chapter > 0) verses.push({ book, chapter, verse: ++verse, text: osisToText(raw) });
    }
  }
  if (verses.length === 0) throw new DataError('readZText', 'no verses found (no book or chapter markers in the index)', { source: dir, hint: 'is this a zText Bible module made by osis2mod?' });
  return verses;
}

/**
 * The data folder of an installed SWORD module, from its `mods.d/*.conf` `DataPath`.
 * @param name - The module name, e.g. 'engKJV2006eb'.
 * @param root - The SWORD library root (default /usr/share/sword).
 * @returns The absolute folder.
 * @example
 * swordModuleDir('engKJV2006eb', 'no-sword-here'); // throws DataError
 */
export function swordModuleDir(name: string, root = '/usr/share/sword'): string {
  const mods = join(root, 'mods.d');
  const confs = existsSync(mods) ? readdirSync(mods).filter((f) => f.endsWith('.conf')) : [];
  for (const f of confs) {
    const text = readFileSync(join(mods, f), 'utf8');
    if (!new RegExp(`^\\[${name}\\]`, 'm').test(text)) continue;
    const dataPath = /^DataPath=(.+)$/m.exec(text)?.[1]?.trim();
    if (!dataPath) throw new DataError('swordModuleDir', `module ${name} has no DataPath`, { source: join(mods, f) });
    return join(root, dataPath);
  }
  throw new DataError('swordModuleDir', `SWORD module ${name} is not installed`, {
    source: mods,
    hint: 'on Debian or Ubuntu: apt install sword-text-kjv sword-text-sparv (the King James Version and the Reina-Valera 1909), or pass a TSV of sentence pairs',
  });
}

/** An aligned verse pair. */
export interface VersePair {
  /** OSIS book id. */
  book: string;
  /** Chapter. */
  chapter: number;
  /** Verse. */
  verse: number;
  /** Source text. */
  src: string;
  /** Target text. */
  tgt: string;
}

/**
 * Verse pairs of two modules sharing a versification: the verses both have text for.
 * @param source - The source module's verses.
 * @param target - The target module's verses.
 * @returns The pairs in canonical order.
 * @example
 * const en = [{ book: 'Gen', chapter: 1, verse: 1, text: 'In the beginning' }, { book: 'Gen', chapter: 1, verse: 2, text: 'And' }];
 * const es = [{ book: 'Gen', chapter: 1, verse: 1, text: 'EN el principio' }, { book: 'Gen', chapter: 1, verse: 2, text: '' }];
 * alignVerses(en, es); // [{ book: 'Gen', chapter: 1, verse: 1, src: 'In the beginning', tgt: 'EN el principio' }]
 */
export function alignVerses(source: readonly Verse[], target: readonly Verse[]): VersePair[] {
  const byRef = new Map(target.map((v) => [`${v.book}.${v.chapter}.${v.verse}`, v.text]));
  return source.flatMap((v) => {
    const tgt = byRef.get(`${v.book}.${v.chapter}.${v.verse}`);
    return v.text && tgt ? [{ book: v.book, chapter: v.chapter, verse: v.verse, src: v.text, tgt }] : [];
  });
}
