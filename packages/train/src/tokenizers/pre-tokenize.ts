// GPT-2's pre-tokenisation: split text into words, numbers, punctuation runs and spaces before BPE, so
// merges never cross a word boundary (a leading space stays attached to the word that follows it).

/**
 * GPT-2's split pattern (`encoder.py` in openai/gpt-2), with the `u` flag so `\p{L}`/`\p{N}` are Unicode
 * classes and a surrogate pair is never split.
 *
 * NOTE: JavaScript's `\s` differs from Python's for a few code points (JS adds U+FEFF, Python adds
 * U+001C..U+001F); on such text the split, and so the ids, can differ from Python GPT-2's.
 *
 * @example
 * ' world, 2024'.match(GPT2_SPLIT_PATTERN); // [' world', ',', ' 2024']
 */
export const GPT2_SPLIT_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/**
 * Calls `fn` on each pre-token of `text`, in order; the pre-tokens concatenate back to `text` exactly
 * (every code unit, lone surrogates included, falls in some piece).
 *
 * @example
 * const words: string[] = [];
 * forEachPreToken("Hello  world's", (w) => words.push(w));
 * words; // ['Hello', ' ', ' world', "'s"]
 * @param text - The text.
 * @param fn - Called with each piece.
 */
export function forEachPreToken(text: string, fn: (piece: string) => void): void {
  const re = new RegExp(GPT2_SPLIT_PATTERN.source, 'gu');
  let pos = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m.index > pos) fn(text.slice(pos, m.index)); // NOTE: never happens (the pattern covers everything); kept so no text is lost
    fn(m[0]);
    pos = m.index + m[0].length;
  }
  if (pos < text.length) fn(text.slice(pos));
}

/**
 * The pre-tokens of `text` as an array (GPT-2 style).
 *
 * @example
 * preTokenize('The cat sat.'); // ['The', ' cat', ' sat', '.']
 * @param text - The text.
 * @returns The pieces, which concatenate back to `text`.
 */
export function preTokenize(text: string): string[] {
  const out: string[] = [];
  forEachPreToken(text, (w) => out.push(w));
  return out;
}
