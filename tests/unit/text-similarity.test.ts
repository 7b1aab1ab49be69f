import { describe, expect, it } from 'vitest';
import { tokenizeWords } from '../../lib/text/tokenize';
import {
  bandKeys,
  sketchFromHex,
  sketchSimilarity,
  sketchText,
  sketchToHex,
  wordEditRatio,
  SKETCH_SIZE,
  BAND_COUNT,
} from '../../lib/text/similarity';

describe('tokenizeWords', () => {
  it('splits Latin words, lower-cases, keeps apostrophes and drops punctuation', () => {
    expect(tokenizeWords('Don’t stop, Mr. Brown — it’s 3.5 km!')).toEqual(['don\'t', 'stop', 'mr', 'brown', 'it\'s', '3', '5', 'km']);
  });
  it('tokenises CJK by character and keeps Latin runs inside', () => {
    expect(tokenizeWords('我用iPhone拍照。')).toEqual(['我', '用', 'iphone', '拍', '照']);
    expect(tokenizeWords('今日は晴れ')).toEqual(['今', '日', 'は', '晴', 'れ']);
  });
  it('keeps Hangul words, Arabic and accented words whole', () => {
    expect(tokenizeWords('안녕하세요 세계')).toEqual(['안녕하세요', '세계']);
    expect(tokenizeWords('هل أنت بخير؟')).toEqual(['هل', 'أنت', 'بخير']);
    expect(tokenizeWords('Café naïve')).toEqual(['café', 'naïve']);
  });
});

describe('wordEditRatio', () => {
  it('is 0 for the same words regardless of typography and case', () => {
    expect(wordEditRatio('The cat sat.', 'the  cat sat')).toBe(0);
  });
  it('counts substitutions, insertions and deletions as a share of the longer text', () => {
    expect(wordEditRatio('a b c d', 'a x c d')).toBe(0.25);
    expect(wordEditRatio('a b c d', 'a b c')).toBe(0.25);
    expect(wordEditRatio('a b c', 'a b c d e f')).toBe(0.5);
    expect(wordEditRatio('a b', 'c d')).toBe(1);
  });
  it('handles empty inputs', () => {
    expect(wordEditRatio('', '')).toBe(0);
    expect(wordEditRatio('a', '')).toBe(1);
  });
});

describe('MinHash sketch', () => {
  const base = 'The city council approved the new budget for public transport on Tuesday evening.';
  it('identical text gives identical sketch and all bands', () => {
    const a = sketchText(base);
    expect(a.length).toBe(SKETCH_SIZE);
    expect(sketchSimilarity(a, sketchText(base.toUpperCase()))).toBe(1);
    expect(bandKeys(a)).toHaveLength(BAND_COUNT);
  });
  it('round-trips through hex', () => {
    const a = sketchText(base);
    expect(sketchFromHex(sketchToHex(a))).toEqual(a);
  });
  it('a light edit stays similar and shares a band; an unrelated sentence does not', () => {
    const a = sketchText(base);
    const edited = sketchText('The city council approved a new budget for public transport on Tuesday.');
    const other = sketchText('Heavy rain flooded several streets near the harbour overnight.');
    expect(sketchSimilarity(a, edited)).toBeGreaterThan(0.4);
    expect(sketchSimilarity(a, other)).toBeLessThan(0.15);
    const keys = new Set(bandKeys(a));
    expect(bandKeys(edited).some((k) => keys.has(k))).toBe(true);
    expect(bandKeys(other).some((k) => keys.has(k))).toBe(false);
  });
  it('empty text has no band keys', () => {
    expect(bandKeys(sketchText('...'))).toEqual([]);
  });
});

describe('sketchOf (string-free shingle hashing)', () => {
  it('equals the reference definition, so stored sketches stay valid', async () => {
    const { sketchOf, sketchOfReference } = await import('../../lib/text/similarity');
    const { tokenizeWords } = await import('../../lib/text/tokenize');
    const { makeSentence, rng } = await import('../../lib/ledger/calibration');
    const r = rng(9);
    const texts = ['', 'one', 'the the the', 'Ünïcödé wörds 東京 and emoji 😀 here', 'a b a b a b'];
    for (let i = 0; i < 300; i++) texts.push(makeSentence(r));
    for (const t of texts) expect(Array.from(sketchOf(tokenizeWords(t)))).toEqual(Array.from(sketchOfReference(tokenizeWords(t))));
  });
});

describe('wordEditDistance (typed rows, early exit)', () => {
  it('equals the reference DP, and with a limit reports "over the limit" exactly when it is', async () => {
    const { wordEditDistance, wordEditDistanceReference, wordEditRatio } = await import('../../lib/text/similarity');
    const { rng } = await import('../../lib/ledger/calibration');
    const r = rng(11);
    const vocab = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (let n = 0; n < 500; n++) {
      const a = Array.from({ length: Math.floor(r() * 20) }, () => vocab[Math.floor(r() * vocab.length)]!);
      const b = Array.from({ length: Math.floor(r() * 20) }, () => vocab[Math.floor(r() * vocab.length)]!);
      const ref = wordEditDistanceReference(a, b);
      expect(wordEditDistance(a, b)).toBe(ref);
      const limit = Math.floor(r() * 12);
      const limited = wordEditDistance(a, b, limit);
      if (ref <= limit) expect(limited).toBe(ref);
      else expect(limited).toBeGreaterThan(limit);
      const longest = Math.max(a.length, b.length);
      if (longest) {
        const exact = ref / longest;
        const capped = wordEditRatio(a, b, 0.5);
        if (exact <= 0.5) expect(capped).toBeCloseTo(exact, 12);
        else expect(capped).toBeGreaterThan(0.5);
      }
    }
  });
});
