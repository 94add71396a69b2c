// Finds the runnable documentation: every `@example` in the packages' JSDoc (read with the
// TypeScript parser, so comments are found exactly) and every ```ts block of the guides in docs/.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { Snippet } from './snippet.js';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Every `.ts` file under `dir` (recursively), sorted. */
export function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The packages' source files, relative to the root. */
export function sourceFiles(): string[] {
  return ['core', 'nn', 'train'].flatMap((p) => tsFiles(join(ROOT, 'packages', p, 'src'))).map((f) => relative(ROOT, f));
}

/** A JSDoc comment and the declaration it documents. */
export interface DocComment {
  file: string;
  /** Qualified name of the documented declaration (`Tensor.sum`, `matmul`, ...). */
  owner: string;
  /** 1-based line of the comment's opening. */
  line: number;
  text: string;
}

/** The JSDoc comments of a file, each with the declaration it sits on. */
export function docComments(file: string): DocComment[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const seen = new Set<number>();
  const out: DocComment[] = [];
  const visit = (node: ts.Node): void => {
    for (const r of ts.getLeadingCommentRanges(text, node.pos) ?? []) {
      if (seen.has(r.pos) || !text.startsWith('/**', r.pos) || text.startsWith('/**/', r.pos)) continue;
      seen.add(r.pos);
      out.push({ file, owner: ownerName(node), line: sf.getLineAndCharacterOfPosition(r.pos).line + 1, text: text.slice(r.pos, r.end) });
    }
    ts.forEachChild(node, visit);
  };
  sf.statements.forEach(visit); // not sf itself: its leading comments are the first statement's
  return out.sort((a, b) => a.line - b.line);
}

function declName(node: ts.Node): string | undefined {
  if (ts.isVariableStatement(node)) return node.declarationList.declarations[0]?.name.getText();
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const name = (node as { name?: ts.Node }).name;
  return name ? name.getText() : undefined;
}

function ownerName(node: ts.Node): string {
  const parts: string[] = [];
  for (let n: ts.Node | undefined = node; n && !ts.isSourceFile(n); n = n.parent) {
    if (ts.isModuleBlock(n) || ts.isModuleDeclaration(n) || ts.isVariableDeclarationList(n) || ts.isVariableDeclaration(n)) continue;
    const name = declName(n);
    if (name !== undefined && (n === node || ts.isClassLike(n) || ts.isInterfaceDeclaration(n))) parts.unshift(name);
  }
  return parts.join('.') || '(file)';
}

/** A comment's lines without the `/**`, `*` and `*\/` decoration. */
export function commentLines(text: string): string[] {
  const lines = text.split('\n');
  return lines.map((l, i) => {
    let s = l;
    if (i === 0) s = s.replace(/^\s*\/\*\*\s?/, '');
    else s = s.replace(/^\s*\*(?!\/) ?/, '');
    if (i === lines.length - 1) s = s.replace(/\s*\*\/\s*$/, '');
    return s;
  });
}

/** Position of a block tag `@name` in a line of prose (not inside backticks), or -1. */
function tagAt(line: string, name: string): number {
  const re = new RegExp(`(^|\\s)@${name}\\b`, 'g');
  for (const m of line.matchAll(re)) {
    const at = m.index + m[1]!.length;
    if ((line.slice(0, at).match(/`/g) ?? []).length % 2 === 0) return at;
  }
  return -1;
}

/** The `@example` blocks of one comment, as code with the file line of its first line. */
export function examplesOf(c: DocComment): { code: string; line: number }[] {
  const lines = commentLines(c.text);
  const out: { code: string; line: number }[] = [];
  let fence = false;
  for (let i = 0; i < lines.length; i++) {
    if (/^\s*```/.test(lines[i]!)) fence = !fence;
    const at = fence ? -1 : tagAt(lines[i]!, 'example');
    if (at < 0) continue;
    const body: { text: string; line: number }[] = [];
    const first = lines[i]!.slice(at + '@example'.length).replace(/^ /, '');
    if (first.trim() !== '') body.push({ text: first, line: c.line + i });
    let inFence = false;
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j]!;
      if (/^\s*```/.test(l)) inFence = !inFence;
      if (!inFence && /^\s*@[a-zA-Z]+/.test(l)) break;
      body.push({ text: l, line: c.line + j });
    }
    i = j - 1;
    out.push(codeOf(body));
  }
  return out;
}

// Code of an example body: its fenced ts/js blocks, or (without fences) all of it
function codeOf(body: { text: string; line: number }[]): { code: string; line: number } {
  const fenced = body.some((b) => /^\s*```/.test(b.text));
  let keep = body;
  if (fenced) {
    keep = [];
    let inside = false;
    for (const b of body) {
      const open = /^\s*```\s*(\w*)/.exec(b.text);
      if (open) {
        inside = !inside && /^(ts|typescript|js|javascript|)$/.test(open[1]!);
        continue;
      }
      if (inside) keep.push(b);
    }
  }
  while (keep.length && keep[0]!.text.trim() === '') keep = keep.slice(1);
  while (keep.length && keep[keep.length - 1]!.text.trim() === '') keep = keep.slice(0, -1);
  return { code: keep.map((b) => b.text).join('\n'), line: keep[0]?.line ?? 0 };
}

/** Every `@example` in the packages' sources. Ids are `file#Owner` (with `:n` for a second one). */
export function sourceExamples(): Snippet[] {
  const out: Snippet[] = [];
  for (const file of sourceFiles()) {
    const count = new Map<string, number>();
    for (const c of docComments(file)) {
      for (const ex of examplesOf(c)) {
        const n = (count.get(c.owner) ?? 0) + 1;
        count.set(c.owner, n);
        out.push({ id: `${file}#${c.owner}${n > 1 ? `:${n}` : ''}`, file, line: ex.line, code: ex.code });
      }
    }
  }
  return out;
}

/** A fenced code block of a Markdown guide. */
export interface MarkdownBlock {
  lang: string;
  code: string;
  /** 1-based line of the block's first code line. */
  line: number;
  /** Set by an `<!-- not run: reason -->` comment on the line before the fence. */
  notRun?: string;
}

/** The fenced code blocks of a Markdown file. */
export function markdownBlocks(file: string): MarkdownBlock[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const out: MarkdownBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(```+)\s*([\w-]*)/.exec(lines[i]!);
    if (!open) continue;
    const close = new RegExp(`^\\s*${open[2]}\\s*$`);
    let j = i + 1;
    while (j < lines.length && !close.test(lines[j]!)) j++;
    const prev = lines.slice(0, i).reverse().find((l) => l.trim() !== '') ?? '';
    const notRun = /^<!--\s*not run:\s*(.*?)\s*-->$/.exec(prev.trim())?.[1];
    out.push({ lang: open[3]!, code: lines.slice(i + 1, j).map((l) => l.slice(open[1]!.length)).join('\n'), line: i + 2, ...(notRun ? { notRun } : {}) });
    i = j;
  }
  return out;
}

/** The guides: Markdown files directly in docs/. */
export function guideFiles(): string[] {
  return readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`);
}
