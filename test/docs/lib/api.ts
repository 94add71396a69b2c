// The documented API, read with the TypeScript compiler: every symbol the package entry points
// export (aliases resolved), with what its JSDoc is missing under the rules stated in
// test/docs/coverage.test.ts. `@internal` symbols are left out (typedoc excludes them too).

import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from './extract.js';

/** The entry points, by import specifier. */
export const ENTRY_POINTS: Record<string, string> = {
  '@tsgrad/core': 'packages/core/src/index.ts',
  '@tsgrad/core/testing': 'packages/core/src/testing/index.ts',
  '@tsgrad/core/testing/arbitraries': 'packages/core/src/testing/arbitraries.ts',
  '@tsgrad/core/testing/conformance': 'packages/core/src/testing/conformance.ts',
  '@tsgrad/nn': 'packages/nn/src/index.ts',
  '@tsgrad/train': 'packages/train/src/index.ts',
};

/** One exported symbol and the documentation it lacks. */
export interface ApiItem {
  entry: string;
  name: string;
  kind: 'function' | 'class' | 'variable' | 'interface' | 'type' | 'namespace' | 'other';
  /** Source file (relative) and line of its first declaration. */
  file: string;
  line: number;
  /** The full doc text (summary and tags) of its declarations. */
  doc: string;
  problems: string[];
}

const isInternal = (n: ts.Node) => ts.getJSDocTags(n).some((t) => t.tagName.text === 'internal');
const jsDocText = (n: ts.Node) => ts.getJSDocCommentsAndTags(n).map((d) => d.getText()).join('\n');
const isPrivate = (m: ts.Node) => {
  const name = (m as unknown as { name?: ts.Node }).name;
  return (ts.canHaveModifiers(m) && (ts.getModifiers(m) ?? []).some((x) => x.kind === ts.SyntaxKind.PrivateKeyword || x.kind === ts.SyntaxKind.ProtectedKeyword))
    || (name !== undefined && ts.isPrivateIdentifier(name));
};

function summaryOf(n: ts.Node): string {
  return ts.getJSDocCommentsAndTags(n).filter(ts.isJSDoc).map((d) => ts.getTextOfJSDocComment(d.comment) ?? '').join(' ').trim();
}

/**
 * Parameters (`@param`) and `@returns` a signature's JSDoc lacks. Docs are read through the checker,
 * so a member documented on the interface it implements or the method it overrides counts (as
 * typedoc copies those). Thin Tensor methods that link their op are exempt.
 */
function signatureProblems(decl: ts.SignatureDeclaration, checker: ts.TypeChecker, label: string): string[] {
  const out: string[] = [];
  const sig = checker.getSignatureFromDeclaration(decl);
  const tags = sig?.getJsDocTags() ?? [];
  const summary = ts.displayPartsToString(sig?.getDocumentationComment(checker) ?? []).trim();
  if (summary === '' && !ts.isConstructorDeclaration(decl)) out.push(`${label}: no summary`);
  if (/\{@link\s+[^}]+\}/.test(summary) && /^Tensor\./.test(label)) return out; // a Tensor method that links its op
  const documented = tags.filter((t) => t.name === 'param').map((t) => (t.text ?? []).find((p) => p.kind === 'parameterName')?.text ?? ts.displayPartsToString(t.text).split(/\s/)[0]);
  decl.parameters.forEach((p, i) => {
    const name = p.name.getText();
    const ok = ts.isIdentifier(p.name) ? documented.includes(name) : documented.length > i;
    if (!ok && name !== 'this') out.push(`${label}: no @param ${ts.isIdentifier(p.name) ? name : `#${i + 1}`}`);
  });
  if (!ts.isConstructorDeclaration(decl) && !ts.isSetAccessor(decl)) {
    const ret = sig ? checker.typeToString(checker.getReturnTypeOfSignature(sig)) : 'void';
    if (!/^(void|undefined|never|Promise<void>)$/.test(ret) && !tags.some((t) => t.name === 'returns' || t.name === 'return')) {
      out.push(`${label}: no @returns (returns ${ret})`);
    }
  }
  return out;
}

/** Signatures to check: the overloads if there are any, else the implementation. */
function signaturesOf(decls: readonly ts.Declaration[]): ts.SignatureDeclaration[] {
  const sigs = decls.filter((d): d is ts.SignatureDeclaration => ts.isFunctionLike(d));
  const overloads = sigs.filter((d) => !(d as ts.FunctionLikeDeclaration).body);
  return overloads.length > 0 && sigs.length > 1 ? overloads : sigs;
}

function memberProblems(owner: string, decls: readonly ts.Declaration[], checker: ts.TypeChecker): string[] {
  const out: string[] = [];
  const members = new Map<string, ts.Declaration[]>();
  for (const d of decls) {
    if (!ts.isClassDeclaration(d) && !ts.isInterfaceDeclaration(d)) continue;
    for (const m of d.members as ts.NodeArray<ts.ClassElement | ts.TypeElement>) {
      if (isPrivate(m) || isInternal(m) || ts.isIndexSignatureDeclaration(m) || ts.isClassStaticBlockDeclaration(m as ts.Node as ts.ClassStaticBlockDeclaration)) continue;
      const key = ts.isConstructorDeclaration(m) ? 'constructor' : m.name?.getText() ?? '?';
      members.set(key, [...(members.get(key) ?? []), m]);
    }
  }
  for (const [name, ms] of members) {
    const label = `${owner}.${name}`;
    if (ts.isConstructorDeclaration(ms[0]!)) {
      for (const c of signaturesOf(ms).filter((c) => c.parameters.length > 0)) out.push(...signatureProblems(c, checker, label));
      continue;
    }
    if (ms.some((m) => ts.isFunctionLike(m) && !ts.isGetAccessor(m) && !ts.isSetAccessor(m))) {
      for (const s of signaturesOf(ms)) out.push(...signatureProblems(s, checker, label));
    } else {
      const sym = (ms[0] as { symbol?: ts.Symbol }).symbol;
      const doc = sym ? ts.displayPartsToString(sym.getDocumentationComment(checker)).trim() : '';
      if (doc === '' && !ms.some((m) => summaryOf(m) !== '')) out.push(`${label}: no summary`);
    }
  }
  return out;
}

/** The API of every entry point, each symbol with its problems. */
export function apiInventory(): ApiItem[] {
  const files = Object.values(ENTRY_POINTS).map((f) => join(ROOT, f));
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true, skipLibCheck: true, noEmit: true, types: ['node'],
  });
  const checker = program.getTypeChecker();
  const items: ApiItem[] = [];
  for (const [entry, file] of Object.entries(ENTRY_POINTS)) {
    const sf = program.getSourceFile(join(ROOT, file))!;
    for (const ex of checker.getExportsOfModule(checker.getSymbolAtLocation(sf)!)) {
      const s = ex.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(ex) : ex;
      const decls = s.declarations ?? [];
      const d = decls[0];
      if (!d || decls.some(isInternal) || decls.some((x) => ts.isVariableDeclaration(x) && isInternal(x.parent.parent))) continue;
      const kind: ApiItem['kind'] = ts.isFunctionDeclaration(d) ? 'function' : ts.isClassDeclaration(d) ? 'class'
        : ts.isVariableDeclaration(d) ? 'variable' : ts.isInterfaceDeclaration(d) ? 'interface' : ts.isTypeAliasDeclaration(d) ? 'type'
          : ts.isSourceFile(d) || ts.isModuleDeclaration(d) ? 'namespace' : 'other';
      const docNodes = decls.map((x) => (ts.isVariableDeclaration(x) ? x.parent.parent : x));
      const doc = docNodes.map(jsDocText).join('\n');
      const problems: string[] = [];
      const summary = docNodes.map(summaryOf).join(' ').trim() || (ts.isSourceFile(d) ? moduleSummary(d) : '');
      if (summary === '') problems.push('no summary');
      if (kind === 'function') for (const sig of signaturesOf(decls)) problems.push(...signatureProblems(sig, checker, ex.name).filter((p) => !p.endsWith('no summary') || summary === ''));
      // an arrow function held in a constant is a function too (its docs sit on the statement)
      const init = ts.isVariableDeclaration(d) ? d.initializer : undefined;
      if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) problems.push(...arrowProblems(init, d.parent.parent, checker, ex.name));
      if ((kind === 'function' || kind === 'class' || kind === 'variable') && !/@example\b/.test(doc)) problems.push('no @example');
      if (kind === 'class' || kind === 'interface') problems.push(...memberProblems(ex.name, decls, checker));
      const rel = d.getSourceFile().fileName.slice(ROOT.length).replace(/^\//, '');
      items.push({ entry, name: ex.name, kind, file: rel, line: d.getSourceFile().getLineAndCharacterOfPosition(d.getStart()).line + 1, doc, problems });
    }
  }
  return items;
}

// @param/@returns of `export const f = (...) => ...`, read from the variable statement's JSDoc
function arrowProblems(fn: ts.ArrowFunction | ts.FunctionExpression, stmt: ts.Node, checker: ts.TypeChecker, label: string): string[] {
  const tags = ts.getJSDocTags(stmt);
  const documented = tags.filter(ts.isJSDocParameterTag).map((t) => t.name.getText());
  const out = fn.parameters
    .filter((p, i) => (ts.isIdentifier(p.name) ? !documented.includes(p.name.text) : documented.length <= i))
    .map((p) => `${label}: no @param ${p.name.getText()}`);
  const sig = checker.getSignatureFromDeclaration(fn);
  const ret = sig ? checker.typeToString(checker.getReturnTypeOfSignature(sig)) : 'void';
  if (!/^(void|undefined|never|Promise<void>)$/.test(ret) && !tags.some((t) => t.tagName.text === 'returns')) out.push(`${label}: no @returns (returns ${ret})`);
  return out;
}

// A namespace export (`export * as init`): its file's opening comment
function moduleSummary(sf: ts.SourceFile): string {
  const first = ts.getLeadingCommentRanges(sf.text, 0)?.[0];
  return first ? sf.text.slice(first.pos, first.end) : '';
}
