// fast-check arbitraries shared by the tokenizer property tests.
import fc from 'fast-check';

/** A lone surrogate code unit (U+D800..U+DFFF). */
export const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** One unit of text: any code point (full Unicode range) or a lone surrogate. */
export const anyUnit = fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), loneSurrogate);

/** Any JS string: code points from the whole range plus lone surrogates (so also broken pairs). */
export const anyString = fc.string({ unit: anyUnit, maxLength: 40 });
