/**
 * How each platform counts the length of a post. They differ: X weighs characters (most
 * non-Latin scripts and emoji count twice, every URL counts 23), Bluesky counts graphemes,
 * Mastodon counts code points with URLs as 23.
 */

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+|\bwww\.[^\s<>"]+/giu;
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;
const URL_LENGTH = 23;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function countGraphemes(text: string): number {
  let count = 0;
  for (const _ of graphemes.segment(text)) count++;
  return count;
}

export function countCodePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** X's ranges that weigh 1 (Latin, common punctuation); everything else weighs 2. */
const X_LIGHT_RANGES: [number, number][] = [
  [0, 4351],
  [8192, 8205],
  [8208, 8223],
  [8242, 8247],
];

function xWeight(codePoint: number): number {
  return X_LIGHT_RANGES.some(([from, to]) => codePoint >= from && codePoint <= to) ? 1 : 2;
}

function withUrlsReplaced(text: string, count: (rest: string) => number): number {
  let urls = 0;
  const rest = text.replace(URL_PATTERN, () => {
    urls++;
    return '';
  });
  return urls * URL_LENGTH + count(rest);
}

/** X (Twitter) weighted length: URLs 23, an emoji sequence 2, CJK and most non-Latin 2, Latin 1. */
export function countX(text: string): number {
  return withUrlsReplaced(text, (rest) => {
    let total = 0;
    for (const { segment } of graphemes.segment(rest)) {
      if (EMOJI.test(segment)) {
        total += 2;
        continue;
      }
      for (const char of segment) total += xWeight(char.codePointAt(0)!);
    }
    return total;
  });
}

/** Mastodon: code points, every URL 23. */
export function countMastodon(text: string): number {
  return withUrlsReplaced(text, countCodePoints);
}

/** What the browser's `maxlength` counts: UTF-16 code units. */
export function countCodeUnits(text: string): number {
  return text.length;
}
