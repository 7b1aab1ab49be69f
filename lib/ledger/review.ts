import { normalizeSentence } from '../text/normalize';
import { sha256Hex } from '../text/hash';
import type { LedgerEntry, ReviewOutcome } from './types';

/** What the latest review that saw a sentence exactly as it is now decided about it. */
export interface SentenceReview {
  outcome: ReviewOutcome;
  reviewer: { name: string; role: string };
  at: number;
  /** The review entry's seq. */
  entry: number;
}

/** The hash a review names a sentence by: that of its normalised text, as for logged sentences. */
export const reviewHashOf = (sentence: string) => sha256Hex(normalizeSentence(sentence));

/** Sentence hash → the latest review of it, from a document's review entries. */
export function reviewsBySentence(entries: readonly LedgerEntry[]): Map<string, SentenceReview> {
  const out = new Map<string, SentenceReview>();
  for (const e of [...entries].sort((a, b) => a.seq - b.seq)) {
    if (!e.review) continue;
    for (const s of e.review.sentences) out.set(s.hash, { outcome: s.outcome, reviewer: { ...e.review.reviewer }, at: e.acceptedAt, entry: e.seq });
  }
  return out;
}

/** The review covering each of `sentences` (null where none saw it as it is now). */
export async function reviewsOf(sentences: readonly string[], bySentence: ReadonlyMap<string, SentenceReview>): Promise<(SentenceReview | null)[]> {
  return Promise.all(sentences.map(async (s) => bySentence.get(await reviewHashOf(s)) ?? null));
}
