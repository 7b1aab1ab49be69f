import { tokenizeWords } from './tokenize';

/**
 * Similarity for attributing edited sentences.
 *
 * - `sketchOf(words)`: MinHash sketch (K 32-bit values) over shingles = word
 *   unigrams ∪ word bigrams. Unigrams keep short or heavily edited sentences
 *   findable; bigrams penalise unrelated sentences that merely share vocabulary.
 * - `bandKeys(sketch)`: LSH bands (R rows each) used as index keys for candidate lookup.
 * - `wordEditRatio(a, b)`: word-level Levenshtein distance / max(len): the share of words changed.
 */
export const SKETCH_SIZE = 64;
export const BAND_ROWS = 2;
export const BAND_COUNT = Math.floor(SKETCH_SIZE / BAND_ROWS); // 32

/** FNV-1a 32-bit over UTF-16 code units. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

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

/** MinHash sketch as K unsigned 32-bit values. Empty input gives all 0xffffffff. */
export function sketchOf(words: readonly string[]): Uint32Array {
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
  let same = 0;
  for (let k = 0; k < SKETCH_SIZE; k++) if (a[k] === b[k] && a[k] !== 0xffffffff) same++;
  return same / SKETCH_SIZE;
}

/** LSH band hashes (one 32-bit value per band, band number mixed in). Two sketches share a band with probability ≈ 1-(1-J^R)^B. */
export function bandHashes(sketch: Uint32Array): number[] {
  if (sketch[0] === 0xffffffff) return [];
  const out: number[] = [];
  for (let b = 0; b < BAND_COUNT; b++) {
    let h = fmix32(0x811c9dc5 ^ Math.imul(b + 1, 0x9e3779b1));
    for (let r = 0; r < BAND_ROWS; r++) h = fmix32(h ^ (sketch[b * BAND_ROWS + r] as number));
    out.push(h);
  }
  return out;
}

/** Band hashes as string index keys ("band:hash", base 36) for IndexedDB multiEntry indexes. */
export function bandKeys(sketch: Uint32Array): string[] {
  return bandHashes(sketch).map((h, b) => `${b.toString(36)}:${h.toString(36)}`);
}

/** Word-level Levenshtein distance (substitution, insertion, deletion each cost 1). */
export function wordEditDistance(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] as number;
}

/** Share of words changed between two texts, 0 (same words) … 1 (nothing in common, positionally). */
export function wordEditRatio(a: string | readonly string[], b: string | readonly string[]): number {
  const wa = typeof a === 'string' ? tokenizeWords(a) : a;
  const wb = typeof b === 'string' ? tokenizeWords(b) : b;
  const longest = Math.max(wa.length, wb.length);
  if (longest === 0) return 0;
  return wordEditDistance(wa, wb) / longest;
}
