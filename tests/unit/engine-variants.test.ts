import { describe, expect, it } from 'vitest';
import { MAX_VARIANTS, dedupeOptionsFor, dedupeVariants, normaliseForCompare, variantPlans, wordOverlap } from '../../lib/engine/variants';

describe('variantPlans', () => {
  it.each([1, 2, 3, 5, MAX_VARIANTS])('gives %i plans: first greedy, others sampled with distinct seeds', (n) => {
    const plans = variantPlans(n, 1234);
    expect(plans).toHaveLength(n);
    expect(plans[0]!.do_sample).toBe(false);
    for (const p of plans.slice(1)) {
      expect(p.do_sample).toBe(true);
      expect(p.temperature).toBeGreaterThan(0.5);
      expect(p.temperature).toBeLessThanOrEqual(1.1);
      expect(p.top_k).toBeGreaterThan(1);
      expect(p.top_p).toBeGreaterThan(0.5);
      expect(p.top_p).toBeLessThanOrEqual(1);
    }
    const seeds = plans.map((p) => p.seed);
    expect(new Set(seeds).size).toBe(n);
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
  });

  it('varies temperature among the sampled variants', () => {
    const temps = variantPlans(4, 0)
      .slice(1)
      .map((p) => p.temperature);
    expect(new Set(temps).size).toBe(3);
  });

  it('is deterministic for a base seed and differs across base seeds', () => {
    expect(variantPlans(4, 42)).toEqual(variantPlans(4, 42));
    expect(variantPlans(4, 42).map((p) => p.seed)).not.toEqual(variantPlans(4, 43).map((p) => p.seed));
  });

  it.each([0, -1, 1.5, MAX_VARIANTS + 1, Number.NaN])('rejects n = %s', (n) => {
    expect(() => variantPlans(n, 1)).toThrow(RangeError);
  });

  it('rejects a non-finite seed', () => {
    expect(() => variantPlans(2, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('normaliseForCompare', () => {
  it.each([
    ['  Hello,   World! ', 'hello world'],
    ['“Quoted” text.', 'quoted text'],
    ['ＦＵＬＬ width', 'full width'],
    ["It's fine", "it's fine"],
    ['It’s fine', "it's fine"],
  ])('%j → %j', (input, expected) => {
    expect(normaliseForCompare(input)).toBe(expected);
  });
});

describe('wordOverlap', () => {
  it.each([
    ['The cat sat.', 'the cat sat', 1],
    ['The cat sat.', 'A dog ran.', 0],
    ['', '', 1],
    ['x', '', 0],
  ])('%j vs %j = %s', (a, b, expected) => {
    expect(wordOverlap(a, b)).toBeCloseTo(expected, 5);
  });

  it('is symmetric and between 0 and 1', () => {
    const a = 'We will meet on Friday at noon.';
    const b = 'We meet Friday at noon, then lunch.';
    expect(wordOverlap(a, b)).toBeCloseTo(wordOverlap(b, a), 10);
    expect(wordOverlap(a, b)).toBeGreaterThan(0);
    expect(wordOverlap(a, b)).toBeLessThan(1);
  });

  it('compares scripts without spaces by character pairs', () => {
    expect(wordOverlap('我们明天见面', '我们明天见面吧')).toBeGreaterThan(0.85);
    expect(wordOverlap('我们明天见面', '今天下雨了')).toBeLessThan(0.2);
  });
});

describe('dedupeVariants', () => {
  it.each([
    [['Hello there.', 'hello there', 'Hi!'], ['Hello there.', 'Hi!']],
    [['“Let’s go.”', '"Let\'s go."'], ['“Let’s go.”']],
    [['We will meet on Friday.', 'We will meet on Friday then.'], ['We will meet on Friday.']],
    [['We will meet on Friday.', 'Our meeting is set for Monday morning.'], ['We will meet on Friday.', 'Our meeting is set for Monday morning.']],
    [['', '   ', '...', 'Real text.'], ['Real text.']],
    [['B first', 'A second', 'b FIRST'], ['B first', 'A second']],
    [[], []],
  ])('%j → %j', (input, expected) => {
    expect(dedupeVariants(input)).toEqual(expected);
  });

  it('respects a custom threshold', () => {
    const a = 'We will meet on Friday.';
    const b = 'We will meet on Friday then.';
    expect(dedupeVariants([a, b], { threshold: 0.99 })).toEqual([a, b]);
  });

  it('keeps a grammar fix beside the unfixed sentence, which a rephrase would drop as the same', () => {
    const unfixed = 'The council recieved 40 complaints about the new bus routes on Monday.';
    const fixed = 'The council received 40 complaints about the new bus routes on Monday.';
    expect(dedupeVariants([unfixed, fixed], dedupeOptionsFor('grammar'))).toEqual([unfixed, fixed]);
    expect(dedupeVariants([unfixed, fixed], dedupeOptionsFor('rephrase'))).toEqual([unfixed]);
    expect(dedupeVariants([fixed, `${fixed} `], dedupeOptionsFor('grammar'))).toEqual([fixed]);
  });

  it('keeps genuinely different rewrites of the same sentence', () => {
    const variants = [
      'The report will be late.',
      'The report is going to be delayed by a few days.',
      'Expect the report a little later than planned.',
    ];
    expect(dedupeVariants(variants)).toEqual(variants);
  });
});
