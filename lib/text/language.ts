/**
 * Which language a passage is written in, for the languages newsrooms using this extension write
 * most (Latin-script European ones): enough to tell that a model answered a French paragraph in
 * English. It counts frequent function words, which every sentence has and which differ between
 * these languages; a short or mixed passage gives no answer rather than a guess.
 */
const FUNCTION_WORDS: Record<string, readonly string[]> = {
  en: ['the', 'and', 'of', 'to', 'is', 'was', 'that', 'with', 'for', 'on', 'are', 'it', 'this', 'have', 'has', 'be', 'from', 'by', 'they', 'will', 'would', 'which', 'their', 'were', 'been', 'at', 'said', 'not', 'but', 'an'],
  fr: ['le', 'la', 'les', 'des', 'du', 'et', 'est', 'une', 'un', 'dans', 'que', 'qui', 'pour', 'pas', 'sur', 'au', 'aux', 'avec', 'ce', 'cette', 'sont', 'ont', 'été', 'il', 'elle', 'nous', 'mais', 'par', 'leur', 'ne'],
  de: ['der', 'die', 'das', 'und', 'ist', 'nicht', 'ein', 'eine', 'mit', 'den', 'dem', 'von', 'zu', 'auf', 'für', 'sich', 'auch', 'es', 'sie', 'wird', 'wurde', 'sind', 'hat', 'haben', 'bei', 'nach', 'aus', 'dass', 'im', 'oder'],
  es: ['el', 'los', 'las', 'y', 'es', 'que', 'del', 'una', 'por', 'para', 'con', 'se', 'su', 'sus', 'como', 'pero', 'más', 'fue', 'han', 'ha', 'está', 'este', 'esta', 'al', 'lo', 'muy', 'también', 'según', 'entre', 'sobre'],
  it: ['il', 'di', 'che', 'è', 'della', 'delle', 'degli', 'nel', 'nella', 'per', 'con', 'non', 'una', 'sono', 'gli', 'anche', 'alla', 'dei', 'come', 'più', 'ma', 'stato', 'questo', 'questa', 'ha', 'hanno', 'dal', 'sul', 'tra', 'ed'],
  pt: ['o', 'os', 'as', 'do', 'da', 'dos', 'das', 'que', 'não', 'uma', 'um', 'para', 'com', 'em', 'no', 'na', 'é', 'foi', 'mais', 'como', 'mas', 'ao', 'pelo', 'pela', 'seu', 'sua', 'são', 'tem', 'também', 'está'],
  nl: ['de', 'het', 'een', 'en', 'van', 'is', 'dat', 'niet', 'op', 'te', 'zijn', 'met', 'voor', 'ook', 'aan', 'er', 'maar', 'om', 'bij', 'door', 'naar', 'werd', 'wordt', 'heeft', 'hebben', 'deze', 'dit', 'nog', 'als', 'zou'],
};

const WORDS = new Map<string, string[]>();
for (const [code, words] of Object.entries(FUNCTION_WORDS)) {
  for (const word of words) WORDS.set(word, [...(WORDS.get(word) ?? []), code]);
}

/** The languages this detector can name (ISO 639-1). */
export const DETECTABLE_LANGUAGES: readonly string[] = Object.keys(FUNCTION_WORDS);

/** Function-word hits the winner needs, and how far ahead of the next it must be. */
const MIN_HITS = 4;
const MIN_LEAD = 1.6;

/** The passage's language (ISO 639-1), or null when it is too short, mixed or none of these. */
export function detectLanguage(text: string): string | null {
  const scores = new Map<string, number>();
  for (const token of text.toLowerCase().match(/\p{L}+/gu) ?? []) {
    const codes = WORDS.get(token);
    // A word shared by several languages says less about each.
    if (codes) for (const code of codes) scores.set(code, (scores.get(code) ?? 0) + 1 / codes.length);
  }
  const ranked = [...scores].sort((a, b) => b[1] - a[1]);
  const [best, next] = ranked;
  if (!best || best[1] < MIN_HITS) return null;
  if (next && best[1] < next[1] * MIN_LEAD) return null;
  return best[0];
}
