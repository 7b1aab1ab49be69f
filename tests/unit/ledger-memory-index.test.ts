import { describe, expect, it } from 'vitest';
import { MemoryIndex, type LoggedSentence } from '../../lib/ledger/attribution';
import { makeSentence, rng } from '../../lib/ledger/calibration';
import { sha256HexSync } from '../../lib/text/hash';
import { normalizeSentence } from '../../lib/text/normalize';
import { bandHashes, sketchText } from '../../lib/text/similarity';

const model = { id: 'm', revision: '1', dtype: 'q8', backend: 'wasm' };

function logged(seq: number, text: string): LoggedSentence {
  return { seq, i: 0, documentKey: 'https://cms.example.com/s#body', action: 'continue', acceptedAt: seq, model, text, sketch: sketchText(text) };
}

/** Straight definition of `byBands`: count shared band hashes (skipping over-long postings), top by count, ties first logged. */
function postingsOf(all: LoggedSentence[]): Map<number, number[]> {
  const postings = new Map<number, number[]>();
  all.forEach((l, id) => {
    for (const h of bandHashes(l.sketch)) {
      const ids = postings.get(h);
      if (ids) ids.push(id);
      else postings.set(h, [id]);
    }
  });
  return postings;
}

function referenceTop(all: LoggedSentence[], postings: Map<number, number[]>, query: Uint32Array, limit: number, maxPosting: number): string[] {
  const counts = new Map<number, number>();
  for (const h of bandHashes(query)) {
    const ids = postings.get(h) ?? [];
    if (ids.length > maxPosting) continue;
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, limit)
    .map(([id]) => `${all[id]!.seq}:0`);
}

describe('MemoryIndex candidate lookup', () => {
  it('returns the same top candidates as counting shared bands directly, whether postings are compacted or freshly added', async () => {
    const r = rng(5);
    const index = new MemoryIndex(16);
    const all: LoggedSentence[] = [];
    // Adds interleaved with queries: some postings are compacted, the newest sit in linked lists.
    for (const batch of [3_000, 40, 1, 500]) {
      for (let k = 0; k < batch; k++) {
        const l = logged(all.length + 1, makeSentence(r));
        all.push(l);
        index.addSentence(l, sha256HexSync(normalizeSentence(l.text!)));
      }
      const queries = Array.from({ length: 25 }, () => sketchText(makeSentence(r)));
      queries.push(all[all.length - 1]!.sketch); // the sentence just added finds itself first
      const got = await index.byBands(queries, 8);
      const postings = postingsOf(all);
      queries.forEach((q, k) => expect(got[k], `batch ${batch}, query ${k}`).toEqual(referenceTop(all, postings, q, 8, 16)));
      expect(got[queries.length - 1]![0]).toBe(`${all.length}:0`);
    }
  });
});
