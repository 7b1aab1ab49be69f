import { tokenizeWords } from './tokenize';
import { fnv1a } from '../seeded';

/**
 * Similarity for attributing edited sentences.
 *
 * - `sketchOf(words)`: MinHash sketch (K 32-bit values) over shingles = word
 *   unigrams ∪ word bigrams. Unigrams keep short or heavily edited sentences
 *   findable; bigrams penalise unrelated sentences that merely share vocabulary.
 * - `bandKeys(sketch)`: LSH bands (R rows each) used as index keys for candidate lookup.
 * - `alignWords(a, b)`: which draft word comes from which logged word, moved clauses included
 *   (attribution's changed shares and the AI's character spans come from it).
 * - `keptWordsBySketch(words, sketch)`: the same, as far as a privacy-mode sketch can tell.
 * - `wordEditRatio(a, b)`: word-level Levenshtein distance / max(len) (the calibration's yardstick).
 */
export const SKETCH_SIZE = 64;
export const BAND_ROWS = 2;
export const BAND_COUNT = Math.floor(SKETCH_SIZE / BAND_ROWS); // 32


/** murmur3 finaliser: a good 32-bit mixer. */
function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

// Fixed seeds so sketches are stable across installs and versions (they are stored).
const SEEDS: number[] = Array.from({ length: SKETCH_SIZE }, (_, i) => fmix32(0x9e3779b9 ^ Math.imul(i + 1, 0x7feb352d)));

export function shinglesOf(words: readonly string[]): string[] {
  const set = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    set.add(`1:${words[i]}`);
    if (i + 1 < words.length) set.add(`2:${words[i]} ${words[i + 1]}`);
  }
  return [...set];
}

/** FNV-1a state continued over more UTF-16 code units (so shingles hash without building strings). */
function fnvMore(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
const FNV_UNI = fnvMore(0x811c9dc5, '1:');
const FNV_BI = fnvMore(0x811c9dc5, '2:');
const SPACE = 0x20;

/**
 * MinHash sketch as K unsigned 32-bit values. Empty input gives all 0xffffffff.
 * Equal to hashing every distinct shingle of `shinglesOf(words)` with fnv1a (duplicates cannot
 * change a minimum, so no set is needed), computed without building the shingle strings.
 */
export function sketchOf(words: readonly string[]): Uint32Array {
  const sketch = new Uint32Array(SKETCH_SIZE).fill(0xffffffff);
  const fold = (base: number) => {
    for (let k = 0; k < SKETCH_SIZE; k++) {
      const v = fmix32(base ^ (SEEDS[k] as number));
      if (v < (sketch[k] as number)) sketch[k] = v;
    }
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    fold(fnvMore(FNV_UNI, w));
    if (i + 1 < words.length) {
      const afterFirst = Math.imul(fnvMore(FNV_BI, w) ^ SPACE, 0x01000193) >>> 0;
      fold(fnvMore(afterFirst, words[i + 1] as string));
    }
  }
  return sketch;
}

/** The straightforward definition (reference for tests): fnv1a of every distinct shingle string. */
export function sketchOfReference(words: readonly string[]): Uint32Array {
  const sketch = new Uint32Array(SKETCH_SIZE).fill(0xffffffff);
  for (const sh of shinglesOf(words)) {
    const base = fnv1a(sh);
    for (let k = 0; k < SKETCH_SIZE; k++) {
      const v = fmix32(base ^ (SEEDS[k] as number));
      if (v < (sketch[k] as number)) sketch[k] = v;
    }
  }
  return sketch;
}

export function sketchText(text: string): Uint32Array {
  return sketchOf(tokenizeWords(text));
}

/** Hex encoding (8 hex digits per value) — compact and canonical-JSON friendly. */
export function sketchToHex(sketch: Uint32Array): string {
  let out = '';
  for (const v of sketch) out += v.toString(16).padStart(8, '0');
  return out;
}

export function sketchFromHex(hex: string): Uint32Array {
  if (hex.length !== SKETCH_SIZE * 8) throw new Error('bad sketch length');
  const out = new Uint32Array(SKETCH_SIZE);
  for (let k = 0; k < SKETCH_SIZE; k++) out[k] = parseInt(hex.slice(k * 8, k * 8 + 8), 16);
  return out;
}

/** Estimated Jaccard similarity of the two shingle sets. */
export function sketchSimilarity(a: Uint32Array, b: Uint32Array): number {
  if (a[0] === 0xffffffff || b[0] === 0xffffffff) return 0; // an empty sketch is all 0xffffffff
  let same = 0;
  for (let k = 0; k < SKETCH_SIZE; k++) same += a[k] === b[k] ? 1 : 0;
  return same / SKETCH_SIZE;
}

/** LSH band hashes (one 32-bit value per band, band number mixed in). Two sketches share a band with probability ≈ 1-(1-J^R)^B. */
export function bandHashes(sketch: Uint32Array): number[] {
  const out = new Uint32Array(BAND_COUNT);
  return Array.from(out.subarray(0, bandHashesInto(sketch, out)));
}

// Per-band starting state (the band number mixed in), computed once.
const BAND_SEEDS = Array.from({ length: BAND_COUNT }, (_, b) => fmix32(0x811c9dc5 ^ Math.imul(b + 1, 0x9e3779b1)));

/** `bandHashes` written into `out` (length ≥ BAND_COUNT) without allocating; returns how many (0 for an empty sketch). */
export function bandHashesInto(sketch: Uint32Array, out: Uint32Array): number {
  if (sketch[0] === 0xffffffff) return 0;
  for (let b = 0; b < BAND_COUNT; b++) {
    let h = BAND_SEEDS[b]!;
    for (let r = 0; r < BAND_ROWS; r++) h = fmix32(h ^ (sketch[b * BAND_ROWS + r] as number));
    out[b] = h;
  }
  return BAND_COUNT;
}

/** Band hashes as string index keys ("band:hash", base 36) for IndexedDB multiEntry indexes. */
export function bandKeys(sketch: Uint32Array): string[] {
  return bandHashes(sketch).map((h, b) => `${b.toString(36)}:${h.toString(36)}`);
}

let rowA = new Int32Array(64);
let rowB = new Int32Array(64);

/**
 * Word-level Levenshtein distance (substitution, insertion, deletion each cost 1). With `limit`,
 * stops as soon as the distance must exceed it and returns limit + 1 (unrelated sentences are
 * rejected after a few rows instead of a full table).
 */
export function wordEditDistance(a: readonly string[], b: readonly string[], limit = Infinity): number {
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  if (rowA.length <= b.length) {
    rowA = new Int32Array(b.length * 2 + 1);
    rowB = new Int32Array(b.length * 2 + 1);
  }
  let prev = rowA;
  let cur = rowB;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ai = a[i - 1];
    for (let j = 1; j <= b.length; j++) {
      const del = prev[j]! + 1;
      const ins = cur[j - 1]! + 1;
      const sub = prev[j - 1]! + (ai === b[j - 1] ? 0 : 1);
      const v = del < ins ? (del < sub ? del : sub) : ins < sub ? ins : sub;
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[b.length]!;
}

/** Reference implementation (tests). */
export function wordEditDistanceReference(a: readonly string[], b: readonly string[]): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}

/** Share of words changed between two texts, 0 (same words) … 1 (nothing in common, positionally). */
export function wordEditRatio(a: string | readonly string[], b: string | readonly string[], maxRatio?: number): number {
  const wa = typeof a === 'string' ? tokenizeWords(a) : a;
  const wb = typeof b === 'string' ? tokenizeWords(b) : b;
  const longest = Math.max(wa.length, wb.length);
  if (longest === 0) return 0;
  // With maxRatio: any result above it may be reported as just above it (> maxRatio), not exactly.
  const limit = maxRatio === undefined ? Infinity : Math.floor(maxRatio * longest);
  const d = wordEditDistance(wa, wb, limit);
  return d > limit ? Math.max(d, limit + 1) / longest : d / longest;
}

/**
 * Word alignment that tolerates moved clauses: which word of `a` (the draft) comes from which
 * word of `b` (the logged sentence), as `a`'s index → `b`'s index (-1: not from `b`).
 *
 * Greedy tiling: maximal common runs of at least `minRun` words, longest first, each word used
 * once on either side, in any order when 3 words or more ("While X, Y." and "Y, while X." align
 * completely); then
 * single equal words inside a gap between two tiles that keep their order on both sides (a
 * word kept between two changed ones). Words are interned numbers. O(|a|·|b|).
 */
/** Shortest run that may align out of order (a moved clause). */
const MIN_MOVED_RUN = 3;

/** Whether aligning a[i] with b[j] keeps the order of every pair aligned so far. */
function inOrder(map: Int32Array, i: number, j: number): boolean {
  for (let k = 0; k < map.length; k++) {
    const m = map[k]!;
    if (m >= 0 && k < i !== m < j) return false;
  }
  return true;
}

let countScratch = new Int32Array(256);

/**
 * How many words two sentences share, counted with repeats (interned word ids, non-negative):
 * an upper bound on what any alignment of them can align, in O(a + b) instead of alignWords'
 * O(a × b), so pairs that cannot clear a bar are not aligned at all.
 */
export function sharedWordCount(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let k = 0; k < b.length; k++) if (b[k]! > max) max = b[k]!;
  if (countScratch.length <= max) countScratch = new Int32Array((max + 1) * 2);
  const counts = countScratch;
  for (let k = 0; k < b.length; k++) counts[b[k]!]!++;
  let shared = 0;
  for (let k = 0; k < a.length; k++) {
    const id = a[k]!;
    if (id <= max && counts[id]! > 0) {
      counts[id]!--;
      shared++;
    }
  }
  for (let k = 0; k < b.length; k++) counts[b[k]!] = 0;
  return shared;
}

// Scratch for alignWords (runs as i, j, length triples; which logged words are used).
let runScratch = new Int32Array(192);
let usedScratch = new Uint8Array(64);

export function alignWords(a: ArrayLike<number>, b: ArrayLike<number>, minRun = 2): Int32Array {
  const map = new Int32Array(a.length).fill(-1);
  if (!a.length || !b.length) return map;
  if (usedScratch.length < b.length) usedScratch = new Uint8Array(b.length * 2);
  const usedB = usedScratch;
  usedB.fill(0, 0, b.length);
  let runCount = 0;
  for (let i = 0; i < a.length; i++) {
    const ai = a[i];
    for (let j = 0; j < b.length; j++) {
      if (b[j] !== ai || (i > 0 && j > 0 && a[i - 1] === b[j - 1])) continue;
      let n = 1;
      while (i + n < a.length && j + n < b.length && a[i + n] === b[j + n]) n++;
      if (n < minRun) continue;
      if ((runCount + 1) * 3 > runScratch.length) {
        const grown = new Int32Array(runScratch.length * 2);
        grown.set(runScratch);
        runScratch = grown;
      }
      runScratch[runCount * 3] = i;
      runScratch[runCount * 3 + 1] = j;
      runScratch[runCount * 3 + 2] = n;
      runCount++;
    }
  }
  const runs = runScratch;
  // Longest first; ties: the one nearer the diagonal (words in place before moved ones). One
  // numeric key per run (length, distance from the diagonal, index) sorts without a comparator.
  const order = new Float64Array(runCount);
  for (let k = 0; k < runCount; k++) {
    const long = 4095 - Math.min(4095, runs[k * 3 + 2]!);
    const diagonal = Math.min(4095, Math.abs(runs[k * 3]! - runs[k * 3 + 1]!));
    order[k] = (long * 4096 + diagonal) * 65536 + k;
  }
  order.sort();
  for (let o = 0; o < runCount; o++) {
    const k = order[o]! % 65536;
    const i = runs[k * 3]!;
    const j = runs[k * 3 + 1]!;
    const n = runs[k * 3 + 2]!;
    // The longest stretch of this run still free on both sides.
    let bestAt = 0;
    let bestLen = 0;
    let at = 0;
    for (let d = 0; d <= n; d++) {
      const free = d < n && map[i + d] === -1 && usedB[j + d] === 0;
      if (free) continue;
      if (d - at > bestLen) {
        bestLen = d - at;
        bestAt = at;
      }
      at = d + 1;
    }
    if (bestLen < minRun) continue;
    // A short run out of order with what is aligned already is chance, not a moved clause.
    if (bestLen < MIN_MOVED_RUN && !inOrder(map, i + bestAt, j + bestAt)) continue;
    for (let d = bestAt; d < bestAt + bestLen; d++) {
      map[i + d] = j + d;
      usedB[j + d] = 1;
    }
  }
  // Single words in gaps: between the nearest aligned neighbours, in order on both sides.
  let left = -1;
  for (let i = 0; i < a.length; i++) {
    if (map[i] !== -1) {
      left = i;
      continue;
    }
    let right = i + 1;
    while (right < a.length && map[right] === -1) right++;
    const lo = left >= 0 ? map[left]! + 1 : right < a.length ? Math.max(0, map[right]! - (right - i)) : -1;
    const hi = right < a.length ? map[right]! : left >= 0 ? Math.min(b.length, map[left]! + (i - left) + 1) : -1;
    if (lo < 0 || hi <= lo) continue;
    for (let j = lo; j < hi; j++) {
      if (usedB[j] === 0 && b[j] === a[i]) {
        map[i] = j;
        usedB[j] = 1;
        left = i;
        break;
      }
    }
  }
  return map;
}

/**
 * Estimated number of distinct shingles behind a sketch, from its minima (each of the K values
 * is the least of n uniform 32-bit hashes, mean 2³²/(n+1)): (K−1)/Σ(vₖ/2³²), about ±13 % at K=64.
 * Privacy mode keeps no text, so this is how big the logged sentence was.
 */
export function sketchCardinality(sketch: Uint32Array): number {
  if (sketch[0] === 0xffffffff) return 0;
  let sum = 0;
  for (let k = 0; k < SKETCH_SIZE; k++) sum += (sketch[k] as number) / 4294967296;
  return sum > 0 ? (SKETCH_SIZE - 1) / sum : 0;
}

/** Distinct shingles of `words` (what a sketch summarises). */
export function shingleCount(words: readonly string[]): number {
  return shinglesOf(words).length;
}

/** False when the sketch proves the shingle (by its FNV base hash) absent. */
function sketchMayHold(sketch: Uint32Array, base: number): boolean {
  for (let k = 0; k < SKETCH_SIZE; k++) if (fmix32(base ^ (SEEDS[k] as number)) < (sketch[k] as number)) return false;
  return true;
}

/** Whether the sketch's sentence may hold `word` anywhere (false: certainly not). */
export function sketchMayHoldWord(sketch: Uint32Array, word: string): boolean {
  return sketch[0] !== 0xffffffff && sketchMayHold(sketch, fnvMore(FNV_UNI, word));
}

/**
 * Which of `words` a logged sentence kept only as a sketch (privacy mode) probably contains.
 *
 * A shingle x of the logged sentence hashes at or above the sketch's value under every seed (the
 * sketch holds the minima), so one seed where h(x) is below it proves x absent. A shingle that
 * is absent passes all 64 tests with probability Π(1 − vₖ/2³²), about e^(−64/n) for n
 * shingles (~0.2 for a 20-word sentence). A word counts as kept when its unigram passes and so
 * does a bigram with a neighbour: an absent word then slips through with about that squared.
 * Uses nothing but what the sketch already holds.
 */
export function keptWordsBySketch(words: readonly string[], sketch: Uint32Array): Uint8Array {
  const kept = new Uint8Array(words.length);
  if (sketch[0] === 0xffffffff || !words.length) return kept;
  const passes = (base: number) => sketchMayHold(sketch, base);
  const uni = words.map((w) => passes(fnvMore(FNV_UNI, w)));
  const bi = words.map((w, i) => i + 1 < words.length && passes(fnvMore(Math.imul(fnvMore(FNV_BI, w) ^ SPACE, 0x01000193) >>> 0, words[i + 1] as string)));
  for (let i = 0; i < words.length; i++) {
    kept[i] = uni[i] && (words.length === 1 || bi[i] || (i > 0 && bi[i - 1])) ? 1 : 0;
  }
  return kept;
}
