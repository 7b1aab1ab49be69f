/**
 * Several suggestions per request: one sampling plan per variant, and removal of variants
 * that say the same thing.
 *
 * transformers.js 4.3.1 notes for the backend: `generate()` takes `do_sample`, `temperature`
 * and `top_k` (applied by its multinomial sampler); `top_p` is accepted but not applied by that
 * version (its top-p warper is commented out), so it is kept here for later versions and other
 * backends. Sampling draws from the library's global PRNG: call `random.seed(plan.seed)`
 * (exported by `@huggingface/transformers`) right before each variant's `generate()`; generations
 * run one at a time, so seeding per variant is reproducible.
 */

export interface SamplingPlan {
  seed: number;
  temperature: number;
  top_k: number;
  top_p: number;
  do_sample: boolean;
}

export const MAX_VARIANTS = 8;

/** Temperatures for the sampled variants, cycled: varied enough to give different wording. */
const TEMPERATURES = [0.7, 0.9, 0.8, 1.0, 0.75, 0.95, 0.85];
const TOP_K = [40, 50, 40, 60, 45, 50, 55];
const TOP_P = [0.9, 0.95, 0.92, 0.95, 0.9, 0.93, 0.95];

/** A 32-bit mix (splitmix-style) so nearby base seeds give unrelated variant seeds. */
function mix32(value: number): number {
  let z = (value + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Plans for `n` variants. The first is greedy (most likely wording, deterministic); the others
 * sample with distinct seeds and temperatures. Same `baseSeed`, same plans.
 */
export function variantPlans(n: number, baseSeed: number): SamplingPlan[] {
  if (!Number.isInteger(n) || n < 1 || n > MAX_VARIANTS) {
    throw new RangeError(`variant count must be a whole number from 1 to ${MAX_VARIANTS}, got ${n}`);
  }
  if (!Number.isFinite(baseSeed)) throw new RangeError(`base seed must be a finite number, got ${baseSeed}`);
  const base = Math.trunc(baseSeed) >>> 0;
  const plans: SamplingPlan[] = [];
  const seeds = new Set<number>();
  for (let i = 0; i < n; i++) {
    let seed = mix32(base + Math.imul(i, 0x27d4eb2d));
    while (seeds.has(seed)) seed = (seed + 1) >>> 0;
    seeds.add(seed);
    if (i === 0) {
      plans.push({ seed, temperature: 1, top_k: 1, top_p: 1, do_sample: false });
    } else {
      const k = (i - 1) % TEMPERATURES.length;
      plans.push({ seed, temperature: TEMPERATURES[k]!, top_k: TOP_K[k]!, top_p: TOP_P[k]!, do_sample: true });
    }
  }
  return plans;
}

const CURLY: Record<string, string> = { '“': '"', '”': '"', '„': '"', '«': '"', '»': '"', '‘': "'", '’': "'" };
const WORD_RE = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;
const SPACELESS_SCRIPT_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;

/** Case-, quote-, punctuation- and whitespace-insensitive form used to compare variants. */
export function normaliseForCompare(text: string): string {
  return text
    .normalize('NFKC')
    .toLocaleLowerCase()
    .replace(/[“”„«»‘’]/gu, (c) => CURLY[c] ?? c)
    .replace(/[^\p{L}\p{N}\s']/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** Words, or character pairs for scripts written without spaces. */
function tokens(normalised: string): string[] {
  const out: string[] = [];
  for (const word of normalised.match(WORD_RE) ?? []) {
    if (SPACELESS_SCRIPT_RE.test(word) && word.length > 2) {
      const chars = [...word];
      for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
    } else out.push(word);
  }
  return out;
}

/** Dice overlap of the two texts' word multisets, 0..1 (1 = same words, any order). */
export function wordOverlap(a: string, b: string): number {
  const ta = tokens(normaliseForCompare(a));
  const tb = tokens(normaliseForCompare(b));
  if (ta.length === 0 && tb.length === 0) return 1;
  if (ta.length === 0 || tb.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const t of ta) counts.set(t, (counts.get(t) ?? 0) + 1);
  let shared = 0;
  for (const t of tb) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      shared++;
      counts.set(t, c - 1);
    }
  }
  return (2 * shared) / (ta.length + tb.length);
}

export interface DedupeOptions {
  /** Overlap at or above which two variants count as the same (default 0.85); Infinity: only equal ones. */
  threshold?: number;
}

/**
 * A grammar fix differs from the unfixed passage by a word or two, which is exactly what the
 * writer chooses between: there only equal variants are duplicates.
 */
export function dedupeOptionsFor(action: string): DedupeOptions {
  return action === 'grammar' ? { threshold: Infinity } : {};
}

/**
 * Keeps the first of each group of near-duplicates (equal once normalised, or word overlap
 * at or above the threshold), in the original order. Empty variants are dropped.
 */
export function dedupeVariants(texts: readonly string[], options: DedupeOptions = {}): string[] {
  const threshold = options.threshold ?? 0.85;
  const kept: string[] = [];
  const keptNorm: string[] = [];
  for (const text of texts) {
    const norm = normaliseForCompare(text);
    if (norm.length === 0) continue;
    const duplicate = keptNorm.some((k, i) => k === norm || wordOverlap(kept[i]!, text) >= threshold);
    if (duplicate) continue;
    kept.push(text);
    keptNorm.push(norm);
  }
  return kept;
}
