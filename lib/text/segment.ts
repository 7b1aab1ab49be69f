/**
 * Sentence segmentation with exact offsets (UTF-16 code units, i.e. JS string
 * indices, the same unit DOM ranges and textarea selections use).
 *
 * Based on Intl.Segmenter (ICU), which handles CJK, Arabic/Hebrew punctuation,
 * decimals, quotes after the period and emoji, but splits after abbreviations
 * followed by a capital ("Dr. " | "Smith", "The U.S. " | "Army"). A fix-up pass
 * re-joins those, and splits after "…" followed by a capital (ICU does not, but it
 * does split after "...", so the two would segment differently).
 */
export interface SentenceSpan {
  /** Exactly `input.slice(start, end)`: trimmed of surrounding whitespace. */
  text: string;
  start: number;
  end: number;
}

/** Titles and Latin abbreviations that practically never end a sentence. */
const ALWAYS_JOIN = new Set([
  'mr.', 'mrs.', 'ms.', 'mx.', 'dr.', 'prof.', 'st.', 'mt.', 'ft.', 'gen.', 'col.', 'lt.', 'sgt.',
  'capt.', 'cmdr.', 'adm.', 'gov.', 'sen.', 'rep.', 'rev.', 'hon.', 'pres.', 'messrs.', 'mme.',
  'mlle.', 'e.g.', 'i.e.', 'cf.', 'vs.', 'viz.', 'approx.', 'ca.', 'esp.', 'incl.', 'dept.',
]);
/** Abbreviations that precede a number ("No. 5", "Fig. 3", "Jan. 12"). */
const BEFORE_NUMBER = new Set([
  'no.', 'nos.', 'fig.', 'figs.', 'vol.', 'p.', 'pp.', 'ch.', 'sec.', 'art.', 'ed.', 'op.',
  'jan.', 'feb.', 'mar.', 'apr.', 'jun.', 'jul.', 'aug.', 'sep.', 'sept.', 'oct.', 'nov.', 'dec.',
]);
/** Can end a sentence or sit inside one; join unless the next word looks like a sentence start. */
const AMBIGUOUS = new Set(['inc.', 'ltd.', 'co.', 'corp.', 'jr.', 'sr.', 'bros.', 'plc.', 'llc.']);
/** Join only before lower case or digits (ICU already does that) — never before a capital. */
const TIME_LIKE = new Set(['a.m.', 'p.m.', 'etc.', 'al.']);
/** Common sentence-initial words; a capitalised one after an ambiguous abbreviation means a new sentence. */
const SENTENCE_STARTERS = new Set([
  'a', 'an', 'the', 'i', 'it', 'its', 'he', 'she', 'we', 'they', 'you', 'this', 'that', 'these',
  'those', 'there', 'here', 'but', 'and', 'or', 'so', 'yet', 'if', 'when', 'while', 'after',
  'before', 'in', 'on', 'at', 'for', 'as', 'his', 'her', 'our', 'their', 'my', 'your', 'what',
  'why', 'how', 'who', 'where', 'then', 'now', 'however', 'meanwhile', 'still', 'also', 'since',
  'because', 'although', 'one', 'some', 'many', 'most', 'all', 'no', 'not', 'yes', 'is', 'are',
  'was', 'were', 'do', 'does', 'did', 'can', 'will', 'would', 'should', 'could', 'let', 'today',
]);

const LEADING_OPENERS = /^[\s"'“‘«„‚([{¿¡]*/u;

function lastToken(segment: string): string {
  const m = /(\S+)\s*$/u.exec(segment);
  if (!m) return '';
  // Drop opening punctuation glued to the token: "(Dr." -> "Dr."
  return (m[1] ?? '').replace(/^[("'“‘«[{]+/u, '');
}

function firstWord(segment: string): string {
  const rest = segment.replace(LEADING_OPENERS, '');
  const m = /^[\p{L}\p{N}][\p{L}\p{M}\p{N}'’-]*/u.exec(rest);
  return m ? m[0] : rest.slice(0, 1);
}

const isUpper = (ch: string) => /^\p{Lu}/u.test(ch);
const isLowerOrDigit = (ch: string) => /^[\p{Ll}\p{N}]/u.test(ch);

/** Decide whether the boundary between `left` and `right` is a false break. */
export function shouldJoin(left: string, right: string): boolean {
  // A hard line break inside a sentence (pasted from a PDF, an email, a wire feed): one line
  // break, no sentence-ending punctuation before it, a lower-case word or a number after it.
  if (/[^\s]\s*\n[ \t]*$/u.test(left) && !/\n[ \t]*\n[ \t]*$/u.test(left) && !/[.!?…:;。！？]["'”’»)\]]*\s*$/u.test(left) && /^[ \t]*[\p{Ll}\p{N}]/u.test(right)) {
    return true;
  }
  // Any other line break between them is a real boundary (paragraphs, list items, headings).
  if (/\n\s*$/u.test(left) || /^\s*\n/u.test(right)) return false;
  const token = lastToken(left);
  if (!token.endsWith('.')) return false;
  const lower = token.toLowerCase();
  const next = firstWord(right);
  if (!next) return false;
  const first = next.charAt(0);
  const initial = /^\p{Lu}\.$/u.test(token);
  const acronym = /^(?:\p{L}\.){2,}$/u.test(token);
  const known =
    initial || acronym || ALWAYS_JOIN.has(lower) || BEFORE_NUMBER.has(lower) || AMBIGUOUS.has(lower) || TIME_LIKE.has(lower);
  if (!known) return false;
  if (isLowerOrDigit(first)) return true; // "e.g. this", "p.m. today", "No. 5"
  if (ALWAYS_JOIN.has(lower)) return true;
  if (BEFORE_NUMBER.has(lower)) return /^\p{N}/u.test(first);
  if (TIME_LIKE.has(lower)) return false;
  const startsSentence = SENTENCE_STARTERS.has(next.toLowerCase());
  // Single initial: "J. R. R. Tolkien", "George W. Bush".
  if (initial) return isUpper(first) && !startsSentence;
  // Dotted acronyms: "U.S. Army", "U.K. Parliament" (but "in the U.S. The ...").
  if (acronym) return isUpper(first) && !startsSentence;
  if (AMBIGUOUS.has(lower)) return isUpper(first) && !startsSentence;
  return false;
}

/** Split inside a segment after "…" followed by whitespace and a capital. */
function splitEllipses(seg: { start: number; end: number }, input: string) {
  const out: { start: number; end: number }[] = [];
  const text = input.slice(seg.start, seg.end);
  const re = /\u2026["'”’)\]]*(\s+)(?=["'“‘(]*\p{Lu})/gu;
  let from = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const cut = m.index + m[0].length;
    out.push({ start: seg.start + from, end: seg.start + cut });
    from = cut;
  }
  out.push({ start: seg.start + from, end: seg.end });
  return out;
}

type Segmenter = { segment(input: string): Iterable<{ segment: string; index: number }> };

/**
 * V8's Intl.Segmenter is quadratic in the input length (445k characters take seconds), so long
 * texts are segmented in windows: boundaries closer than `margin` to a window's end (where the
 * missing right context could change ICU's decision) are dropped and the next window starts at
 * the last boundary kept. Sentence-break rules only look a few characters ahead, so the result
 * equals segmenting the whole text at once (tested).
 */
export const SEGMENT_WINDOW = 4096;
const SEGMENT_MARGIN = 256;

function icuSegments(input: string, locale?: string, window = SEGMENT_WINDOW): { start: number; end: number }[] | null {
  const Seg = (Intl as unknown as { Segmenter?: new (l?: string, o?: object) => Segmenter }).Segmenter;
  if (!Seg) return null;
  let segmenter: Segmenter;
  try {
    segmenter = new Seg(locale, { granularity: 'sentence' });
  } catch {
    segmenter = new Seg(undefined, { granularity: 'sentence' });
  }
  const margin = Math.min(SEGMENT_MARGIN, window >> 2);
  const out: { start: number; end: number }[] = [];
  let from = 0;
  let size = window;
  while (from < input.length) {
    const end = Math.min(input.length, from + size);
    const chunk = input.slice(from, end);
    const last = end === input.length;
    let kept = 0;
    for (const s of segmenter.segment(chunk)) {
      const segEnd = s.index + s.segment.length;
      if (!last && segEnd > chunk.length - margin) break;
      out.push({ start: from + s.index, end: from + segEnd });
      kept = segEnd;
    }
    if (last) break;
    if (kept === 0) {
      size *= 2; // one sentence longer than the window: look further
      continue;
    }
    from += kept;
    size = window;
  }
  return out;
}

/** Fallback when Intl.Segmenter is missing: break after terminal punctuation (+ closers) and space, or after CJK terminators. */
function regexSegments(input: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const re = /(?:[.!?؟…]+["'”’»)\]]*\s+|[。！？]+[”’」』）]*\s*|\n+)/gu;
  let from = 0;
  for (let m = re.exec(input); m; m = re.exec(input)) {
    const cut = m.index + m[0].length;
    if (cut > from) out.push({ start: from, end: cut });
    from = cut;
  }
  if (from < input.length) out.push({ start: from, end: input.length });
  return out;
}

export function segmentSentences(input: string, locale?: string, options: { window?: number } = {}): SentenceSpan[] {
  if (!input) return [];
  const raw = (icuSegments(input, locale, options.window) ?? regexSegments(input)).flatMap((s) => splitEllipses(s, input));

  // Re-join false breaks.
  const merged: { start: number; end: number }[] = [];
  for (const seg of raw) {
    const prev = merged[merged.length - 1];
    if (prev && shouldJoin(input.slice(prev.start, prev.end), input.slice(seg.start, seg.end))) {
      prev.end = seg.end;
    } else {
      merged.push({ ...seg });
    }
  }

  // Trim whitespace and drop empty spans.
  const spans: SentenceSpan[] = [];
  for (const { start, end } of merged) {
    const slice = input.slice(start, end);
    const lead = slice.length - slice.replace(/^\s+/u, '').length;
    const trail = slice.length - slice.replace(/\s+$/u, '').length;
    const s = start + lead;
    const e = end - trail;
    if (e > s) spans.push({ text: input.slice(s, e), start: s, end: e });
  }
  return spans;
}
