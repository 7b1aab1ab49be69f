/**
 * A rough language guess from function words, enough to tell whether a variant stayed in the
 * writer's language (English, German, French, Spanish: the languages of the task set).
 */

const FUNCTION_WORDS: Record<string, readonly string[]> = {
  en: ['the', 'and', 'of', 'to', 'is', 'was', 'in', 'for', 'on', 'with', 'that', 'will', 'has', 'have', 'are', 'at', 'by', 'from', 'after', 'it'],
  de: ['der', 'die', 'das', 'und', 'ist', 'nicht', 'ein', 'eine', 'mit', 'auf', 'den', 'dem', 'im', 'sich', 'wird', 'sollen', 'hat', 'des', 'zu', 'von'],
  fr: ['le', 'la', 'les', 'et', 'est', 'une', 'un', 'des', 'du', 'pour', 'dans', 'que', 'qui', 'sur', 'au', 'aux', 'après', 'avec', 'sera', 'a'],
  es: ['el', 'la', 'los', 'las', 'y', 'es', 'un', 'una', 'del', 'para', 'en', 'que', 'por', 'con', 'se', 'al', 'su', 'será', 'las', 'de'],
};

/** Fewer words than this (a headline) say too little to tell. */
const MIN_WORDS = 6;

/** The language whose function words are most frequent in `text`, or null when there are too few to tell. */
export function guessLanguage(text: string): string | null {
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  if (words.length < MIN_WORDS) return null;
  let best: string | null = null;
  let bestHits = 0;
  let second = 0;
  for (const [language, list] of Object.entries(FUNCTION_WORDS)) {
    const set = new Set(list);
    const hits = words.filter((w) => set.has(w)).length;
    if (hits > bestHits) {
      second = bestHits;
      bestHits = hits;
      best = language;
    } else if (hits > second) second = hits;
  }
  // Three hits at least, and clearly ahead: a stray "a" or "de" says little.
  return bestHits >= 3 && bestHits >= 2 * second ? best : null;
}

/** False only when the text is clearly in another language than `expected`. */
export function languageKept(text: string, expected: string): boolean {
  const guess = guessLanguage(text);
  return guess === null || guess === expected;
}
