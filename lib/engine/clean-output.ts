/**
 * Turns a small model's raw reply into text that can go into the writer's field: no chat
 * tokens, no "Sure, here is…", no wrapping quotes, no echoed prompt, no half sentence at the
 * end of a continuation; the writer's quote style and capitalisation kept.
 */
import { REWRITE_ACTIONS, type ActionId } from './actions';
import { HEADLINE_MAX_CHARS, PROMPT_LABELS, endsSentence, isWhitespace, sentenceEnds } from './prompts';
import { wordOverlap } from './variants';

export interface CleanOptions {
  action: ActionId;
  /** The passage that was rewritten (or the headline source); '' for continue. */
  sourceText: string;
  /** Text before the caret (continue) or before the passage (rewrites). */
  contextBefore: string;
  /** Character limit for fit/headline (defaults: none / 70). */
  limit?: number;
  /** True when generation stopped on its own (end-of-turn token), false when cut by the token budget or interrupted. */
  finished?: boolean;
  /** Continue: the model went on from the writer's text itself, so the raw text is exactly what follows it (a leading space or none). */
  continuesText?: boolean;
}

// --- chat-template debris --------------------------------------------------------------------

/** Anything after one of these is a new turn the model invented: drop it. */
const TURN_STARTS: RegExp[] = [
  /<\|im_start\|>\s*(?:user|system)/i,
  /<\|start_header_id\|>\s*(?:user|system)/i,
  /<start_of_turn>\s*user/i,
  /<\|(?:user|system)\|>/i,
  /\n(?:user|human|User|Human|USER)\s*:/,
];

const SPECIAL_TOKEN_RE =
  /<\|im_start\|>\s*assistant\s*|<\|start_header_id\|>\s*assistant\s*<\|end_header_id\|>\s*|<start_of_turn>\s*model\s*|<\|[a-z_]{2,30}\|>|<\/?s>|<(?:end_of_turn|eos|bos|pad|unk)>/gi;

const ROLE_PREFIX_RE = /^\s*(?:assistant|model|ai|bot)\s*[:：]\s*/i;

// --- politeness and labels -------------------------------------------------------------------

const INTERJECTION = String.raw`(?:sure|certainly|of course|absolutely|okay|ok|alright|gladly|great)`;
const HERE = String.raw`(?:here(?:'s|’s| is| are| you go)|below is|this is|i(?:'ve|’ve| have) (?:rephrased|rewritten|revised|corrected|shortened|expanded|made|fixed|edited)|hier (?:ist|sind)|voici|voilà|aquí (?:está|tienes|hay)|ecco|aqui está)`;
/** "Sure! Here's a more formal version:" — a lead-in ending with a colon. */
const PREAMBLE_COLON_RE = new RegExp(String.raw`^\s*(?:${INTERJECTION}[!,.]?\s*)?${HERE}[^\n:]{0,120}:[ \t]*\n?`, 'i');
/** A first line that is only "Sure!" or "Certainly, here you go." */
const PREAMBLE_LINE_RE = new RegExp(String.raw`^\s*${INTERJECTION}[!,.]?\s*(?:${HERE}[^\n]{0,80})?[.!]?[ \t]*\n`, 'i');
/** "Rewritten text:", "**Headline:**", "Continuation:" … */
const LABEL_ADJ = String.raw`(?:rephrased|rewritten|revised|corrected|shortened|shorter|expanded|longer|formal|casual|improved|edited|fixed|new|final|continued|suggested)`;
const LABEL_NOUN = String.raw`(?:version|text|sentence|passage|paragraph|headline|title|continuation|output|answer|response|result|rewrite|suggestion)`;
const LABEL_RE = new RegExp(
  String.raw`^\s*\**\s*(?:(?:the\s+)?${LABEL_ADJ}(?:\s+${LABEL_NOUN})?|${LABEL_NOUN})\s*(?:\(\d+\s*characters?\))?\s*\**\s*[:：]\s*\**\s*`,
  'i',
);

/** Notes and sign-offs after the answer. */
const TRAILER_RE =
  /\n\s*(?:\(?\s*\**\s*(?:note|notes|explanation|changes(?: made)?|reasoning|why)\b\s*\**\s*:|i hope (?:this|that)|let me know|this version|this (?:rewrite|revision)|feel free)|\s\(\s*(?:note|this)\b[^)]*\)\s*$|\n\s*---+\s*(?:\n|$)/i;

/** How much of the context before the caret cleaning looks at. */
const CONTEXT_TAIL = 2000;

const QUOTE_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['"""', '"""'],
  ['"', '"'],
  ['“', '”'],
  ['„', '“'],
  ['«', '»'],
  ['‘', '’'],
  ["'", "'"],
  ['「', '」'],
  ['『', '』'],
  ['`', '`'],
];

const CJK_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const NO_SPACE_BEFORE = /^[,.;:!?…)\]}”’»、。，！？：；%]/u;

/** Common lower-case-in-English sentence starters a model capitalises after a mid-sentence caret. */
const FUNCTION_WORDS = new Set(
  'the a an and but or so to of in on for with that which who it its is was are were be this these those we they he she you i\'m my our their his her at by from as if when because then than not no yes there here also just'.split(
    ' ',
  ),
);

function stripDebris(raw: string): string {
  let out = raw;
  for (const re of TURN_STARTS) {
    const m = re.exec(out);
    if (m) out = out.slice(0, m.index);
  }
  out = out.replace(SPECIAL_TOKEN_RE, '');
  out = out.replace(ROLE_PREFIX_RE, '');
  return out;
}

function stripEchoedLabels(text: string): string {
  let out = text;
  let changed = true;
  while (changed) {
    changed = false;
    const trimmed = out.trimStart();
    for (const label of PROMPT_LABELS) {
      if (trimmed.toLowerCase().startsWith(label.toLowerCase())) {
        out = trimmed.slice(label.length);
        changed = true;
      }
    }
    const fence = /^\s*"""[ \t]*\n?/.exec(out);
    if (fence && !out.slice(fence[0].length).includes('"""')) {
      // An opening fence without its close: drop it.
      out = out.slice(fence[0].length);
      changed = true;
    }
    const code = /^\s*```[\w-]*[ \t]*\n/.exec(out);
    if (code) {
      out = out.slice(code[0].length).replace(/\n?```\s*$/, '');
      changed = true;
    }
  }
  // A closing fence and whatever follows it is prompt echo.
  const close = out.indexOf('"""');
  if (close > 0 && !out.slice(0, close).includes('"""')) {
    const head = out.slice(0, close);
    if (head.trim().length > 0) out = head;
  }
  return out;
}

/** Words that show a colon lead-in is about the answer, not part of the writer's text. */
const PREAMBLE_TOPIC_RE =
  /\b(?:version|text|sentence|passage|paragraph|headline|title|continuation|rewrite|rephras\w*|option|suggestion|result|correct\w*|edit\w*|it|you go|fassung|texte?|versión|versione|versão)\b/iu;

/**
 * A first line that only announces the answer and ends with a colon: "The passage can be
 * rephrased to:", "The corrected sentence is:" (no "Here is" for PREAMBLE_COLON_RE to catch).
 */
const ANSWER_TOPIC = String.raw`(?:passage|text(?: so far)?|sentence|paragraph|headline|title|standfirst|summary|version|continuation|rephras\w*|rewrit\w*|reworked|correct\w*)`;
/** Commentary before it on the same line goes too: "The passage is now 353 characters long. A rewritten version:". */
const LEAD_IN_LINE_RE = new RegExp(String.raw`^\s*[^\n]{0,300}?\b${ANSWER_TOPIC}\b[^\n.!?:]{0,80}:[ \t]*(?:\n|$)`, 'iu');
/** The same kind of line later in the reply: what follows is an echo of the prompt or another try ("…\n\nThe text so far is:"). */
const LATER_LEAD_IN_RE = new RegExp(String.raw`\n[^\n]{0,120}?\b${ANSWER_TOPIC}\b[^\n.!?:]{0,80}:[ \t]*(?:\n|$)`, 'iu');
/** A reply that talks to the writer instead of answering ("I'm ready to help you edit your text."). */
const CHATTER_RE = /^\s*(?:i['’]?m (?:ready|happy|glad|here) to help|i(?:['’]d| would) be (?:happy|glad) to|please (?:provide|share|send)|go ahead and (?:provide|share))/iu;

function stripPreambles(text: string): string {
  let out = text;
  for (let pass = 0; pass < 3; pass++) {
    const before = out;
    const lead = PREAMBLE_COLON_RE.exec(out);
    if (lead && (lead[0].endsWith('\n') || PREAMBLE_TOPIC_RE.test(lead[0]))) out = out.slice(lead[0].length);
    out = out.replace(LEAD_IN_LINE_RE, '');
    out = out.replace(PREAMBLE_LINE_RE, '');
    out = out.replace(LABEL_RE, '');
    if (out === before) break;
  }
  return out;
}

/** A word said four times in a row: the model is in a loop, and nothing from there on is text. */
const WORD_LOOP_RE = /(?<![\p{L}\p{N}])([\p{L}\p{N}]+)(?:[\s,]+\1(?![\p{L}\p{N}])){3,}/iu;
/** Sentences shorter than this may repeat on purpose ("Yes. Yes."). */
const REPEAT_MIN_WORDS = 4;

/**
 * Cuts a small model's loops: the text from a word repeated four times in a row on, and every
 * sentence (of four words or more) that the reply already said.
 */
function dropLoops(text: string): string {
  const run = WORD_LOOP_RE.exec(text);
  let out = run ? text.slice(0, run.index).trimEnd() : text;
  const ends = sentenceEnds(out, 0, out.length, true);
  if (ends.length < 2) return out;
  const seen = new Set<string>();
  let kept = '';
  let from = 0;
  for (const end of [...ends, out.length]) {
    if (end <= from) continue;
    const piece = out.slice(from, end);
    const key = piece.toLocaleLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    // The last piece may be a sentence said again and cut by the token cap: the start of one already said.
    const restarted = end === out.length && [...seen].some((s) => s.startsWith(key) && key.length > 0);
    if (!restarted && (key.split(' ').length < REPEAT_MIN_WORDS || !seen.has(key))) kept += piece;
    seen.add(key);
    from = end;
  }
  return kept;
}

function cutTrailers(text: string): string {
  if (CHATTER_RE.test(text)) return '';
  let out = text;
  for (const re of [TRAILER_RE, LATER_LEAD_IN_RE]) {
    const m = re.exec(out);
    if (m && m.index > 0) out = out.slice(0, m.index);
  }
  return out;
}

function stripWrappingQuotes(text: string, source: string): string {
  let out = text.trim();
  const src = source.trim();
  for (let pass = 0; pass < 2; pass++) {
    let changed = false;
    for (const [open, close] of QUOTE_PAIRS) {
      if (src.startsWith(open)) continue;
      if (out.length > open.length + close.length && out.startsWith(open) && out.endsWith(close)) {
        const inner = out.slice(open.length, out.length - close.length);
        // Keep `"a" and "b"`: only strip when the inner text has no other quote of this kind.
        if (!inner.includes(close) && (open === close || !inner.includes(open))) {
          out = inner.trim();
          changed = true;
          break;
        }
      }
      // A lone opening quote whose closing quote was never generated.
      if (out.startsWith(open) && !out.slice(open.length).includes(close) && (open.length > 1 || /["“„«「『]/.test(open))) {
        out = out.slice(open.length).trimStart();
        changed = true;
        break;
      }
    }
    if (!changed) break;
  }
  return out;
}

// --- quote style ------------------------------------------------------------------------------

type QuoteStyle = 'straight' | 'curly' | null;

function styleOf(straight: number, curly: number): QuoteStyle {
  if (straight > 0 && curly === 0) return 'straight';
  if (curly > 0 && straight === 0) return 'curly';
  return null;
}

/** The writer's quote style, from their own text: 'straight', 'curly' or null when unclear. */
export function detectQuoteStyle(text: string): { double: QuoteStyle; single: QuoteStyle } {
  const count = (re: RegExp) => text.match(re)?.length ?? 0;
  const double = styleOf(count(/"/g), count(/[“”]/g));
  const single = styleOf(count(/'/g), count(/[‘’]/g));
  return { double: double ?? single, single: single ?? double };
}

function opensQuote(prev: string | undefined): boolean {
  return prev === undefined || /[\s([{\u2014\u2013-]/u.test(prev);
}

export function applyQuoteStyle(text: string, style: { double: QuoteStyle; single: QuoteStyle }): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const prev = i > 0 ? out[out.length - 1] : undefined;
    if (style.double === 'straight' && (ch === '“' || ch === '”')) out += '"';
    else if (style.single === 'straight' && (ch === '‘' || ch === '’')) out += "'";
    else if (style.double === 'curly' && ch === '"') out += opensQuote(prev) ? '“' : '”';
    else if (style.single === 'curly' && ch === "'") out += opensQuote(prev) ? '‘' : '’';
    else out += ch;
  }
  return out;
}

// --- helpers ----------------------------------------------------------------------------------

function firstLetterIndex(text: string): number {
  const m = /\p{L}/u.exec(text);
  return m ? m.index : -1;
}

function firstWord(text: string): string {
  return (/[\p{L}']+/u.exec(text)?.[0] ?? '').toLowerCase();
}

function setFirstLetterCase(text: string, upper: boolean): string {
  const i = firstLetterIndex(text);
  if (i === -1) return text;
  const ch = text[i]!;
  const next = upper ? ch.toLocaleUpperCase() : ch.toLocaleLowerCase();
  return next === ch ? text : text.slice(0, i) + next + text.slice(i + 1);
}

/** Length of the longest suffix of `before` that `out` starts with (whole words only, at least `min` chars). */
function echoedOverlap(before: string, out: string, min: number): number {
  const max = Math.min(before.length, out.length, 400);
  for (let k = max; k >= min; k--) {
    if (before.endsWith(out.slice(0, k))) {
      const startsAtWord = before.length === k || !/[\p{L}\p{N}]/u.test(before[before.length - k - 1] ?? '');
      const endsAtWord = k === out.length || !/[\p{L}\p{N}]/u.test(out[k] ?? '') || !/[\p{L}\p{N}]/u.test(out[k - 1] ?? '');
      if (startsAtWord && endsAtWord) return k;
    }
  }
  return 0;
}

/** Cuts `text` to at most `limit` characters at a sentence end, else a word end. */
export function cutToLimit(text: string, limit: number): string {
  const chars = [...text];
  if (chars.length <= limit) return text;
  const prefix = chars.slice(0, limit).join('');
  const ends = sentenceEnds(prefix, 0, prefix.length, true);
  const lastEnd = ends[ends.length - 1];
  if (lastEnd !== undefined && lastEnd >= prefix.length * 0.5) return prefix.slice(0, lastEnd).trimEnd();
  const nextIsSpace = isWhitespace(chars[limit]);
  const space = prefix.search(/\s\S*$/u);
  const cut = nextIsSpace || space <= 0 ? prefix : prefix.slice(0, space);
  return withoutDanglingEnd(cut);
}

/** Words a cut phrase must not end on ("…adding bus routes to"): it reads as broken off. */
const DANGLING_WORDS = new Set(
  'the a an of to and or but for with in on at by from as that its their his her our is are was were will not be has have after before into than'.split(' '),
);

/** Drops trailing punctuation that joins to nothing and the dangling words before it (never the whole text). */
function withoutDanglingEnd(text: string): string {
  let out = text.trimEnd().replace(/[\s,;:\u2013\u2014-]+$/u, '');
  for (;;) {
    const m = /\s+([\p{L}']+)$/u.exec(out);
    if (!m || !DANGLING_WORDS.has(m[1]!.toLowerCase())) return out;
    out = out.slice(0, m.index).replace(/[\s,;:\u2013\u2014-]+$/u, '');
  }
}

/**
 * How many leading characters of a streamed continuation are final: up to the end of its last
 * complete sentence (a terminator followed by whitespace, or a line break). While streaming, a
 * terminator at the very end is not final yet ("3." may become "3.5"); pass `finished` once the
 * stream is over to count it.
 */
export function stopAtSentenceBoundary(text: string, finished = false): number {
  const ends = sentenceEnds(text, 0, text.length, finished);
  return ends.length > 0 ? ends[ends.length - 1]! : 0;
}

// --- main -------------------------------------------------------------------------------------

/** Word overlap at which a continuation's sentence only says again what a sentence before the caret said. */
const RESTATEMENT_OVERLAP = 0.8;

function sentencesOf(text: string): string[] {
  const pieces: string[] = [];
  let from = 0;
  for (const end of [...sentenceEnds(text, 0, text.length, true), text.length]) {
    if (end > from) pieces.push(text.slice(from, end));
    from = end;
  }
  return pieces;
}

/**
 * Drops the continuation's leading sentences that restate a sentence of the text before the caret
 * (a small model told "do not repeat" still rewrites the last sentence in nearly the same words).
 */
function dropRestatements(out: string, before: string): string {
  const previous = sentencesOf(before).filter((s) => /[\p{L}\p{N}]/u.test(s));
  if (previous.length === 0) return out;
  const pieces = sentencesOf(out);
  let drop = 0;
  while (drop < pieces.length && previous.some((p) => wordOverlap(p, pieces[drop]!) >= RESTATEMENT_OVERLAP)) drop++;
  return drop === 0 ? out : pieces.slice(drop).join('');
}

function cleanContinuation(text: string, opts: CleanOptions, joinsWord: boolean): string {
  const before = opts.contextBefore;
  let out = text.replace(/^[ \t]*\n+/, '');
  // The model repeated the end of the text before the caret: drop the repeat.
  const overlap = joinsWord ? 0 : echoedOverlap(before.trimEnd(), out.trimStart(), 4);
  let midWordJoin = joinsWord;
  if (overlap > 0) {
    const lead = out.length - out.trimStart().length;
    midWordJoin = /[\p{L}\p{N}]/u.test(out[lead + overlap - 1] ?? '') && /[\p{L}\p{N}]/u.test(out[lead + overlap] ?? '');
    out = out.slice(lead + overlap);
  }
  out = out.replace(/\s+/gu, (ws) => (ws.includes('\n') ? ws.replace(/[ \t]+/g, '') : ' '));
  out = dropRestatements(out, before);
  if (!/[\p{L}\p{N}]/u.test(out)) return '';

  // At most two sentences, and no trailing fragment after a complete one, even when the model
  // stopped on its own there (a real model ends a turn mid-sentence: "…fostering a sense of
  // community pride").
  const trimmed = out.trimEnd();
  const ends = sentenceEnds(trimmed, 0, trimmed.length, true);
  if (ends.length >= 2) out = trimmed.slice(0, ends[1]);
  else if (ends.length === 1) out = trimmed.slice(0, ends[0]);
  else if (ends.length === 0 && !opts.finished) {
    // No sentence end at all: keep whole words only (the last one may be cut mid-token).
    const lastSpace = trimmed.search(/\s\S*$/u);
    out = lastSpace > 0 ? trimmed.slice(0, lastSpace) : trimmed;
  } else out = trimmed;
  out = out.replace(/[ \t]+$/u, '');
  if (out.trim().length === 0) return '';

  // Capitalisation: new sentence → capital; mid-sentence → lower-case common words.
  const startsNew = endsSentence(before);
  const body = out.trimStart();
  if (!midWordJoin) {
    if (startsNew && before.trim().length > 0) out = setFirstLetterCase(out, true);
    else if (!startsNew && FUNCTION_WORDS.has(firstWord(body)) && firstWord(body) !== 'i' && firstWord(body) !== "i'm") {
      out = setFirstLetterCase(out, false);
    }
  }

  // Spacing at the join.
  const lastBefore = before[before.length - 1];
  if (before.length === 0 || isWhitespace(lastBefore)) return out.trimStart();
  const first = out.trimStart()[0] ?? '';
  if (midWordJoin || NO_SPACE_BEFORE.test(first) || CJK_RE.test(lastBefore ?? '') || CJK_RE.test(first)) {
    return out.trimStart();
  }
  return /^\s/u.test(out) ? out.replace(/^\s+/u, (ws) => (ws.includes('\n') ? ws : ' ')) : ` ${out}`;
}

function firstAlternative(text: string, source: string): string {
  const marker = /^\s*(?:\d+[.)]|[-*•]|option\s+\d+\s*[:.)-])\s+/i;
  if (marker.test(source)) return text;
  const m = marker.exec(text);
  if (!m) return text;
  const rest = text.slice(m[0].length);
  const next = /\n\s*(?:\d+[.)]|[-*•]|option\s+\d+\s*[:.)-])\s+/i.exec(rest);
  return next ? rest.slice(0, next.index) : rest;
}

/**
 * A correction has as many sentences as the passage: a small model that goes on writing after
 * the corrected sentence ("…families, but they also mentioned…" is cut at the sentence end) adds
 * text the writer did not ask for. Only when the passage ends a sentence, so the counts compare.
 */
function keepSentenceCount(out: string, source: string): string {
  const trimmed = source.trim();
  if (!endsSentence(trimmed)) return out;
  const wanted = sentenceEnds(trimmed, 0, trimmed.length, true).length;
  const ends = sentenceEnds(out, 0, out.length, true);
  const last = ends[wanted - 1];
  // Anything after the passage's last sentence goes, a fragment too ("…families. The mayor have").
  return wanted > 0 && last !== undefined && out.slice(last).trim().length > 0 ? out.slice(0, last).trimEnd() : out;
}

function cleanRewrite(text: string, opts: CleanOptions): string {
  const source = opts.sourceText;
  let out = firstAlternative(text, source).trim();
  // The model echoed the context before the passage.
  const overlap = echoedOverlap(opts.contextBefore.trimEnd(), out, 20);
  if (overlap > 0) out = out.slice(overlap).trim();
  if (!source.includes('\n')) {
    // One paragraph in, one paragraph out: a second paragraph is commentary or another option.
    out = (out.split(/\n\s*\n/u)[0] ?? out).replace(/\s*\n\s*/gu, ' ');
  }
  out = stripWrappingQuotes(out, source);
  if (out.length === 0) return '';
  if (opts.action === 'grammar') out = keepSentenceCount(out, source);

  // Case of the first letter follows the writer's passage.
  const srcFirst = firstLetterIndex(source);
  if (srcFirst !== -1) {
    const ch = source[srcFirst]!;
    const isUpper = ch !== ch.toLocaleLowerCase();
    const isLower = ch !== ch.toLocaleUpperCase();
    const outWord = firstWord(out);
    if (isUpper) out = setFirstLetterCase(out, true);
    else if (isLower && outWord !== 'i' && outWord !== "i'm") out = setFirstLetterCase(out, false);
  }

  // Final punctuation follows the passage, except where fixing it is the point.
  if (opts.action !== 'grammar') {
    const srcEnd = source.trimEnd().slice(-1);
    const srcHasEnd = /[.!?…。！？]/u.test(srcEnd);
    if (!srcHasEnd && /[^.]\.$/u.test(out)) out = out.slice(0, -1);
    else if (srcHasEnd && /[\p{L}\p{N}]$/u.test(out)) out += srcEnd;
  }
  if (opts.action === 'fit' && opts.limit !== undefined) out = cutToLimit(out, opts.limit);
  return out;
}

function cleanSummary(text: string, opts: CleanOptions): string {
  let out = firstAlternative(text, '').trim();
  // One paragraph: anything after a blank line is commentary.
  out = (out.split(/\n\s*\n/u)[0] ?? '').replace(/\s*\n\s*/gu, ' ');
  out = stripPreambles(out).trim();
  out = stripWrappingQuotes(out, '');
  return opts.limit !== undefined ? cutToLimit(out, opts.limit) : out;
}

function cleanHeadline(text: string, opts: CleanOptions): string {
  let out = firstAlternative(text, '').trim();
  out = (out.split('\n').find((line) => line.trim().length > 0) ?? '').trim();
  out = out.replace(/^#+\s*/u, '').replace(/^\*\*(.+)\*\*$/u, '$1');
  out = stripPreambles(out).trim();
  out = stripWrappingQuotes(out, '');
  out = out.replace(/(?<![.])\.$/u, '').trim();
  return cutToLimit(out, opts.limit ?? HEADLINE_MAX_CHARS);
}

/**
 * Cleans one model reply for the given action. Returns '' when nothing usable is left.
 * `stream.final` is another way to pass `finished` (false while streaming, true at the end).
 */
export function cleanOutput(raw: string, options: CleanOptions, stream?: { final?: boolean }): string {
  // Only the end of the context matters; a 1 MB field must not cost a full scan per streamed token.
  const opts: CleanOptions = {
    ...options,
    contextBefore: options.contextBefore.slice(-CONTEXT_TAIL),
    finished: stream?.final ?? options.finished ?? false,
  };
  let text = stripDebris(raw.replace(/\r\n?/g, '\n'));
  text = stripEchoedLabels(text);
  text = stripPreambles(text);
  text = cutTrailers(text);
  text = stripEchoedLabels(text);
  text = dropLoops(text);

  const source = opts.action === 'continue' ? opts.contextBefore : opts.sourceText;
  if (opts.action !== 'continue') text = stripWrappingQuotes(text, source);
  else {
    const unquoted = stripWrappingQuotes(text, '');
    // A continuation wrapped whole in quotes, where the writer was not inside a quotation.
    if (unquoted !== text.trim() && !/["“„«'‘]\s*[^"”»'’]*$/u.test(opts.contextBefore)) text = unquoted;
  }
  text = text.replace(/^\*\*([^*]+)\*\*$/u, '$1');

  let out: string;
  if (opts.action === 'continue') {
    // Going on from the writer's text, no space before a letter means the caret's word goes on ("runn" + "ers").
    const joinsWord = opts.continuesText === true && /^[\p{L}\p{N}]/u.test(raw) && /[\p{L}\p{N}]$/u.test(opts.contextBefore);
    out = cleanContinuation(text, opts, joinsWord);
  }
  else if (opts.action === 'headline') out = cleanHeadline(text, opts);
  else if (opts.action === 'summary') out = cleanSummary(text, opts);
  else if (REWRITE_ACTIONS.has(opts.action)) out = cleanRewrite(text, opts);
  else out = text.trim();

  const style = detectQuoteStyle(`${opts.contextBefore}${opts.sourceText}`);
  return applyQuoteStyle(out, style);
}
