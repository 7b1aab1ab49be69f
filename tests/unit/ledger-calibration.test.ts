import { describe, expect, it } from 'vitest';
import { buildIndex, editSentence, makeSentence, rng, runCalibration } from '../../lib/ledger/calibration';
import { attributeText, DEFAULT_THRESHOLDS } from '../../lib/ledger/attribution';
import { segmentSentences } from '../../lib/text/segment';
import { wordEditRatio } from '../../lib/text/similarity';

describe('calibration set', () => {
  it('is deterministic and segments one generated sentence per sentence', () => {
    const a = rng(7);
    const b = rng(7);
    const xs = Array.from({ length: 50 }, () => makeSentence(a));
    expect(Array.from({ length: 50 }, () => makeSentence(b))).toEqual(xs);
    expect(segmentSentences(xs.join(' '))).toHaveLength(50);
  });

  it('edits change roughly the requested share of words', () => {
    const r = rng(3);
    const s = makeSentence(r);
    expect(editSentence(s, 'substitute', 0, r)).toBe(s);
    const edited = Array.from({ length: 100 }, () => editSentence(s, 'substitute', 0.3, r));
    const mean = edited.reduce((n, e) => n + wordEditRatio(s, e), 0) / edited.length;
    expect(mean).toBeGreaterThan(0.2);
    expect(mean).toBeLessThan(0.35);
  });

  it('default thresholds: high recall on light edits, few false positives, recall falls with depth', async () => {
    const rep = await runCalibration({ logged: 500, perCell: 60, unrelated: 300, rates: [0, 0.1, 0.2, 0.7], seed: 1 });
    expect(rep.thresholds).toEqual(DEFAULT_THRESHOLDS);
    expect(rep.falsePositiveRate).toBeLessThan(0.03);
    const row = (kind: string, rate: number) => rep.rows.find((x) => x.kind === kind && x.rate === rate)!;
    expect(row('substitute', 0).recall).toBe(1);
    for (const kind of ['substitute', 'insert', 'delete', 'mixed']) {
      expect(row(kind, 0.1).recall, kind).toBeGreaterThanOrEqual(0.95);
      expect(row(kind, 0.7).recall, kind).toBeLessThan(row(kind, 0.1).recall);
    }
    expect(rep.rows.every((x) => x.wrongMatches <= 2)).toBe(true);
  });

  it('privacy mode (sketches only): recall and shown changed shares close to the text mode on light edits', async () => {
    const options = { logged: 500, perCell: 60, unrelated: 300, rates: [0.1, 0.2], seed: 1 };
    const text = await runCalibration(options);
    const privacy = await runCalibration({ ...options, privacy: true });
    expect(privacy.falsePositiveRate).toBeLessThan(0.06);
    privacy.rows.forEach((row, k) => {
      const same = text.rows[k]!;
      expect(row.recall, `${row.kind} ${row.rate}`).toBeGreaterThanOrEqual(same.recall - 0.05);
      expect(Math.abs(row.meanReported! - same.meanReported!), `${row.kind} ${row.rate}`).toBeLessThan(0.06);
    });
  });
});

describe('attribution at scale', () => {
  it('5,000 sentences against 100,000 logged sentences score at most K candidates each (no pairwise pass)', async () => {
    const r = rng(11);
    const logged = Array.from({ length: 100_000 }, () => makeSentence(r));
    const index = await buildIndex(logged);
    const picks = Array.from({ length: 5_000 }, () => Math.floor(r() * logged.length));
    const queries = picks.map((p, k) => (k % 2 ? editSentence(logged[p]!, 'substitute', 0.1, r) : logged[p]!));
    const res = await attributeText(queries.join(' '), index);
    expect(res.sentences).toHaveLength(5_000);
    expect(res.scored).toBeLessThanOrEqual(5_000 * DEFAULT_THRESHOLDS.diffsPerSentence);
    const attributed = res.sentences.filter((s) => s.kind !== 'not-logged').length;
    expect(attributed / 5_000).toBeGreaterThan(0.95);
    // Verbatim queries (even k) all resolve exactly (same text may be logged more than once).
    res.sentences.forEach((s, k) => {
      if (k % 2 === 0) {
        expect(s.kind).toBe('ai-verbatim');
        expect(logged[s.match!.seq - 1]).toBe(logged[picks[k]!]);
      }
    });
  }, 180_000); // heavy fixture (100k sketches + hashes), not a timing assertion
});
