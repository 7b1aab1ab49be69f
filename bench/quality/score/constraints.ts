/**
 * The constraint each action promises, checked on one variant: limits by the platform's own
 * counting, headline and standfirst lengths, shorter or longer than the passage, and so on.
 */
import type { ActionId } from '../../../lib/engine/actions';
import { HEADLINE_MAX_CHARS, SUMMARY_MAX_CHARS } from '../../../lib/engine/prompts';
import { normaliseForCompare } from '../../../lib/engine/variants';
import { countCodePoints, countGraphemes, countMastodon, countX } from '../../../lib/platforms/counting';
import { segmentSentences } from '../../../lib/text/segment';
import type { SeededError } from './grammar';
import { seededFixes } from './grammar';

export type Platform = 'x' | 'bluesky' | 'threads' | 'mastodon';

/** Each platform's limit and counting, as lib/platforms/detect.ts gives them to the panel. */
export const PLATFORM_LIMITS: Record<Platform, { limit: number; count: (text: string) => number }> = {
  x: { limit: 280, count: countX },
  bluesky: { limit: 300, count: countGraphemes },
  threads: { limit: 500, count: countCodePoints },
  mastodon: { limit: 500, count: countMastodon },
};

/** What each action's constraint is, in words (for the report). */
export const CONSTRAINT_NAMES: Record<ActionId, string> = {
  continue: 'one or two sentences, no repeat of the text',
  rephrase: 'differs from the passage',
  shorten: 'shorter than the passage',
  expand: 'longer than the passage',
  formal: 'no contractions or slang',
  casual: 'differs from the passage',
  grammar: 'every seeded error fixed',
  fit: "within the platform's limit, its own counting",
  headline: `one line, 3+ words, ≤ ${HEADLINE_MAX_CHARS} chars, no final period`,
  summary: `1-2 sentences, ≤ ${SUMMARY_MAX_CHARS} chars`,
};

const INFORMAL_RE = /n['’]t\b|['’](?:re|ve|ll|d|m)\b|\b(?:gonna|wanna|gotta|kinda|loads|reckons?|nicked|cops?|guy|pretty huge|way longer|mess up|turns out)\b/iu;

export interface ConstraintInput {
  action: ActionId;
  /** The passage rewritten, or the text written for (continue: the text before the caret). */
  source: string;
  output: string;
  platform?: Platform;
  errors?: readonly SeededError[];
}

function sentenceCount(text: string): number {
  return segmentSentences(text).length;
}

/** Whether `output` keeps the action's constraint. */
export function constraintMet({ action, source, output, platform, errors }: ConstraintInput): boolean {
  const text = output.trim();
  const differs = normaliseForCompare(text) !== normaliseForCompare(source);
  switch (action) {
    case 'continue':
      return sentenceCount(text) <= 2 && !normaliseForCompare(source).includes(normaliseForCompare(text));
    case 'rephrase':
    case 'casual':
      return differs;
    case 'shorten':
      return countCodePoints(text) < countCodePoints(source.trim());
    case 'expand':
      return countCodePoints(text) > countCodePoints(source.trim());
    case 'formal':
      return !INFORMAL_RE.test(text);
    case 'grammar':
      return seededFixes(errors ?? [], text).every((fix) => fix.fixed);
    case 'fit': {
      if (!platform) throw new Error('a fit task needs a platform');
      const { limit, count } = PLATFORM_LIMITS[platform];
      return count(text) <= limit;
    }
    case 'headline':
      return !text.includes('\n') && text.split(/\s+/u).length >= 3 && countCodePoints(text) <= HEADLINE_MAX_CHARS && !/[^.]\.$/u.test(text);
    case 'summary':
      return countCodePoints(text) <= SUMMARY_MAX_CHARS && sentenceCount(text) >= 1 && sentenceCount(text) <= 2;
  }
}
