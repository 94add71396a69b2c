// Special tokens shared by every tokenizer: their ids, their roles (pad, eos, ...), and splitting text on
// the ones an `encode` call allows, so ordinary text never turns into a control token by accident.

import { ValueError } from '@tsgrad/core';
import type { SpecialRole, SpecialRoles, SpecialTokenJSON } from './types.js';

const ROLE_NAMES: Readonly<Record<SpecialRole, readonly string[]>> = {
  pad: ['<pad>', '[PAD]', '<|pad|>'],
  bos: ['<bos>', '<s>', '[BOS]', '<|startoftext|>'],
  eos: ['<eos>', '</s>', '[EOS]', '<|endoftext|>'],
  unk: ['<unk>', '[UNK]', '<|unk|>'],
  mask: ['<mask>', '[MASK]', '<|mask|>'],
  cls: ['<cls>', '[CLS]'],
  sep: ['<sep>', '[SEP]'],
};

/**
 * The roles implied by conventional names: `<pad>`/`[PAD]` is pad, `<eos>`/`</s>`/`<|endoftext|>` is eos, and so
 * on for bos, unk, mask, cls and sep. `explicit` overrides the guesses.
 *
 * @example
 * inferRoles(['<pad>', '<eos>', '[MASK]']); // { pad: '<pad>', eos: '<eos>', mask: '[MASK]' }
 * @param tokens - The special tokens.
 * @param explicit - Roles given explicitly (they win).
 * @returns Role to token.
 */
export function inferRoles(tokens: readonly string[], explicit: SpecialRoles = {}): SpecialRoles {
  const roles: SpecialRoles = {};
  for (const role of Object.keys(ROLE_NAMES) as SpecialRole[]) {
    const found = ROLE_NAMES[role].find((name) => tokens.includes(name));
    if (found !== undefined) roles[role] = found;
  }
  for (const [role, tok] of Object.entries(explicit) as [SpecialRole, string | undefined][]) {
    if (tok === undefined) continue;
    if (!(role in ROLE_NAMES)) throw new ValueError('special tokens', `unknown role '${role}'`, {}, `roles are ${Object.keys(ROLE_NAMES).join(', ')}`);
    if (!tokens.includes(tok)) throw new ValueError('special tokens', `role ${role} names '${tok}', which is not a special token`, {}, 'add it to specialTokens');
    roles[role] = tok;
  }
  return roles;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A piece of text between special tokens, or a special token's id. */
export type SpecialSplit = { readonly text: string } | { readonly id: number };

/**
 * The special tokens of one tokenizer: content <-> id, roles, and text splitting.
 *
 * @example
 * const s = new SpecialTokenSet([{ content: '<eos>', id: 0 }], {});
 * s.split('a<eos>b', 'all'); // [{ text: 'a' }, { id: 0 }, { text: 'b' }]
 */
export class SpecialTokenSet {
  private readonly byContent = new Map<string, number>();
  private readonly byId = new Map<number, string>();
  private allPattern: RegExp | undefined;
  /** Role -> token string, resolved. */
  readonly roles: SpecialRoles;

  constructor(tokens: readonly SpecialTokenJSON[], roles: SpecialRoles) {
    for (const { content, id } of tokens) {
      if (typeof content !== 'string' || content.length === 0) throw new ValueError('special tokens', 'a special token must be a non-empty string', { token: { value: JSON.stringify(content) } });
      if (!Number.isInteger(id) || id < 0) throw new ValueError('special tokens', `special token '${content}' has invalid id ${id}`);
      if (this.byContent.has(content)) throw new ValueError('special tokens', `duplicate special token '${content}'`);
      if (this.byId.has(id)) throw new ValueError('special tokens', `special tokens '${this.byId.get(id)}' and '${content}' share id ${id}`);
      this.byContent.set(content, id);
      this.byId.set(id, content);
    }
    this.roles = inferRoles([...this.byContent.keys()], roles);
  }

  /** The saved form: every special token with its id, by id. */
  toJSON(): SpecialTokenJSON[] {
    return [...this.byId].sort((a, b) => a[0] - b[0]).map(([id, content]) => ({ content, id }));
  }

  /** The id of a special token, or undefined. */
  idOf(content: string): number | undefined {
    return this.byContent.get(content);
  }

  /** The text of a special id, or undefined when `id` is not special. */
  contentOf(id: number): string | undefined {
    return this.byId.get(id);
  }

  /** The id of the token playing `role`, or undefined. */
  roleId(role: SpecialRole): number | undefined {
    const tok = this.roles[role];
    return tok === undefined ? undefined : this.byContent.get(tok);
  }

  /** All special ids, ascending. */
  ids(): number[] {
    return [...this.byId.keys()].sort((a, b) => a - b);
  }

  private pattern(allowed: 'all' | readonly string[]): RegExp | undefined {
    if (allowed === 'all' && this.allPattern) return this.allPattern;
    const list = allowed === 'all' ? [...this.byContent.keys()] : [...allowed];
    for (const t of list) {
      if (!this.byContent.has(t)) throw new ValueError('encode', `allowedSpecial names '${t}', which is not a special token of this tokenizer`);
    }
    if (list.length === 0) return undefined;
    list.sort((a, b) => b.length - a.length); // longest first, so '<|a|>' wins over a prefix of it
    const re = new RegExp(list.map(escapeRegExp).join('|'), 'gu');
    if (allowed === 'all') this.allPattern = re;
    return re;
  }

  /** Splits `text` on the allowed special tokens (none by default: the whole text is ordinary). */
  split(text: string, allowed: 'all' | readonly string[] | undefined): SpecialSplit[] {
    const re = allowed === undefined ? undefined : this.pattern(allowed);
    if (!re) return [{ text }];
    const out: SpecialSplit[] = [];
    let pos = 0;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m.index > pos) out.push({ text: text.slice(pos, m.index) });
      out.push({ id: this.byContent.get(m[0])! });
      pos = m.index + m[0].length;
    }
    if (pos < text.length) out.push({ text: text.slice(pos) });
    return out;
  }
}
