/**
 * Sentence normalisation used for hashing and matching.
 * NFC, fold typographic quotes/dashes/ellipsis, drop invisible format characters
 * (but keep ZWJ, which emoji sequences need), collapse whitespace, trim.
 * Case is kept: a verbatim match means the same words with the same case.
 */
const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B\u2032\u02BC\uFF07]/g;
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB\uFF02]/g;
const DASHES = /[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uFE58\uFE63\uFF0D]/g;
// ZWSP, soft hyphen, word joiner, BOM, LRM/RLM and bidi embedding/isolate controls.
const INVISIBLE = /[\u200B\u00AD\u2060\uFEFF\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** Printable ASCII with single inner spaces only: already normal (the common case, checked first). */
const ALREADY_NORMAL = /^[\x21-\x7e](?:[\x21-\x7e]| (?! ))*$/;

export function normalizeSentence(text: string): string {
  if (ALREADY_NORMAL.test(text) && !text.endsWith(' ')) return text;
  return text
    .normalize('NFC')
    .replace(INVISIBLE, '')
    .replace(SINGLE_QUOTES, "'")
    .replace(DOUBLE_QUOTES, '"')
    .replace(DASHES, '-')
    .replace(/\u2026/g, '...')
    .replace(/\s+/gu, ' ')
    .trim();
}
