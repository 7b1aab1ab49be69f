import { describe, expect, it } from 'vitest';
import { makeSentence, rng } from '../../lib/ledger/calibration';
import { alignWords, keptWordsBySketch, shingleCount, sketchCardinality, sketchOf, sketchText } from '../../lib/text/similarity';
import { hasStockPhrase } from '../../lib/text/stock-phrases';
import { tokenizeWords, tokenizeWordSpans } from '../../lib/text/tokenize';

/** Interned word ids of two texts (one vocabulary). */
function ids(a: string, b: string): [number[], number[]] {
  const vocab = new Map<string, number>();
  const of = (t: string) => tokenizeWords(t).map((w) => vocab.get(w) ?? (vocab.set(w, vocab.size), vocab.size - 1));
  return [of(a), of(b)];
}
const aligned = (map: Int32Array) => [...map].filter((j) => j >= 0).length;

describe('alignWords', () => {
  it('aligns a moved clause completely, word to word', () => {
    const [a, b] = ids('Board members said costs left them little choice, while riders packed the meeting.', 'While riders packed the meeting, board members said costs left them little choice.');
    const map = alignWords(a, b);
    expect(aligned(map)).toBe(a.length);
    expect(new Set(map).size).toBe(a.length); // each logged word used once
    map.forEach((j, i) => expect(b[j]).toBe(a[i]));
  });

  it('keeps a single unchanged word between two substitutions, but not chance pairs out of order', () => {
    const [a, b] = ids('the council quickly and quietly approved the plan', 'the council slowly and loudly approved the plan');
    expect([...alignWords(a, b)]).toEqual([0, 1, -1, 3, -1, 5, 6, 7]);
    // "the plan" after the aligned clause in one, before it in the other: two words out of order are chance.
    const [c, d] = ids('the council approved the budget and the plan', 'the plan as the council approved the budget');
    expect([...alignWords(c, d)]).toEqual([3, 4, 5, 6, 7, -1, -1, -1]);
  });
});

describe('keptWordsBySketch (privacy mode)', () => {
  it('never misses a word the logged sentence has, and rarely claims one it has not', () => {
    const r = rng(5);
    let absent = 0;
    let claimed = 0;
    for (let n = 0; n < 200; n++) {
      const logged = tokenizeWords(makeSentence(r));
      const other = tokenizeWords(makeSentence(r));
      const kept = keptWordsBySketch(logged, sketchOf(logged));
      expect([...kept].every((k) => k === 1)).toBe(true);
      const keptOther = keptWordsBySketch(other, sketchOf(logged));
      const has = new Set(logged);
      other.forEach((w, i) => {
        if (has.has(w)) return;
        absent++;
        claimed += keptOther[i]!;
      });
    }
    expect(claimed / absent).toBeLessThan(0.1);
  });

  it('estimates how many shingles a sketch summarises (±13 % typical, within 40 %)', () => {
    const r = rng(9);
    for (let n = 0; n < 50; n++) {
      const words = tokenizeWords(`${makeSentence(r)} ${makeSentence(r)}`);
      const estimate = sketchCardinality(sketchOf(words));
      expect(Math.abs(estimate - shingleCount(words)) / shingleCount(words)).toBeLessThan(0.4);
    }
    expect(sketchCardinality(sketchText(''))).toBe(0);
  });
});

describe('tokenizeWordSpans', () => {
  it('gives tokenizeWords’ words with their places in the raw text', () => {
    const texts = ['Don’t stop, Mr. Brown — it’s 3.5 km!', '我用iPhone拍照。', 'cafe\u0301 re\u00ADview foo\u200Bbar', '“Quoted” text… here', 'هل أنت بخير؟', "rock'n'roll students' line\nbreak"];
    for (const text of texts) {
      const w = tokenizeWordSpans(text);
      expect(w.words).toEqual(tokenizeWords(text));
      w.words.forEach((word, i) => expect(tokenizeWords(text.slice(w.starts[i], w.ends[i]))).toEqual([word]));
    }
  });
});

describe('hasStockPhrase', () => {
  it('finds newsroom stock lines, not ordinary sentences', () => {
    expect(hasStockPhrase(tokenizeWords('Councilman Ray Pruitt did not immediately respond to a request for comment.'))).toBe(true);
    expect(hasStockPhrase(tokenizeWords('This story has been updated with the final count.'))).toBe(true);
    expect(hasStockPhrase(tokenizeWords('The mayor declined to comment after the meeting.'))).toBe(true);
    expect(hasStockPhrase(tokenizeWords('The council did not approve the request for more funding.'))).toBe(false);
  });
});
