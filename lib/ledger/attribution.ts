import { REWRITE_ACTIONS, type ActionId } from '../engine/actions';
import { normalizeSentence } from '../text/normalize';
import { sha256HexSync } from '../text/hash';
import { segmentSentences } from '../text/segment';
import { tokenizeWords } from '../text/tokenize';
import { SKETCH_SIZE, bandHashes, bandKeys, sketchFromHex, sketchOf, sketchSimilarity, wordEditRatio } from '../text/similarity';
import type { LedgerDb, SentenceIndexRow } from './db';
import type { LedgerEntry, ModelInfo } from './types';

/**
 * Attribution: which sentences of a text descend from accepted AI suggestions.
 *
 * 1. exact: sha256(normalizeSentence(s)) against the logged sentence hashes;
 * 2. candidates: LSH band keys of the MinHash sketch (word unigrams+bigrams), top-K by shared bands;
 * 3. score: word-level edit ratio against the logged sentence text (or, in privacy
 *    mode where no text is kept, 1 - estimated Jaccard, flagged `estimated`).
 * Work is O(sentences × K) candidate scorings, never sentences × entries.
 *
 * 'not-logged' is not proof of human writing: text pasted from elsewhere is never seen.
 */
export type AttributionKind = 'ai-verbatim' | 'ai-edited' | 'ai-rewrite' | 'not-logged';

export interface AttributionThresholds {
  /** Highest share of words changed still counted as descending from a logged sentence. */
  maxChangedRatio: number;
  /** Sentences shorter than this (in words) only match exactly. */
  minWordsForFuzzy: number;
  /** Candidates fetched per sentence (highest number of shared LSH bands first). */
  candidatesPerSentence: number;
  /** Of those, how many (most similar by MinHash estimate) get the exact word-level diff. */
  diffsPerSentence: number;
}

/** Calibrated with lib/ledger/calibration.ts (`npx tsx scripts/calibrate-attribution.ts`): at 0.5, unrelated same-topic sentences are attributed ~1% of the time on the synthetic set, recall ≥ 97% up to ~30% of words changed. */
export const DEFAULT_THRESHOLDS: AttributionThresholds = {
  maxChangedRatio: 0.5,
  minWordsForFuzzy: 4,
  candidatesPerSentence: 8,
  diffsPerSentence: 3,
};

export interface LoggedSentence {
  seq: number;
  /** Sentence position within the entry. */
  i: number;
  documentKey: string;
  action: ActionId;
  acceptedAt: number;
  model: ModelInfo;
  /** null when logged in privacy mode. */
  text: string | null;
  sketch: Uint32Array;
}

export interface SentenceAttribution {
  text: string;
  start: number;
  end: number;
  kind: AttributionKind;
  /** Share of words changed relative to the logged sentence (0 for a verbatim match). */
  changedRatio?: number;
  /** True when the logged sentence has no text (privacy mode): the ratio is estimated from sketches. */
  estimated?: boolean;
  match?: Omit<LoggedSentence, 'sketch' | 'text'>;
}

export interface AttributionResult {
  sentences: SentenceAttribution[];
  counts: Record<AttributionKind, number>;
  /** Number of word-level diffs done (for scale checks): at most sentences × diffsPerSentence. */
  scored: number;
}

/** Where logged sentences come from: the Dexie ledger, or an in-memory index (tests, calibration). */
export interface CandidateSource {
  /** For each queried hash, the refs ("seq:i") whose normalised hash equals it. */
  byHash(hashes: readonly string[]): Promise<Map<string, string[]>>;
  /** For each query sketch, up to `limit` refs sharing the most LSH bands with it (most first). */
  byBands(sketches: readonly Uint32Array[], limit: number): Promise<string[][]>;
  load(refs: readonly string[]): Promise<Map<string, LoggedSentence>>;
  /** Optional cache of a loaded sentence's word tokens (the in-memory index keeps them). */
  words?(ref: string, sentence: LoggedSentence): readonly string[];
}

const refOf = (seq: number, i: number) => `${seq}:${i}`;

/** Candidates whose MinHash estimate is below this are not diffed (see attributeText). */
const MIN_SKETCH_SIMILARITY = 4 / 64;

/** The `limit` keys with the highest counts (ties: first seen), without sorting everything. */
function topByCount<K>(counts: Map<K, number>, limit: number): K[] {
  const top: [K, number][] = [];
  for (const entry of counts) {
    if (top.length < limit) {
      top.push(entry);
      top.sort((a, b) => b[1] - a[1]);
    } else if (entry[1] > top[top.length - 1]![1]) {
      top[top.length - 1] = entry;
      top.sort((a, b) => b[1] - a[1]);
    }
  }
  return top.map(([k]) => k);
}

function kindFor(action: ActionId, edited: boolean): AttributionKind {
  if (REWRITE_ACTIONS.has(action)) return 'ai-rewrite';
  return edited ? 'ai-edited' : 'ai-verbatim';
}

/** Prefer the same document, then the most recent acceptance. */
function better(a: LoggedSentence, b: LoggedSentence, documentKey?: string): boolean {
  if (documentKey) {
    const sa = a.documentKey === documentKey;
    const sb = b.documentKey === documentKey;
    if (sa !== sb) return sa;
  }
  return a.acceptedAt !== b.acceptedAt ? a.acceptedAt > b.acceptedAt : a.seq > b.seq;
}

function matchInfo(l: LoggedSentence): Omit<LoggedSentence, 'sketch' | 'text'> {
  return { seq: l.seq, i: l.i, documentKey: l.documentKey, action: l.action, acceptedAt: l.acceptedAt, model: l.model };
}

export async function attributeText(
  text: string,
  source: CandidateSource,
  options: {
    documentKey?: string;
    locale?: string;
    thresholds?: Partial<AttributionThresholds>;
    /** Filled with milliseconds per phase when given (benchmarks). */
    timings?: Record<string, number>;
  } = {},
): Promise<AttributionResult> {
  const t = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  let clock = performance.now();
  const lap = (phase: string) => {
    if (!options.timings) return;
    const now = performance.now();
    options.timings[phase] = (options.timings[phase] ?? 0) + (now - clock);
    clock = now;
  };
  const spans = segmentSentences(text, options.locale);
  lap('segment');
  const prepared = spans.map((s) => {
    const words = tokenizeWords(s.text);
    return { ...s, hash: sha256HexSync(normalizeSentence(s.text)), words, sketch: sketchOf(words) };
  });
  lap('hash+tokenize+sketch');
  const out: SentenceAttribution[] = prepared.map((p) => ({ text: p.text, start: p.start, end: p.end, kind: 'not-logged' }));
  let scored = 0;

  // 1. Exact matches.
  const byHash = await source.byHash([...new Set(prepared.map((p) => p.hash))]);
  const exactRefs = [...new Set([...byHash.values()].flat())];
  const exactLoaded = await source.load(exactRefs);
  const pending: number[] = [];
  prepared.forEach((p, idx) => {
    let best: LoggedSentence | undefined;
    for (const ref of byHash.get(p.hash) ?? []) {
      const l = exactLoaded.get(ref);
      if (l && (!best || better(l, best, options.documentKey))) best = l;
    }
    if (best) out[idx] = { ...out[idx]!, kind: kindFor(best.action, false), changedRatio: 0, match: matchInfo(best) };
    else if (p.words.length >= t.minWordsForFuzzy) pending.push(idx);
  });
  lap('exact');

  // 2. Candidates by shared LSH bands, top-K per sentence.
  if (pending.length) {
    const chosen = await source.byBands(
      pending.map((idx) => prepared[idx]!.sketch),
      t.candidatesPerSentence,
    );
    lap('bands');
    const loaded = await source.load([...new Set(chosen.flat())]);
    lap('load');

    // 3. Rank by the MinHash estimate (cheap), then score the closest few with the word-level edit ratio.
    pending.forEach((idx, k) => {
      const p = prepared[idx]!;
      let best: { l: LoggedSentence; ratio: number; estimated: boolean } | undefined;
      const ranked = (chosen[k] ?? [])
        .flatMap((ref) => {
          const l = loaded.get(ref);
          if (!l) return [];
          const similarity = sketchSimilarity(p.sketch, l.sketch);
          // Below ~4 of 64 agreeing MinHash values the shingle sets are near-disjoint: a sentence with at
          // most half its words changed keeps far more (estimated Jaccard ≈ 0.2 at 50%), so skip the diff.
          return similarity >= MIN_SKETCH_SIMILARITY ? [{ ref, l, similarity }] : [];
        })
        .sort((a, b) => b.similarity - a.similarity)
        .slice(0, t.diffsPerSentence);
      for (const { ref, l, similarity } of ranked) {
        const estimated = l.text === null;
        let ratio: number;
        if (estimated) ratio = 1 - similarity;
        else {
          const words = source.words?.(ref, l) ?? tokenizeWords(l.text!);
          // The edit distance is at least the length difference: skip diffs that cannot pass.
          const longest = Math.max(words.length, p.words.length);
          if (longest && Math.abs(words.length - p.words.length) / longest > t.maxChangedRatio) continue;
          scored++;
          ratio = wordEditRatio(p.words, words, t.maxChangedRatio);
        }
        if (
          !best ||
          ratio < best.ratio - 1e-9 ||
          (Math.abs(ratio - best.ratio) <= 1e-9 && better(l, best.l, options.documentKey))
        ) {
          best = { l, ratio, estimated };
        }
      }
      if (best && best.ratio <= t.maxChangedRatio) {
        out[idx] = {
          ...out[idx]!,
          kind: kindFor(best.l.action, true),
          changedRatio: best.ratio,
          ...(best.estimated ? { estimated: true } : {}),
          match: matchInfo(best.l),
        };
      }
    });
    lap('score');
  }

  const counts: Record<AttributionKind, number> = { 'ai-verbatim': 0, 'ai-edited': 0, 'ai-rewrite': 0, 'not-logged': 0 };
  for (const s of out) counts[s.kind]++;
  return { sentences: out, counts, scored };
}

function loggedFromEntry(e: LedgerEntry, i: number): LoggedSentence | undefined {
  const s = e.sentences[i];
  if (!s) return undefined;
  return {
    seq: e.seq,
    i,
    documentKey: e.documentKey,
    action: e.action,
    acceptedAt: e.acceptedAt,
    model: e.model,
    text: s.text,
    sketch: sketchFromHex(s.sketch),
  };
}

/** Candidate source over the Dexie ledger: exact hashes and multiEntry band keys in `sentenceIndex`. */
export function dexieCandidateSource(db: LedgerDb): CandidateSource {
  return {
    async byHash(hashes) {
      const map = new Map<string, string[]>();
      if (!hashes.length) return map;
      const rows = await db.sentenceIndex.where('hash').anyOf(hashes as string[]).toArray();
      for (const r of rows) {
        const list = map.get(r.hash) ?? [];
        list.push(refOf(r.seq, r.i));
        map.set(r.hash, list);
      }
      return map;
    },
    async byBands(sketches, limit) {
      const keysPer = sketches.map((s) => bandKeys(s));
      const wanted = new Map<string, number[]>(); // band key -> query indexes
      keysPer.forEach((keys, q) => {
        for (const k of keys) {
          const list = wanted.get(k) ?? [];
          list.push(q);
          wanted.set(k, list);
        }
      });
      const result = sketches.map(() => new Map<string, number>());
      if (!wanted.size) return result.map(() => []);
      const rows = await db.sentenceIndex.where('bands').anyOf([...wanted.keys()]).distinct().toArray();
      const seen = new Set<number>();
      for (const r of rows as SentenceIndexRow[]) {
        if (r.rowId !== undefined) {
          if (seen.has(r.rowId)) continue;
          seen.add(r.rowId);
        }
        const ref = refOf(r.seq, r.i);
        for (const k of r.bands) {
          for (const q of wanted.get(k) ?? []) {
            const m = result[q]!;
            m.set(ref, (m.get(ref) ?? 0) + 1);
          }
        }
      }
      return result.map((m) => topByCount(m, limit));
    },
    async load(refs) {
      const out = new Map<string, LoggedSentence>();
      const seqs = [...new Set(refs.map((r) => Number(r.split(':')[0])))];
      const entries = await db.entries.bulkGet(seqs);
      const bySeq = new Map<number, LedgerEntry>();
      for (const e of entries) if (e) bySeq.set(e.seq, e);
      for (const ref of refs) {
        const [seq, i] = ref.split(':').map(Number) as [number, number];
        const e = bySeq.get(seq);
        const l = e && loggedFromEntry(e, i);
        if (l) out.set(ref, l);
      }
      return out;
    },
  };
}

/**
 * In-memory index: the audit's fast path (calibration, scale tests, and a cache in the background
 * worker). Compact by design, so 100,000+ logged sentences fit in tens of MB:
 *  - sketches in one growing Uint32Array (64 values per sentence);
 *  - LSH band postings in an open-addressing hash table over typed arrays (band hash → chain of
 *    sentence ids), with a per-key posting count;
 *  - band keys whose posting list is longer than `maxPosting` are skipped at query time (like
 *    stop words in an inverted index): with one news vocabulary, a band made of two very common
 *    shingles says nothing, and a sentence that truly descends from a logged one shares many
 *    rarer bands with it.
 */
export class MemoryIndex implements CandidateSource {
  /** Logged sentences; each one's `sketch` is a view into `sketches`. */
  private readonly sentences: LoggedSentence[] = [];
  private readonly refIds = new Map<string, number>();
  private readonly hashes = new Map<string, number | number[]>();
  private sketches = new Uint32Array(SKETCH_SIZE * 1024);
  // Band table: open addressing on the 32-bit band hash; per slot a compacted posting range
  // (CSR: contiguous ids, read sequentially) plus a linked list of postings added since.
  private slotKey = new Uint32Array(1 << 16);
  private slotUsed = new Uint8Array(1 << 16);
  private slotCount = new Uint32Array(1 << 16);
  private slotStart = new Uint32Array(1 << 16);
  private slotCompacted = new Uint32Array(1 << 16);
  private slotHead = new Int32Array(1 << 16).fill(-1);
  private slotsUsed = 0;
  private csr = new Uint32Array(0);
  private postId = new Uint32Array(1 << 16);
  private postNext = new Int32Array(1 << 16);
  private posts = 0;
  // Query scratch: counts by sentence id.
  private scratch = new Uint16Array(1024);
  /** Word tokens of sentences that were candidates once (bounded: cleared when it grows past 50,000). */
  private readonly tokens = new Map<number, readonly string[]>();

  /** Band keys with more postings than this are skipped at query time (see above). */
  constructor(public maxPosting = 64) {}

  get size() {
    return this.sentences.length;
  }

  async addEntry(e: LedgerEntry): Promise<void> {
    this.add(e);
  }

  /** Add every sentence of a ledger entry (synchronous). */
  add(e: LedgerEntry): void {
    e.sentences.forEach((s, i) => this.addSentence(loggedFromEntry(e, i)!, s.normalizedHash));
  }

  /** Add one logged sentence; `hash` is sha256(normalizeSentence(text)). */
  addSentence(l: LoggedSentence, hash: string): void {
    const id = this.sentences.length;
    if ((id + 1) * SKETCH_SIZE > this.sketches.length) {
      const grown = new Uint32Array(this.sketches.length * 2);
      grown.set(this.sketches);
      this.sketches = grown;
      // Re-point existing views at the new buffer.
      this.sentences.forEach((x, k) => (x.sketch = grown.subarray(k * SKETCH_SIZE, (k + 1) * SKETCH_SIZE)));
    }
    this.sketches.set(l.sketch, id * SKETCH_SIZE);
    this.sentences.push({ ...l, sketch: this.sketches.subarray(id * SKETCH_SIZE, (id + 1) * SKETCH_SIZE) });
    this.refIds.set(refOf(l.seq, l.i), id);
    const list = this.hashes.get(hash);
    if (list === undefined) this.hashes.set(hash, id);
    else if (typeof list === 'number') this.hashes.set(hash, [list, id]);
    else list.push(id);
    for (const h of bandHashes(l.sketch)) this.post(h, id);
  }

  private slotOf(h: number): number {
    const mask = this.slotKey.length - 1;
    let i = (Math.imul(h, 0x9e3779b1) >>> 0) & mask;
    while (this.slotUsed[i] && this.slotKey[i] !== h) i = (i + 1) & mask;
    return i;
  }

  private post(h: number, id: number): void {
    if ((this.slotsUsed + 1) * 2 > this.slotKey.length) this.growSlots();
    if (this.posts >= this.postId.length) {
      const ids = new Uint32Array(this.postId.length * 2);
      ids.set(this.postId);
      this.postId = ids;
      const next = new Int32Array(this.postNext.length * 2);
      next.set(this.postNext);
      this.postNext = next;
    }
    const slot = this.slotOf(h);
    if (!this.slotUsed[slot]) {
      this.slotUsed[slot] = 1;
      this.slotKey[slot] = h;
      this.slotsUsed++;
    }
    const p = this.posts++;
    this.postId[p] = id;
    this.postNext[p] = this.slotHead[slot]!;
    this.slotHead[slot] = p;
    this.slotCount[slot]!++;
  }

  private growSlots(): void {
    this.compact(); // moves every posting into the CSR array, so only per-slot ranges move
    const old = { key: this.slotKey, used: this.slotUsed, count: this.slotCount, start: this.slotStart };
    const size = old.key.length * 2;
    this.slotKey = new Uint32Array(size);
    this.slotUsed = new Uint8Array(size);
    this.slotCount = new Uint32Array(size);
    this.slotStart = new Uint32Array(size);
    this.slotCompacted = new Uint32Array(size);
    this.slotHead = new Int32Array(size).fill(-1);
    for (let i = 0; i < old.key.length; i++) {
      if (!old.used[i]) continue;
      const slot = this.slotOf(old.key[i]!);
      this.slotUsed[slot] = 1;
      this.slotKey[slot] = old.key[i]!;
      this.slotCount[slot] = old.count[i]!;
      this.slotCompacted[slot] = old.count[i]!;
      this.slotStart[slot] = old.start[i]!;
    }
  }

  /** Move all postings into one contiguous array, grouped by slot (cheap: O(postings)). */
  private compact(): void {
    if (this.posts === 0) return;
    const csr = new Uint32Array(this.csr.length + this.posts);
    let at = 0;
    for (let slot = 0; slot < this.slotKey.length; slot++) {
      if (!this.slotUsed[slot]) continue;
      const start = at;
      const old = this.slotCompacted[slot]!;
      csr.set(this.csr.subarray(this.slotStart[slot]!, this.slotStart[slot]! + old), at);
      at += old;
      // The linked list is newest first; append oldest first.
      const fresh: number[] = [];
      for (let p = this.slotHead[slot]!; p !== -1; p = this.postNext[p]!) fresh.push(this.postId[p]!);
      for (let k = fresh.length - 1; k >= 0; k--) csr[at++] = fresh[k]!;
      this.slotStart[slot] = start;
      this.slotCompacted[slot] = at - start;
      this.slotHead[slot] = -1;
    }
    this.csr = csr;
    this.posts = 0;
  }

  private ref(id: number): string {
    const l = this.sentences[id]!;
    return refOf(l.seq, l.i);
  }

  async byHash(hashes: readonly string[]) {
    const map = new Map<string, string[]>();
    for (const h of hashes) {
      const ids = this.hashes.get(h);
      if (ids !== undefined) map.set(h, (typeof ids === 'number' ? [ids] : ids).map((id) => this.ref(id)));
    }
    return map;
  }

  async byBands(sketches: readonly Uint32Array[], limit: number) {
    if (this.posts > this.csr.length / 4) this.compact();
    if (this.scratch.length < this.sentences.length) this.scratch = new Uint16Array(Math.max(this.sentences.length, this.scratch.length * 2));
    const counts = this.scratch;
    const csr = this.csr;
    const touched: number[] = [];
    return sketches.map((s) => {
      touched.length = 0;
      for (const h of bandHashes(s)) {
        const slot = this.slotOf(h);
        if (!this.slotUsed[slot] || this.slotCount[slot]! > this.maxPosting) continue;
        const start = this.slotStart[slot]!;
        const end = start + this.slotCompacted[slot]!;
        for (let p = start; p < end; p++) {
          const id = csr[p]!;
          const c = counts[id]!;
          counts[id] = c + 1;
          if (c === 0) touched.push(id);
        }
        for (let p = this.slotHead[slot]!; p !== -1; p = this.postNext[p]!) {
          const id = this.postId[p]!;
          const c = counts[id]!;
          counts[id] = c + 1;
          if (c === 0) touched.push(id);
        }
      }
      // Top `limit` by shared bands (ties: lower id first, i.e. first logged).
      const top: number[] = [];
      for (const id of touched) {
        const c = counts[id]!;
        if (top.length < limit || c > counts[top[top.length - 1]!]! || (c === counts[top[top.length - 1]!]! && id < top[top.length - 1]!)) {
          let at = top.length < limit ? top.length : top.length - 1;
          top[at] = id;
          while (at > 0 && (counts[top[at - 1]!]! < c || (counts[top[at - 1]!]! === c && top[at - 1]! > id))) {
            [top[at - 1], top[at]] = [top[at]!, top[at - 1]!];
            at--;
          }
        }
      }
      const refs = top.map((id) => this.ref(id));
      for (const id of touched) counts[id] = 0;
      return refs;
    });
  }

  words(ref: string, sentence: LoggedSentence): readonly string[] {
    const id = this.refIds.get(ref);
    if (id === undefined || sentence.text === null) return tokenizeWords(sentence.text ?? '');
    let words = this.tokens.get(id);
    if (!words) {
      if (this.tokens.size >= 50_000) this.tokens.clear();
      words = tokenizeWords(sentence.text);
      this.tokens.set(id, words);
    }
    return words;
  }

  async load(refs: readonly string[]) {
    const out = new Map<string, LoggedSentence>();
    for (const r of refs) {
      const id = this.refIds.get(r);
      if (id !== undefined) out.set(r, this.sentences[id]!);
    }
    return out;
  }
}
