import { REWRITE_ACTIONS, type ActionId } from '../engine/actions';
import { normalizeSentence } from '../text/normalize';
import { sha256HexSync } from '../text/hash';
import { segmentSentences } from '../text/segment';
import { tokenizeWords } from '../text/tokenize';
import { BAND_COUNT, SKETCH_SIZE, bandHashes, bandHashesInto, sketchFromHex, sketchOf, sketchSimilarity, wordEditRatio } from '../text/similarity';
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
    /** Match only sentences logged in `documentKey` (what a web page may be told). */
    onlyDocument?: boolean;
    locale?: string;
    thresholds?: Partial<AttributionThresholds>;
    /** Filled with milliseconds per phase when given (benchmarks). */
    timings?: Record<string, number>;
  } = {},
): Promise<AttributionResult> {
  const t = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const allowed = (l: LoggedSentence | undefined): l is LoggedSentence => !!l && (!options.onlyDocument || l.documentKey === options.documentKey);
  let clock = performance.now();
  const lap = (phase: string) => {
    if (!options.timings) return;
    const now = performance.now();
    options.timings[phase] = (options.timings[phase] ?? 0) + (now - clock);
    clock = now;
  };
  const spans = segmentSentences(text, options.locale);
  lap('segment');
  const prepared = spans.map((s) => ({ ...s, hash: sha256HexSync(normalizeSentence(s.text)), words: tokenizeWords(s.text) }));
  lap('hash+tokenize');
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
      if (allowed(l) && (!best || better(l, best, options.documentKey))) best = l;
    }
    if (best) out[idx] = { ...out[idx]!, kind: kindFor(best.action, false), changedRatio: 0, match: matchInfo(best) };
    else if (p.words.length >= t.minWordsForFuzzy) pending.push(idx);
  });
  lap('exact');

  // 2. Candidates by shared LSH bands, top-K per sentence. Only sentences without an exact match need a sketch.
  if (pending.length) {
    const sketches = pending.map((idx) => sketchOf(prepared[idx]!.words));
    lap('sketch');
    const chosen = await source.byBands(sketches, t.candidatesPerSentence);
    lap('bands');
    const loaded = await source.load([...new Set(chosen.flat())]);
    lap('load');

    // 3. Rank by the MinHash estimate (cheap), then score the closest few with the word-level edit ratio.
    const ranked: { ref: string; l: LoggedSentence; similarity: number }[] = [];
    pending.forEach((idx, k) => {
      const p = prepared[idx]!;
      let best: { l: LoggedSentence; ratio: number; estimated: boolean } | undefined;
      ranked.length = 0;
      for (const ref of chosen[k] ?? []) {
        const l = loaded.get(ref);
        if (!allowed(l)) continue;
        const similarity = sketchSimilarity(sketches[k]!, l.sketch);
        // Below ~4 of 64 agreeing MinHash values the shingle sets are near-disjoint: a sentence with at
        // most half its words changed keeps far more (estimated Jaccard ≈ 0.2 at 50%), so skip the diff.
        if (similarity < MIN_SKETCH_SIMILARITY) continue;
        // Keep the `diffsPerSentence` most similar, most similar first (ties: band order).
        let at = ranked.length;
        while (at > 0 && ranked[at - 1]!.similarity < similarity) at--;
        if (at >= t.diffsPerSentence) continue;
        ranked.splice(at, 0, { ref, l, similarity });
        if (ranked.length > t.diffsPerSentence) ranked.pop();
      }
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
  /** "seq:i" per sentence id (built once, not per query). */
  private readonly refs: string[] = [];
  private readonly hashes = new Map<string, number | number[]>();
  private sketches = new Uint32Array(SKETCH_SIZE * 1024);
  // Band table: open addressing on the 32-bit band hash, one packed row per slot (one cache line
  // per probe): [key, count (0 = empty), start of its compacted range in `csr`, head of the linked
  // list of postings added since the last compaction (-1 = none)].
  private table = MemoryIndex.emptyTable(1 << 16);
  private slotsUsed = 0;
  private csr = new Uint32Array(0);
  private postId = new Uint32Array(1 << 16);
  private postNext = new Int32Array(1 << 16);
  private posts = 0;
  // Query scratch: counts by sentence id.
  private scratch = new Uint16Array(1024);
  /** Word tokens of sentences that were candidates once (bounded: cleared when it grows past 50,000). */
  private readonly tokens = new Map<number, readonly string[]>();

  /** Seqs of withdrawn acceptances: their sentences stay in the tables but are never loaded. */
  private readonly withdrawn = new Set<number>();

  /** Band keys with more postings than this are skipped at query time (see above). */
  constructor(public maxPosting = 64) {}

  get size() {
    return this.sentences.length;
  }

  async addEntry(e: LedgerEntry): Promise<void> {
    this.add(e);
  }

  /** Add every sentence of a ledger entry (synchronous); a withdrawal retires its acceptance's. */
  add(e: LedgerEntry): void {
    if (e.withdraws) this.withdrawn.add(e.withdraws.seq);
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
    const ref = refOf(l.seq, l.i);
    this.refs.push(ref);
    this.refIds.set(ref, id);
    const list = this.hashes.get(hash);
    if (list === undefined) this.hashes.set(hash, id);
    else if (typeof list === 'number') this.hashes.set(hash, [list, id]);
    else list.push(id);
    for (const h of bandHashes(l.sketch)) this.post(h, id);
  }

  private static emptyTable(slots: number): Int32Array {
    const t = new Int32Array(slots * 4);
    for (let i = 3; i < t.length; i += 4) t[i] = -1;
    return t;
  }

  /** Row offset (slot × 4) of band hash `h`: its row, or the empty row where it would go. */
  private rowOf(h: number): number {
    const t = this.table;
    const mask = (t.length >> 2) - 1;
    const key = h | 0;
    let i = (Math.imul(h, 0x9e3779b1) >>> 0) & mask;
    while (t[i * 4 + 1] !== 0 && t[i * 4] !== key) i = (i + 1) & mask;
    return i * 4;
  }

  private post(h: number, id: number): void {
    if ((this.slotsUsed + 1) * 4 > (this.table.length >> 2) * 3) this.growSlots(); // load ≤ 0.75
    if (this.posts >= this.postId.length) {
      const ids = new Uint32Array(this.postId.length * 2);
      ids.set(this.postId);
      this.postId = ids;
      const next = new Int32Array(this.postNext.length * 2);
      next.set(this.postNext);
      this.postNext = next;
    }
    const row = this.rowOf(h);
    const t = this.table;
    if (t[row + 1] === 0) {
      t[row] = h | 0;
      this.slotsUsed++;
    }
    const p = this.posts++;
    this.postId[p] = id;
    this.postNext[p] = t[row + 3]!;
    t[row + 3] = p;
    t[row + 1]!++;
  }

  private growSlots(): void {
    this.compact(); // every posting into the CSR array: only [key, count, start] move
    const old = this.table;
    this.table = MemoryIndex.emptyTable((old.length >> 2) * 2);
    for (let r = 0; r < old.length; r += 4) {
      if (old[r + 1] === 0) continue;
      const row = this.rowOf(old[r]! >>> 0);
      this.table[row] = old[r]!;
      this.table[row + 1] = old[r + 1]!;
      this.table[row + 2] = old[r + 2]!;
    }
  }

  /** Move all postings into one contiguous array, grouped by slot (O(postings)). */
  private compact(): void {
    if (this.posts === 0) return;
    const t = this.table;
    const csr = new Uint32Array(this.csr.length + this.posts);
    let at = 0;
    const fresh: number[] = [];
    for (let row = 0; row < t.length; row += 4) {
      const count = t[row + 1]!;
      if (count === 0) continue;
      fresh.length = 0;
      for (let p = t[row + 3]!; p !== -1; p = this.postNext[p]!) fresh.push(this.postId[p]!);
      const start = at;
      const old = count - fresh.length;
      csr.set(this.csr.subarray(t[row + 2]!, t[row + 2]! + old), at);
      at += old;
      // The linked list is newest first; append oldest first.
      for (let k = fresh.length - 1; k >= 0; k--) csr[at++] = fresh[k]!;
      t[row + 2] = start;
      t[row + 3] = -1;
    }
    this.csr = csr;
    this.posts = 0;
  }

  private ref(id: number): string {
    return this.refs[id]!;
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
    // Postings added since the last compaction sit in linked lists (a cache miss each): fold them in
    // once they are more than a few percent of the index (amortised O(1) per posting).
    if (this.posts > this.csr.length / 32) this.compact();
    if (this.scratch.length < this.sentences.length) this.scratch = new Uint16Array(Math.max(this.sentences.length, this.scratch.length * 2));
    const counts = this.scratch;
    const csr = this.csr;
    const t = this.table;
    const touched: number[] = [];
    const bands = new Uint32Array(BAND_COUNT);
    return sketches.map((s) => {
      touched.length = 0;
      const bandCount = bandHashesInto(s, bands);
      for (let b = 0; b < bandCount; b++) {
        const row = this.rowOf(bands[b]!);
        const count = t[row + 1]!;
        if (count === 0 || count > this.maxPosting) continue;
        let fresh = 0;
        for (let p = t[row + 3]!; p !== -1; p = this.postNext[p]!) {
          const id = this.postId[p]!;
          const c = counts[id]!;
          counts[id] = c + 1;
          if (c === 0) touched.push(id);
          fresh++;
        }
        const start = t[row + 2]!;
        const end = start + count - fresh;
        for (let p = start; p < end; p++) {
          const id = csr[p]!;
          const c = counts[id]!;
          counts[id] = c + 1;
          if (c === 0) touched.push(id);
        }
      }
      // Top `limit` by shared bands (ties: lower id first, i.e. first logged). `floorCount`/`floorId`
      // describe the last kept one once `top` is full: anything not above it is skipped in one test.
      const top: number[] = [];
      let floorCount = 0;
      let floorId = 0;
      for (const id of touched) {
        const c = counts[id]!;
        if (top.length >= limit && (c < floorCount || (c === floorCount && id > floorId))) continue;
        let at = top.length < limit ? top.length : top.length - 1;
        top[at] = id;
        while (at > 0 && (counts[top[at - 1]!]! < c || (counts[top[at - 1]!]! === c && top[at - 1]! > id))) {
          [top[at - 1], top[at]] = [top[at]!, top[at - 1]!];
          at--;
        }
        if (top.length >= limit) {
          floorId = top[top.length - 1]!;
          floorCount = counts[floorId]!;
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
      const sentence = id === undefined ? undefined : this.sentences[id]!;
      if (sentence && !this.withdrawn.has(sentence.seq)) out.set(r, sentence);
    }
    return out;
  }
}
