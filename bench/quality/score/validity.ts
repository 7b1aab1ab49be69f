/**
 * Is a variant text the writer could take as it is: something there, nothing of the prompt or
 * the chat template in it, and an end that is an end (not a word cut at the token cap).
 */
import { PROMPT_LABELS } from '../../../lib/engine/prompts';

/** Chat-template tokens of the common families (ChatML, Llama 3, Gemma, SentencePiece). */
const TEMPLATE_TOKEN_RE = /<\|[a-z_]{2,30}\|>|<\/?s>|<(?:end_of_turn|start_of_turn|eos|bos|pad|unk)>/i;
/** A role name opening a line, as a model writes when it invents the next turn. */
const ROLE_LINE_RE = /^\s*(?:assistant|user|system|human|model)\s*(?::|\n|$)/im;
/** Labels of the extension's prompts, and the ones small models add of their own ("Rewritten passage:"). */
const LABEL_RE = new RegExp(
  String.raw`(?:^|\n)\s*\**\s*(?:${[
    ...PROMPT_LABELS.map((label) => label.slice(0, -1).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
    'Rewritten(?: \\w+)?',
    'Suggestion',
    'Output',
    'Answer',
    'Headline',
    'Standfirst',
    'Continuation',
    'Task Reply',
  ].join('|')})\s*\**\s*:`,
  'i',
);

/** What of the prompt or template leaked into `text`, or null. */
export function findLeak(text: string): string | null {
  const token = TEMPLATE_TOKEN_RE.exec(text);
  if (token) return `template token ${token[0]}`;
  const role = ROLE_LINE_RE.exec(text);
  if (role) return `role name "${role[0].trim()}"`;
  const label = LABEL_RE.exec(text);
  if (label) return `prompt label "${label[0].trim()}"`;
  return null;
}

const SENTENCE_END_RE = /[.!?…。！？]["'”’»)\]]*$/u;
/** Words and marks a finished headline or post never ends on. */
const DANGLING_RE = /(?:[,;:\-–—(]|\b(?:the|a|an|of|to|and|or|but|for|with|in|on|at|by|from|as|that|its|their|his|her|our|is|are|was|were|will|has|have|after|before|into|than))$/iu;

export interface EndCheck {
  /** The output must end a sentence (continuations, standfirsts, rewrites of a sentence). */
  needsSentenceEnd: boolean;
  /** The model's raw reply and whether the model ended it itself (end token) rather than the token cap. */
  raw: string;
  endedByModel: boolean;
}

/** Why the end of `text` is not clean, or null. */
export function badEnding(text: string, check: EndCheck): string | null {
  const trimmed = text.trimEnd();
  if (check.needsSentenceEnd && !SENTENCE_END_RE.test(trimmed)) return 'does not end at a sentence boundary';
  if (!check.needsSentenceEnd && DANGLING_RE.test(trimmed)) return 'ends on a dangling word or mark';
  // Cut at the token cap and the cleaner kept the cut: the last word may be half a word.
  if (!check.endedByModel && !SENTENCE_END_RE.test(trimmed)) {
    const tail = (/[\p{L}\p{N}]+$/u.exec(trimmed)?.[0] ?? '').toLowerCase();
    const rawTail = (/[\p{L}\p{N}]+\s*$/u.exec(check.raw)?.[0] ?? '').trim().toLowerCase();
    if (tail.length > 0 && tail === rawTail) return 'cut at the token cap (possibly mid-word)';
  }
  return null;
}

/** A word three times in a row, or a sentence of four words or more said twice: a model in a loop. */
export function findRepetition(text: string): string | null {
  const run = /(?<![\p{L}\p{N}])([\p{L}\p{N}]+)(?:[\s,]+\1(?![\p{L}\p{N}])){2,}/iu.exec(text);
  if (run) return `repeats "${run[1]}"`;
  const seen = new Set<string>();
  for (const sentence of text.split(/(?<=[.!?…])\s+|\n+/u)) {
    const key = sentence.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    if (key.split(' ').length < 4) continue;
    if (seen.has(key)) return 'repeats a sentence';
    seen.add(key);
  }
  return null;
}
