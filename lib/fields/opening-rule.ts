/**
 * When the panel opens on its own, as a rule a writer can predict (the options page says it in
 * words): in a long-form field, when the writer stops for the pause delay right after ending a
 * sentence or a paragraph, or stops three times as long anywhere, and only once they have written
 * at least `minWords` new words (the setting pauseMinWords, 25 unless the writer chose another;
 * never none) since the panel last opened, was dismissed, or took back an insertion in this field,
 * or since they came to it. A pause mid-sentence after a few words, or on the same text the writer just
 * dismissed, never opens it. The shortcut always does.
 */

/** A pause this many times the pause delay is a long one: the writer is stuck, not thinking between words. */
export const LONG_PAUSE_FACTOR = 3;

export type PauseDecision = 'open' | 'wait-longer' | 'stay-quiet';

/** Sentence-ending punctuation, then closing quotes or brackets, then spaces; or a line break. */
const NATURAL_POINT = /(?:[.!?…。！？]["'”’»)\]]*[ \t\u00a0]*|\n\s*)$/u;

export function atNaturalPoint(beforeCaret: string): boolean {
  return NATURAL_POINT.test(beforeCaret);
}

/** Words in `text`: runs of non-space characters (read at a pause, never per keystroke). */
export function countWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = /\s/.test(text[i]!);
    if (!space && !inWord) words += 1;
    inWord = !space;
  }
  return words;
}

/**
 * What a pause does: open the panel, wait for the long pause (few words short of a natural point,
 * but enough of them), or nothing. `newWords` may be negative (the writer deleted).
 */
export function pauseDecision(beforeCaret: string, newWords: number, long: boolean, minWords: number): PauseDecision {
  if (newWords < Math.max(1, minWords)) return 'stay-quiet';
  if (long || atNaturalPoint(beforeCaret)) return 'open';
  return 'wait-longer';
}
