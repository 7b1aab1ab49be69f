/**
 * Chat messages per writing action, built from a bounded window of the writer's text so that a
 * 1 MB field costs no more than a short one. Returns role/content messages: the backend formats
 * them with the model's own chat template.
 *
 * Also holds the small text-boundary helpers (grapheme-safe cuts, sentence ends) that the
 * window clipping and output cleaning share.
 */
import { REWRITE_ACTIONS, isActionId, type ActionId } from './actions';

export type ChatRole = 'system' | 'user' | 'assistant';
export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface TextRange {
  start: number;
  end: number;
}

export interface PromptInput {
  action: ActionId;
  /** The whole field text (may be large; only windows of it are read). */
  text: string;
  /** Caret offset in UTF-16 code units, 0..text.length. */
  caret: number;
  /** Selected range, if any (collapsed selections count as none). */
  selection?: TextRange | null;
  /** `fit`: the maximum number of characters. `headline`: overrides the default of 70. */
  limit?: number;
  /** BCP 47 tag or language name when known (e.g. from the page's `lang`); the model is always told to keep the text's language. */
  language?: string;
}

/**
 * The same request as the start of the model's own reply: the messages, then the writer's text
 * as the reply so far, which the model goes on writing. Only for a backend that can continue a
 * reply (TextGenerator.continuesReplies).
 */
export interface ReplyContinuation {
  messages: ChatMessage[];
  /** The reply so far: the writer's text before the caret, trimmed. */
  reply: string;
}

export interface PreparedPrompt {
  action: ActionId;
  messages: ChatMessage[];
  /**
   * Continue only, with text before the caret. Asked to write "the next sentences" of a text it
   * is shown, SmolLM2-135M mostly repeated the text or wrote about it ("The next sentence
   * continues…"); going on from the text as its own reply, it wrote continuations.
   */
  continuation?: ReplyContinuation;
  /** Where the suggestion goes: the rewritten range, or the caret (collapsed) for continue/headline. */
  replace: TextRange;
  /** The passage being rewritten, or the text a headline is written for; '' for continue. */
  sourceText: string;
  /** Clipped text before the caret (continue) or before the passage (rewrites). */
  contextBefore: string;
  contextAfter: string;
  /** A token budget that fits the action (see suggestedMaxNewTokens). */
  maxNewTokens: number;
  /** Character limit the output must respect (fit, headline), if any. */
  limit?: number;
}

export type PromptErrorCode = 'bad-range' | 'empty-target' | 'selection-too-long' | 'missing-limit' | 'unknown-action';

export class PromptError extends Error {
  override readonly name = 'PromptError';
  constructor(
    readonly code: PromptErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Context windows in UTF-16 code units, per kind of action. */
export const CONTEXT_LIMITS = {
  continue: { before: 1500, after: 300 },
  rewrite: { before: 600, after: 200 },
  /** Headline without a selection: the start of the text. */
  headline: { source: 1800 },
} as const;

/** Longest selection a rewrite accepts (a longer one would not fit a small model's budget). */
export const MAX_TARGET_CHARS = 2000;
export const HEADLINE_MAX_CHARS = 70;
/** A standfirst is a sentence or two: long enough to inform, short enough to sit under a headline. */
export const SUMMARY_MAX_CHARS = 240;
export const MAX_FIT_LIMIT = 5000;

/** Section labels used in prompts; the output cleaner removes them when a model echoes them. */
export const PROMPT_LABELS = [
  'Text so far:',
  'Text after the cursor, for reference only (do not repeat it):',
  'Text before the passage, for context only:',
  'Text after the passage, for context only:',
  'Passage:',
  'Text:',
  'Task:',
] as const;

const FENCE = '"""';

// ---------------------------------------------------------------------------------------------
// Text boundaries
// ---------------------------------------------------------------------------------------------

const SENTENCE_TERMINATORS = new Set(['.', '!', '?', '…', '‼', '⁇', '⁈', '⁉', '。', '！', '？', '｡']);
/** Terminators that end a sentence without needing a following space (CJK full-width). */
const SPACELESS_TERMINATORS = new Set(['。', '！', '？', '｡']);
const CLOSERS = new Set(['"', "'", '”', '’', '»', '›', ')', ']', '}', '」', '』', '）', '】', '〉', '》']);
/** Words (as typed) after which a period does not end the sentence. */
const ABBREVIATIONS = new Set([
  'Mr', 'Mrs', 'Ms', 'Dr', 'Prof', 'Sr', 'Jr', 'St', 'Mt', 'Gen', 'Col', 'Lt', 'Sgt', 'Capt', 'Rev', 'Hon',
  'Fig', 'Figs', 'Vol', 'Inc', 'Ltd', 'Co', 'Corp', 'Dept', 'Jan', 'Feb', 'Mar', 'Apr', 'Jun', 'Jul', 'Aug',
  'Sep', 'Sept', 'Oct', 'Nov', 'Dec', 'vs', 'cf', 'approx', 'pp', 'ca', 'al', 'bzw', 'usw', 'Nr', 'Hr', 'Fr',
]);

const WHITESPACE_RE = /\s/u;
const LOWER_RE = /\p{Ll}/u;

export function isWhitespace(ch: string | undefined): boolean {
  return ch !== undefined && WHITESPACE_RE.test(ch);
}

const graphemes: Intl.Segmenter | null =
  typeof Intl !== 'undefined' && 'Segmenter' in Intl ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;

/**
 * True when `index` does not split a user-perceived character (surrogate pair, combining
 * mark, emoji ZWJ sequence, flag). Only a small neighbourhood of `text` is examined.
 */
export function isGraphemeBoundary(text: string, index: number): boolean {
  if (index <= 0 || index >= text.length) return true;
  const code = text.charCodeAt(index);
  const prev = text.charCodeAt(index - 1);
  if (code >= 0xdc00 && code <= 0xdfff && prev >= 0xd800 && prev <= 0xdbff) return false;
  if (graphemes) {
    const from = Math.max(0, index - 32);
    const local = text.slice(from, Math.min(text.length, index + 32));
    for (const seg of graphemes.segment(local)) {
      const at = from + seg.index;
      if (at === index) return true;
      if (at > index) return false;
    }
    return false;
  }
  const ch = text[index] ?? '';
  return !/[\p{M}\u200d\ufe0f]/u.test(ch) && text[index - 1] !== '\u200d';
}

function forwardToGrapheme(text: string, index: number): number {
  let i = index;
  while (i < text.length && !isGraphemeBoundary(text, i)) i++;
  return i;
}

function backToGrapheme(text: string, index: number): number {
  let i = index;
  while (i > 0 && !isGraphemeBoundary(text, i)) i--;
  return i;
}

/**
 * If a sentence ends with the terminator at `i`, returns the offset just after it (and after
 * any closing quotes or brackets); otherwise -1. A terminator needs whitespace after it, or the
 * end of the text when `atEndCounts` is set; full-width CJK terminators need nothing. Periods
 * after known abbreviations, single-letter initials and before a lower-case word do not count.
 */
export function sentenceEndAt(text: string, i: number, atEndCounts = false): number {
  const ch = text[i];
  if (ch === undefined || !SENTENCE_TERMINATORS.has(ch)) return -1;
  // Only the last terminator of a run ("?!", "...") decides.
  if (SENTENCE_TERMINATORS.has(text[i + 1] ?? '')) return -1;
  let j = i + 1;
  while (j < text.length && CLOSERS.has(text[j] ?? '')) j++;
  if (SPACELESS_TERMINATORS.has(ch)) return j;
  if (j < text.length && !isWhitespace(text[j])) return -1;
  if (ch === '.') {
    // Word before the period, including inner periods ("U.S", "e.g").
    let w = i;
    while (w > 0 && /[\p{L}.]/u.test(text[w - 1] ?? '')) w--;
    const word = text.slice(w, i);
    if (ABBREVIATIONS.has(word)) return -1;
    if (word.length === 1 && word !== 'I' && /\p{Lu}/u.test(word)) return -1; // initial "J."
    if (/\p{L}\.\p{L}/u.test(word)) return -1; // "U.S" style
    // A lower-case word after the period means the sentence goes on ("approx. five").
    let k = j;
    while (k < text.length && isWhitespace(text[k]) && text[k] !== '\n') k++;
    if (text[k] !== undefined && text[k] !== '\n' && LOWER_RE.test(text[k] ?? '')) return -1;
  }
  if (j >= text.length) return atEndCounts ? j : -1;
  return j;
}

/** Sentence end offsets within [from, to), in order. Newlines end a line-sentence too. */
export function sentenceEnds(text: string, from = 0, to = text.length, atEndCounts = false): number[] {
  const ends: number[] = [];
  const stop = Math.min(to, text.length);
  for (let i = Math.max(0, from); i < stop; i++) {
    const ch = text[i];
    if (ch === '\n') {
      if (i > 0 && text[i - 1] !== '\n' && ends[ends.length - 1] !== i) ends.push(i);
      continue;
    }
    const end = sentenceEndAt(text, i, atEndCounts && stop === text.length);
    if (end !== -1) ends.push(end);
  }
  return ends;
}

function lastNonSpace(text: string): string | undefined {
  for (let i = text.length - 1; i >= 0; i--) if (!isWhitespace(text[i])) return text[i];
  return undefined;
}

/** True when `text` (trimmed) ends a sentence, so what follows should start a new one. */
export function endsSentence(text: string): boolean {
  const trimmed = text.trimEnd();
  if (trimmed.length === 0) return true;
  if (trimmed.length < text.length && /\n/.test(text.slice(trimmed.length))) return true;
  return sentenceEnds(trimmed, Math.max(0, trimmed.length - 8), trimmed.length, true).includes(trimmed.length);
}

/**
 * The text before `end`, at most `max` units long, starting at a sentence start when one lies
 * in the first 60% of the window, else at a word start, never inside a grapheme.
 */
export function clipBefore(text: string, end: number, max: number): { text: string; start: number; truncated: boolean } {
  const rough = end - max;
  if (rough <= 0) return { text: text.slice(0, end), start: 0, truncated: false };
  const limit = rough + Math.floor(max * 0.6);
  let start = -1;
  for (const e of sentenceEnds(text, rough, limit)) {
    let s = e;
    while (s < end && isWhitespace(text[s])) s++;
    if (s > rough && s < end) {
      start = s;
      break;
    }
  }
  if (start === -1) {
    for (let i = rough; i < Math.min(end, rough + Math.floor(max * 0.2)); i++) {
      if (isWhitespace(text[i])) {
        start = i + 1;
        while (start < end && isWhitespace(text[start])) start++;
        break;
      }
    }
  }
  if (start === -1) start = forwardToGrapheme(text, rough);
  return { text: text.slice(start, end), start, truncated: true };
}

/**
 * The text after `start`, at most `max` units long, ending at a sentence end when one lies in
 * the last 60% of the window, else at a word end, never inside a grapheme.
 */
export function clipAfter(text: string, start: number, max: number): { text: string; end: number; truncated: boolean } {
  const rough = start + max;
  if (rough >= text.length) return { text: text.slice(start), end: text.length, truncated: false };
  let end = -1;
  const ends = sentenceEnds(text, start + Math.floor(max * 0.4), rough).filter((e) => e <= rough);
  if (ends.length > 0) end = ends[ends.length - 1]!;
  if (end === -1) {
    for (let i = rough; i > start + Math.floor(max * 0.8); i--) {
      if (isWhitespace(text[i])) {
        end = i;
        while (end > start && isWhitespace(text[end - 1])) end--;
        break;
      }
    }
  }
  if (end === -1) end = backToGrapheme(text, rough);
  return { text: text.slice(start, end), end, truncated: true };
}

function trimRange(text: string, range: TextRange): TextRange {
  let { start, end } = range;
  while (start < end && isWhitespace(text[start])) start++;
  while (end > start && isWhitespace(text[end - 1])) end--;
  return { start, end };
}

/**
 * The sentence the caret is in, trimmed. A caret right after a sentence (only spaces between)
 * means that sentence; after a line break, the next one. Looks at most 1,000 units each way.
 */
export function sentenceAt(text: string, caret: number): TextRange {
  const reach = 1000;
  const from = Math.max(0, caret - reach);
  const to = Math.min(text.length, caret + reach);
  const ends = sentenceEnds(text, from, to, true);
  const before = ends.filter((e) => e < caret);
  let prevEnd = before.length > 0 ? before[before.length - 1]! : from;
  const gap = text.slice(prevEnd, caret);
  if (before.length > 0 && gap.length > 0 && gap.trim().length === 0 && !gap.includes('\n')) {
    // Caret in the spaces after a finished sentence: that sentence.
    const sentenceEnd = prevEnd;
    prevEnd = before.length > 1 ? before[before.length - 2]! : from;
    return clampTarget(text, trimRange(text, { start: prevEnd, end: sentenceEnd }), caret);
  }
  if (before.length === 0 && from > 0) prevEnd = clipBefore(text, caret, reach).start;
  const after = ends.find((e) => e >= caret);
  const end = after ?? (to < text.length ? clipAfter(text, caret, reach).end : to);
  return clampTarget(text, trimRange(text, { start: prevEnd, end }), caret);
}

/** Keeps an implicit target within MAX_TARGET_CHARS around the caret, cut at word boundaries. */
function clampTarget(text: string, range: TextRange, caret: number): TextRange {
  if (range.end - range.start <= MAX_TARGET_CHARS) return range;
  const half = Math.floor(MAX_TARGET_CHARS / 2);
  const start = Math.max(range.start, caret - half);
  const end = Math.min(range.end, start + MAX_TARGET_CHARS);
  const left = clipBefore(text, caret, caret - start);
  const right = clipAfter(text, caret, end - caret);
  return trimRange(text, { start: left.start, end: right.end });
}

// ---------------------------------------------------------------------------------------------
// Prompts
// ---------------------------------------------------------------------------------------------

const displayNames: Intl.DisplayNames | null = (() => {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' });
  } catch {
    return null;
  }
})();

/** 'de' → 'German (de)'; a name is kept as given; junk gives null. */
export function describeLanguage(language: string | undefined): string | null {
  if (!language) return null;
  const tag = language.trim();
  if (tag.length === 0 || tag.length > 40) return null;
  if (/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(tag)) {
    try {
      const name = displayNames?.of(tag);
      if (name && name.toLowerCase() !== tag.toLowerCase()) return `${name} (${tag})`;
    } catch {
      return null;
    }
    return tag;
  }
  return /^[\p{L} ()-]+$/u.test(tag) ? tag : null;
}

function systemMessage(language: string | null): ChatMessage {
  const lang = language
    ? `The writer's text is in ${language}: write in ${language}.`
    : "Always write in the same language as the writer's text.";
  return {
    role: 'system',
    content: [
      'You are a writing assistant inside a text field. You help the writer with their own text.',
      'Reply with the requested text only: no introduction, no quotation marks around it, no notes, no explanations.',
      lang,
    ].join(' '),
  };
}

function fenced(label: string, body: string): string {
  return `${label}\n${FENCE}\n${body}\n${FENCE}`;
}

const REWRITE_TASKS: Record<Exclude<ActionId, 'continue' | 'headline' | 'summary' | 'fit'>, string> = {
  rephrase: 'Rephrase the passage with different wording. Keep its meaning, tone and length.',
  shorten: 'Make the passage shorter and more concise, about half its length. Keep the key meaning.',
  expand: 'Expand the passage to about twice its length with relevant detail. Keep its meaning and tone; do not invent facts that contradict it.',
  formal: 'Rewrite the passage in a more formal, professional tone. Keep its meaning.',
  casual: 'Rewrite the passage in a more casual, friendly tone. Keep its meaning.',
  // Naming the kinds of mistake: told only "correct the grammar", SmolLM2-135M gave most passages back unchanged (bench/README.md, quality).
  grammar:
    'Correct the spelling, grammar and punctuation of the passage: fix every misspelt word, every verb that does not agree with its subject, every wrong or repeated word and every missing apostrophe. Change nothing else. If it is already correct, repeat it unchanged.',
};

/** Roughly how many new tokens an action needs (2 characters per token covers most scripts). */
export function suggestedMaxNewTokens(action: ActionId, sourceChars: number, limit?: number): number {
  const perChars = (chars: number) => Math.ceil(chars / 2);
  let tokens: number;
  switch (action) {
    case 'continue':
      tokens = 80;
      break;
    case 'headline':
      tokens = perChars(limit ?? HEADLINE_MAX_CHARS) + 8;
      break;
    case 'summary':
      tokens = perChars(limit ?? SUMMARY_MAX_CHARS) + 16;
      break;
    case 'fit':
      tokens = perChars(limit ?? sourceChars) + 16;
      break;
    case 'shorten':
      tokens = perChars(sourceChars * 0.75) + 16;
      break;
    case 'expand':
      tokens = perChars(sourceChars * 2.5) + 32;
      break;
    default:
      tokens = perChars(sourceChars * 1.3) + 24;
  }
  return Math.max(24, Math.min(512, tokens));
}

function checkRange(text: string, range: TextRange, what: string): void {
  const { start, end } = range;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > text.length) {
    throw new PromptError('bad-range', `${what} ${start}..${end} is outside the text (length ${text.length})`);
  }
}

/** What a headline or standfirst is written for: the selection, else the start of the text. */
function textToSum(text: string, selection: TextRange | null, emptyMessage: string): string {
  if (selection && selection.end - selection.start > MAX_TARGET_CHARS) {
    throw new PromptError('selection-too-long', `select at most ${MAX_TARGET_CHARS} characters`);
  }
  const source = selection
    ? text.slice(selection.start, selection.end).trim()
    : clipAfter(text, 0, CONTEXT_LIMITS.headline.source).text.trim();
  if (source.length === 0) throw new PromptError('empty-target', emptyMessage);
  return source;
}

/** Builds the messages and everything the cleaner and the caller need for one request. */
export function preparePrompt(input: PromptInput): PreparedPrompt {
  const { action, text } = input;
  if (!isActionId(action)) throw new PromptError('unknown-action', `unknown action ${String(action)}`);
  checkRange(text, { start: input.caret, end: input.caret }, 'caret');
  if (input.selection) checkRange(text, input.selection, 'selection');
  const selection = input.selection && input.selection.end > input.selection.start ? input.selection : null;
  const language = describeLanguage(input.language);
  const system = systemMessage(language);

  if (action === 'continue') {
    const caret = input.caret;
    const before = clipBefore(text, caret, CONTEXT_LIMITS.continue.before);
    const after = clipAfter(text, caret, CONTEXT_LIMITS.continue.after);
    const hasAfter = after.text.trim().length > 0;
    // The writer's text goes last: the next pause in this field shares everything up to the new
    // words, so the model reads only those again (prompt-prefix-cache.ts). Nothing follows it: a
    // note after the text (e.g. that it stops mid-sentence) was echoed by SmolLM2-135M.
    const parts: string[] = [];
    if (before.text.trim().length === 0) {
      parts.push(
        hasAfter
          ? 'Task: Write one or two sentences that could come before the text after the cursor. Reply with the new sentences only.'
          : 'Task: Write the opening sentence of a new text. Reply with that sentence only.',
      );
      if (hasAfter) parts.push(fenced('Text after the cursor, for reference only (do not repeat it):', after.text.trim()));
    } else {
      parts.push(
        'Task: Write the next one or two sentences that continue the text so far, in the same style and language. If it stops in the middle of a sentence, finish that sentence first. Do not repeat the text so far. Reply with the new words only.',
      );
      if (hasAfter) parts.push(fenced('Text after the cursor, for reference only (do not repeat it):', after.text.trim()));
      parts.push(fenced('Text so far:', before.text));
    }
    // Trimmed: chat templates that trim a message would otherwise not write it as given.
    const reply = before.text.trim();
    const continuation: ReplyContinuation | undefined =
      reply.length === 0
        ? undefined
        : {
            messages: [
              system,
              {
                role: 'user',
                content: [
                  'Task: Continue this text with one or two sentences, in the same style and language.',
                  ...(hasAfter ? [fenced('Text after the cursor, for reference only (do not repeat it):', after.text.trim())] : []),
                ].join('\n\n'),
              },
            ],
            reply,
          };
    return {
      action,
      messages: [system, { role: 'user', content: parts.join('\n\n') }],
      ...(continuation ? { continuation } : {}),
      replace: { start: caret, end: caret },
      sourceText: '',
      contextBefore: before.text,
      contextAfter: after.text,
      maxNewTokens: suggestedMaxNewTokens(action, 0),
    };
  }

  if (action === 'headline' || action === 'summary') {
    const headline = action === 'headline';
    const maximum = headline ? HEADLINE_MAX_CHARS : SUMMARY_MAX_CHARS;
    const limit = clampLimit(input.limit, maximum, maximum);
    const source = textToSum(text, selection, headline ? 'there is no text to write a headline for' : 'there is no text to summarise');
    const task = headline
      ? `Task: Write one headline for this text, at most ${limit} characters long, in the language of the text. Reply with the headline only, without quotation marks.`
      : `Task: Write a standfirst for this text: one or two sentences, at most ${limit} characters, that tell the reader what it is about, in the language of the text. Reply with the standfirst only.`;
    // A headline replaces a selected passage (or goes in at the caret); a standfirst always goes
    // in at the caret: the writer keeps the text it sums up.
    const at = headline && selection ? selection : { start: input.caret, end: input.caret };
    return {
      action,
      messages: [system, { role: 'user', content: [fenced('Text:', source), task].join('\n\n') }],
      replace: { start: at.start, end: at.end },
      sourceText: source,
      contextBefore: '',
      contextAfter: '',
      maxNewTokens: suggestedMaxNewTokens(action, source.length, limit),
      limit,
    };
  }

  // Rewrites: the selection, or the sentence at the caret.
  if (!REWRITE_ACTIONS.has(action)) throw new PromptError('unknown-action', `no prompt for ${action}`);
  let range: TextRange;
  if (selection) {
    if (selection.end - selection.start > MAX_TARGET_CHARS) {
      throw new PromptError('selection-too-long', `select at most ${MAX_TARGET_CHARS} characters`);
    }
    range = trimRange(text, selection);
  } else {
    range = sentenceAt(text, input.caret);
  }
  const target = text.slice(range.start, range.end);
  if (target.trim().length === 0) throw new PromptError('empty-target', 'there is no text to rewrite here');

  let limit: number | undefined;
  let task: string;
  if (action === 'fit') {
    if (input.limit === undefined || !Number.isInteger(input.limit) || input.limit < 1) {
      throw new PromptError('missing-limit', 'fit needs a positive whole number of characters');
    }
    limit = Math.min(input.limit, MAX_FIT_LIMIT);
    task = `Rewrite the passage so that it is at most ${limit} characters long, counting spaces (it is now ${[...target].length} characters). Keep the key meaning.`;
  } else {
    task = REWRITE_TASKS[action as keyof typeof REWRITE_TASKS];
  }

  const before = clipBefore(text, range.start, CONTEXT_LIMITS.rewrite.before);
  const after = clipAfter(text, range.end, CONTEXT_LIMITS.rewrite.after);
  const parts: string[] = [];
  if (before.text.trim().length > 0) parts.push(fenced('Text before the passage, for context only:', before.text.trim()));
  parts.push(fenced('Passage:', target));
  if (after.text.trim().length > 0) parts.push(fenced('Text after the passage, for context only:', after.text.trim()));
  parts.push(`Task: ${task} Reply with the rewritten passage only.`);
  return {
    action,
    messages: [system, { role: 'user', content: parts.join('\n\n') }],
    replace: range,
    sourceText: target,
    contextBefore: before.text,
    contextAfter: after.text,
    maxNewTokens: suggestedMaxNewTokens(action, target.length, limit),
    ...(limit !== undefined ? { limit } : {}),
  };
}

function clampLimit(value: number | undefined, fallback: number, max: number): number {
  if (value === undefined || !Number.isInteger(value) || value < 1) return fallback;
  return Math.min(value, max);
}

/** The chat messages for one request (see preparePrompt for the surrounding data). */
export function buildMessages(input: PromptInput): ChatMessage[] {
  return preparePrompt(input).messages;
}
