import { normalizeSentence } from '../text/normalize';
import { sha256Hex } from '../text/hash';
import { segmentSentences } from '../text/segment';
import type { LedgerEntry } from './types';

/**
 * A sentence counts as typed when more than half of its visible characters came from the
 * writer's own key input (the rest may be older text the writer edited around). Less than that
 * and most of it was not seen being written: it stays "not logged".
 */
const TYPED_SHARE = 0.5;

/** Sentences of `text` the writer typed, by `typedRanges` ([start, end) UTF-16, any order). */
export function typedSentences(text: string, typedRanges: readonly (readonly [number, number])[]): string[] {
  const ranges = [...typedRanges].filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  if (!ranges.length) return [];
  const out: string[] = [];
  for (const s of segmentSentences(text)) {
    let visible = 0;
    let typed = 0;
    let r = 0;
    for (let i = s.start; i < s.end; i++) {
      if (/\s/u.test(text[i]!)) continue;
      visible++;
      while (r < ranges.length && ranges[r]![1] <= i) r++;
      if (r < ranges.length && ranges[r]![0] <= i) typed++;
    }
    if (visible && typed / visible > TYPED_SHARE) out.push(s.text);
  }
  return out;
}

/** Normalised-sentence hashes, deduplicated, in the text's order. */
export async function sentenceHashes(sentences: readonly string[]): Promise<string[]> {
  const hashes: string[] = [];
  for (const s of sentences) {
    const normalized = normalizeSentence(s);
    if (normalized) hashes.push(await sha256Hex(normalized));
  }
  return [...new Set(hashes)];
}

/** Normalised-sentence hashes of everything a document's typing entries recorded. */
export function typedHashes(entries: readonly LedgerEntry[]): Set<string> {
  return new Set(entries.flatMap((e) => (e.typed ? e.typed.sentences.map((s) => s.hash) : [])));
}
