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

/** A word run in the raw text: word characters plus what normalisation removes or folds inside a word. */
const RAW_WORD =
  /[\p{L}\p{M}\p{N}\u200B\u00AD\u2060\uFEFF\u200E\u200F\u202A-\u202E\u2066-\u2069]+(?:['\u2018\u2019\u201A\u201B\u2032\u02BC\uFF07][\p{L}\p{M}\p{N}\u200B\u00AD\u2060\uFEFF\u200E\u200F\u202A-\u202E\u2066-\u2069]+)*/gu;

const ASCII_WORD = /^[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*$/;

export interface WordSpans {
  /** Exactly `tokenizeWords(text)`. */
  words: string[];
  /** UTF-16 offsets of each word in `text` (end exclusive). */
  starts: number[];
  ends: number[];
}

/**
 * `tokenizeWords` with each word's place in the raw text, so a match on words can be shown as
 * character spans (the AI part of a sentence). Each raw word run is tokenised on its own: the
 * normalisation never turns separators into word characters, so the words are the same.
 */
export function tokenizeWordSpans(text: string): WordSpans {
  const out: WordSpans = { words: [], starts: [], ends: [] };
  for (const m of text.matchAll(RAW_WORD)) {
    const raw = m[0];
    const at = m.index!;
    // Plain ASCII words (the common case) need no normalisation.
    const words = ASCII_WORD.test(raw) ? [raw.toLowerCase()] : tokenizeWords(raw);
    if (words.length === 1) {
      out.words.push(words[0]!);
      out.starts.push(at);
      out.ends.push(at + raw.length);
      continue;
    }
    // CJK characters are words of their own; the runs between them are one word each.
    let k = 0;
    let runStart = -1;
    let offset = 0;
    const flush = (end: number) => {
      if (runStart < 0) return;
      if (k < words.length) {
        out.words.push(words[k++]!);
        out.starts.push(at + runStart);
        out.ends.push(at + end);
      }
      runStart = -1;
    };
    for (const ch of raw) {
      if (CJK_CHAR.test(ch)) {
        flush(offset);
        if (k < words.length) {
          out.words.push(words[k++]!);
          out.starts.push(at + offset);
          out.ends.push(at + offset + ch.length);
        }
      } else if (runStart < 0 && tokenizeWords(ch).length) runStart = offset;
      offset += ch.length;
    }
    flush(offset);
  }
  return out;
}
