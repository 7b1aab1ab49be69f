import { normalizeSentence } from './normalize';

/**
 * Unicode-aware word tokens for similarity: letters/marks/digits runs (with inner
 * apostrophes, "don't"), lower-cased; Han, Hiragana and Katakana one token per
 * character (no spaces between words there); Hangul stays space-delimited.
 * Punctuation and emoji are not words.
 */
const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const WORD = /[\p{L}\p{M}\p{N}]+(?:'[\p{L}\p{M}\p{N}]+)*/gu;

export function tokenizeWords(text: string): string[] {
  const norm = normalizeSentence(text).toLowerCase();
  const out: string[] = [];
  for (const m of norm.matchAll(WORD)) {
    const word = m[0];
    if (!CJK_CHAR.test(word)) {
      out.push(word);
      continue;
    }
    // Split CJK characters out, keep non-CJK runs ("iPhone", digits) whole.
    let run = '';
    for (const ch of word) {
      if (CJK_CHAR.test(ch)) {
        if (run) out.push(run);
        run = '';
        out.push(ch);
      } else {
        run += ch;
      }
    }
    if (run) out.push(run);
  }
  return out;
}
