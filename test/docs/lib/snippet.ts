// Runs a documentation snippet (an `@example` block or a guide's ```ts block): TypeScript with
// top-level await and every public export of the packages in scope. Imports are checked against
// the module they name, and `expr; // value` lines become assertions (values.ts has the notation).

import ts from 'typescript';
import { mismatch, parseExpectation, toPlain, type Expectation } from './values.js';

/** One snippet to run: its code and where it came from (for messages). */
export interface Snippet {
  /** Identifies the snippet in test names and messages, e.g. `packages/core/src/ops/matmul.ts#matmul`. */
  id: string;
  /** File that holds it, relative to the repository root. */
  file: string;
  /** 1-based line in `file` of the snippet's first code line. */
  line: number;
  code: string;
}

/** The names a snippet sees and the modules its imports resolve to. */
export interface Scope {
  /** Every public export of the packages, by name. */
  names: Record<string, unknown>;
  /** Module namespaces by specifier (`@tsgrad/core`, ...): imports from these are checked by name. */
  packages: Record<string, Record<string, unknown>>;
  /** Imports anything else (node builtins, fast-check). */
  importOther: (specifier: string) => Promise<Record<string, unknown>>;
}

/** What running a snippet found. */
export interface RunResult {
  /** Assertions (`// value` comments) that were checked. */
  checks: number;
  /** What the snippet printed with console.log/info/warn. */
  logs: string[];
}

interface Prepared {
  js: string;
  expectations: Expectation[];
  lines: number[];
  sources: string[];
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;

/** Rewrites imports and assertions, then transpiles to JS (the code runs inside `async function __main`). */
export function prepare(code: string, scope: Pick<Scope, 'packages'>, where = 'snippet'): Prepared {
  const sf = ts.createSourceFile('snippet.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const edits: { start: number; end: number; text: string }[] = [];
  const expectations: Expectation[] = [];
  const lines: number[] = [];
  const sources: string[] = [];
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const keepLines = (text: string, original: string) => text + '\n'.repeat((original.match(/\n/g) ?? []).length);

  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st)) {
      edits.push({ start: st.getStart(sf), end: st.end, text: keepLines(importReplacement(st, sf, scope.packages, where), st.getText(sf)) });
      continue;
    }
    // `export function f` in a guide's module code: the snippet runs as a function body, so drop `export`
    const exp = ts.canHaveModifiers(st) ? ts.getModifiers(st)?.find((m) => m.kind === ts.SyntaxKind.ExportKeyword) : undefined;
    if (exp) edits.push({ start: exp.getStart(sf), end: exp.end, text: '' });
  }

  const visit = (node: ts.Node, inFunction: boolean): void => {
    if (ts.isExpressionStatement(node)) {
      // Only expression statements assert: a comment on a declaration (`const y = f(x); // [2, 3]`)
      // is prose, since it usually gives a shape rather than the value.
      const exp = trailingExpectation(code, node, where, lineOf);
      if (exp !== undefined) {
        if (inFunction) throw new Error(`${where} line ${lineOf(node.end)}: a '// value' check inside a function is never run; move it to the top level`);
        const k = expectations.push(exp) - 1;
        lines.push(lineOf(node.getStart(sf)));
        // `console.log(v); // value` checks v
        const e = node.expression;
        const logged = ts.isCallExpression(e) && /^console\.(log|info)$/.test(e.expression.getText(sf)) && e.arguments.length === 1;
        const expr = logged ? `((v) => (${e.expression.getText(sf)}(v), v))(${e.arguments[0]!.getText(sf)})` : e.getText(sf);
        sources.push(e.getText(sf));
        edits.push({ start: node.getStart(sf), end: node.end, text: `await __check(async () => (${expr}), ${k});` });
      }
    }
    const fn = ts.isFunctionLike(node) || ts.isClassLike(node);
    ts.forEachChild(node, (c) => visit(c, inFunction || fn));
  };
  sf.statements.forEach((s) => visit(s, false));

  let out = code;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  const wrapped = `async function __main() {\n${out}\n}`;
  const res = ts.transpileModule(wrapped, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, sourceMap: false, removeComments: false },
    reportDiagnostics: true,
  });
  const diags = (res.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (diags.length) {
    const d = diags[0]!;
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
    throw new Error(`${where} line ${line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  }
  return { js: res.outputText, expectations, lines, sources };
}

function trailingExpectation(code: string, node: ts.Statement, where: string, lineOf: (p: number) => number): Expectation | undefined {
  const comment = ts.getTrailingCommentRanges(code, node.end)?.find((r) => r.kind === ts.SyntaxKind.SingleLineCommentTrivia);
  if (!comment) return undefined;
  try {
    return parseExpectation(code.slice(comment.pos + 2, comment.end));
  } catch (e) {
    throw new Error(`${where} line ${lineOf(node.end)}: ${(e as Error).message}`);
  }
}

function importReplacement(st: ts.ImportDeclaration, sf: ts.SourceFile, packages: Record<string, Record<string, unknown>>, where: string): string {
  const spec = (st.moduleSpecifier as ts.StringLiteral).text;
  const clause = st.importClause;
  const q = JSON.stringify(spec);
  if (!clause) return `await __import(${q});`;
  if (clause.isTypeOnly) return '';
  const pkg = packages[spec];
  if (spec.startsWith('@tsgrad/') && !pkg) throw new Error(`${where}: imports from '${spec}', which is not an entry point of the packages (${Object.keys(packages).join(', ')})`);
  const parts: string[] = [];
  if (clause.name) {
    if (pkg) throw new Error(`${where}: '${spec}' has no default export (import { ... } from '${spec}')`);
    parts.push(`var ${clause.name.text} = (await __import(${q})).default;`);
  }
  const nb = clause.namedBindings;
  if (nb && ts.isNamespaceImport(nb)) parts.push(`var ${nb.name.text} = await __import(${q});`);
  if (nb && ts.isNamedImports(nb)) {
    const named = nb.elements.filter((e) => !e.isTypeOnly);
    if (pkg) {
      for (const e of named) {
        const from = (e.propertyName ?? e.name).getText(sf);
        if (!(from in pkg)) throw new Error(`${where}: imports '${from}' from '${spec}', which does not export it`);
        if (from !== e.name.text) parts.push(`var ${e.name.text} = __packages[${q}][${JSON.stringify(from)}];`);
      }
    } else if (named.length) {
      parts.push(`var { ${named.map((e) => (e.propertyName ? `${e.propertyName.getText(sf)}: ${e.name.text}` : e.name.text)).join(', ')} } = await __import(${q});`);
    }
  }
  return parts.join(' ');
}

/**
 * Runs one snippet with `scope`'s names bound, checking its `// value` comments. Throws an error
 * naming the snippet and line on the first failed check or uncaught error.
 */
export async function runSnippet(snippet: Snippet, scope: Scope): Promise<RunResult> {
  const where = `${snippet.file}:${snippet.line} (${snippet.id})`;
  const p = prepare(snippet.code, scope, where);
  const logs: string[] = [];
  const record = (...a: unknown[]) => void logs.push(a.map((x) => (typeof x === 'string' ? x : String(x))).join(' '));
  const fakeConsole = { ...console, log: record, info: record, warn: record, debug: record, error: record };
  let checks = 0;
  const check = async (thunk: () => Promise<unknown>, k: number): Promise<void> => {
    const exp = p.expectations[k]!;
    const at = `${snippet.file}:${snippet.line + p.lines[k]! - 1}: \`${p.sources[k]}\` // ${exp.text}`;
    checks++;
    if (exp.kind === 'throws') {
      let thrown: unknown;
      try {
        await thunk();
      } catch (e) {
        thrown = e;
      }
      if (thrown === undefined) throw new Error(`${at}\n  expected it to throw, and it returned normally`);
      const err = thrown as Error;
      if (exp.name && err.name !== exp.name && err.constructor?.name !== exp.name) throw new Error(`${at}\n  expected a ${exp.name}, got ${err.name}: ${err.message}`);
      if (exp.message) {
        const want = exp.message.endsWith('...') ? exp.message.slice(0, -3) : exp.message;
        const ok = exp.message.endsWith('...') ? err.message.startsWith(want) : err.message === want;
        if (!ok) throw new Error(`${at}\n  expected the message ${JSON.stringify(exp.message)}, got ${JSON.stringify(err.message)}`);
      }
      return;
    }
    const actual = await toPlain(await thunk());
    const why = mismatch(exp.spec, actual);
    if (why) throw new Error(`${at}\n  ${why}`);
  };
  const names = Object.keys(scope.names).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
  const fn = new AsyncFunction(...names, '__check', '__import', '__packages', 'console', `"use strict";\n${p.js}\nreturn __main();`);
  const importAny = async (s: string) => scope.packages[s] ?? scope.importOther(s);
  try {
    await fn(...names.map((n) => scope.names[n]), check, importAny, scope.packages, fakeConsole);
  } catch (e) {
    const err = e as Error;
    if (!err.message.startsWith(snippet.file)) err.message = `${where}: ${err.message}${logs.length ? `\n  output:\n    ${logs.join('\n    ')}` : ''}`;
    throw err;
  }
  return { checks, logs };
}
