import { isRewriteAction } from '../engine/actions';
import { normalizeSentence } from '../text/normalize';
import { sha256HexSync } from '../text/hash';
import { segmentSentences } from '../text/segment';
import { hasStockPhrase } from '../text/stock-phrases';
import { tokenizeWords, tokenizeWordSpans, type WordSpans } from '../text/tokenize';
import {
  BAND_COUNT,
  SKETCH_SIZE,
  alignWords,
  sharedWordCount,
  bandHashes,
  bandHashesInto,
  keptWordsBySketch,
  shingleCount,
  sketchMayHoldWord,
  sketchCardinality,
  sketchFromHex,
  sketchOf,
  sketchSimilarity,
} from '../text/similarity';
import { charCount } from './audit';
import type { LedgerEntry, ModelInfo } from './types';

/**
 * Attribution: which parts of a text descend from accepted AI suggestions.
 *
 * 1. exact: sha256(normalizeSentence(s)) against the logged sentence hashes;
 * 2. candidates: LSH band keys of the MinHash sketch (word unigrams+bigrams), top-K by shared
 *    bands, the closest few (MinHash estimate) aligned word by word;
 * 3. alignment (`alignWords`): common runs in any order, so a moved clause is not a change;
 * 4. passage level: every logged word is claimed by at most one draft sentence, best match
 *    first, so a sentence split in two gives each half its part, a merged one takes words from
 *    two logged sentences, and a second sentence reusing the AI's frame with new facts gets only
 *    what the first left. A logged word no draft sentence kept counts as deleted from the
 *    sentence nearest to it. Changed share = max(words added, words deleted) / max(lengths);
 * 5. bars: against this document, at most `maxChangedRatio` changed, or a run of
 *    `minPartialRun` AI words in a sentence the writer completed; against another document only
 *    nearly verbatim (`crossDocumentMaxChanged`): stock phrases and frames recur across stories.
 *    Without a document key every logged sentence is judged by the first bar.
 * Privacy-mode entries keep no text: their changed share is estimated from the sketches
 * (`estimated`), and which words are the AI's cannot be shown (the whole sentence is marked).
 * Work is O(sentences × K) candidate alignments, never sentences × entries.
 *
 * 'pasted': no AI entry matches, but a paste into a watched field recorded this sentence
 * (source unknown unless the extension saw it copied; lib/ledger/observed.ts). 'typed': no AI
 * entry and no paste matches, and the writer's own key input wrote most of it while the
 * extension watched the field (lib/ledger/typed.ts). 'not-logged' ("not seen") is not proof of
 * human writing: text that was already there, or written while the extension was off, is never seen.
 */
export type AttributionKind = 'ai-verbatim' | 'ai-edited' | 'ai-rewrite' | 'pasted' | 'typed' | 'not-logged';

export interface AttributionThresholds {
  /** Highest share of words changed still counted as descending from a logged sentence of this document. */
  maxChangedRatio: number;
  /** The same against a sentence logged in another document (stock phrases, reused frames). */
  crossDocumentMaxChanged: number;
  /** Sentences shorter than this (in words) only match exactly. */
  minWordsForFuzzy: number;
  /** Candidates fetched per sentence (highest number of shared LSH bands first). */
  candidatesPerSentence: number;
  /** Of those, how many (most similar by MinHash estimate) get the word alignment. */
  diffsPerSentence: number;
  /** AI words in a row (from this document) that make a sentence the writer completed partly AI. */
  minPartialRun: number;
}

/** Calibrated with lib/ledger/calibration.ts and calibration-newsroom.ts (`npm run calibrate`; README). */
export const DEFAULT_THRESHOLDS: AttributionThresholds = {
  maxChangedRatio: 0.5,
  crossDocumentMaxChanged: 0.05,
  minWordsForFuzzy: 4,
  candidatesPerSentence: 8,
  diffsPerSentence: 3,
  minPartialRun: 6,
};

export interface LoggedSentence {
  seq: number;
  /** Sentence position within the entry. */
  i: number;
  documentKey: string;
  action: LedgerEntry['action'];
  acceptedAt: number;
  model: ModelInfo;
  /** null when logged in privacy mode. */
  text: string | null;
  sketch: Uint32Array;
}

/** UTF-16 offsets into the attributed text. */
export interface TextSpan {
  start: number;
  end: number;
}

export interface SentenceAttribution {
  text: string;
  start: number;
  end: number;
  kind: AttributionKind;
  /** Share of words changed relative to the logged passage (0 for a verbatim match). */
  changedRatio?: number;
  /** True when the logged sentence has no text (privacy mode): the ratio is estimated from sketches. */
  estimated?: boolean;
  match?: Omit<LoggedSentence, 'sketch' | 'text'>;
  /** The AI's words in this sentence as spans of the text (the whole sentence when estimated); empty when not logged. */
  aiSpans: TextSpan[];
  /** Characters (code points) of the sentence that are the AI's; the rest are the writer's. */
  aiCharacters: number;
  /** A pasted sentence whose copy the extension saw: the page it was copied from. */
  pastedFrom?: { url: string; title: string };
}

export interface AttributionResult {
  sentences: SentenceAttribution[];
  counts: Record<AttributionKind, number>;
  /** Number of word alignments done (for scale checks): at most sentences × diffsPerSentence, plus (for sentences without a match) what their two neighbours matched. */
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

/** Candidates whose MinHash estimate is below this are not aligned (see attributeText). */
const MIN_SKETCH_SIMILARITY = 4 / 64;
/** A privacy-mode logged sentence this much inside one draft sentence is that sentence's alone. */
const PRIVACY_OWNED = 0.8;
/** Privacy mode: share of a logged sentence lost above which new names and numbers make a reused frame. */
const PRIVACY_FRAME_LOSS = 0.15;

function kindFor(action: LedgerEntry['action'], edited: boolean): AttributionKind {
  if (isRewriteAction(action)) return 'ai-rewrite';
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

/** One draft sentence aligned with one logged sentence. */
interface Pair {
  idx: number;
  ref: string;
  l: LoggedSentence;
  /** Other document than the query's (strict bar). */
  cross: boolean;
  /** Text mode: draft word → logged word (-1 none), and the logged sentence's length. */
  map?: Int32Array;
  srcLen: number;
  /** Draft words from this logged sentence (estimated in privacy mode). */
  covered: number;
  /** Privacy mode: draft words the logged sketch probably holds (`keptWordsBySketch`); `srcLen` is estimated. */
  kept?: Uint8Array;
}

/** Words added (draft words not aligned), the aligned logged words' extent, and the longest aligned run. */
function alignmentStats(map: Int32Array) {
  let covered = 0;
  let lo = Infinity;
  let hi = -1;
  let longest = 0;
  let run = 0;
  for (let i = 0; i < map.length; i++) {
    const j = map[i]!;
    if (j < 0) {
      run = 0;
      continue;
    }
    covered++;
    if (j < lo) lo = j;
    if (j > hi) hi = j;
    run = i > 0 && map[i - 1] === j - 1 ? run + 1 : 1;
    if (run > longest) longest = run;
  }
  return { covered, added: map.length - covered, region: hi >= lo ? hi - lo + 1 : 0, longest };
}

/**
 * Words as numbers for alignment, one table for every audit (a newsroom's vocabulary is bounded),
 * and each logged sentence's numbers kept with it while it lives (the in-memory index keeps its
 * sentences): an audit of 5,000 sentences would otherwise re-tokenise and re-number its thousands
 * of candidates every time.
 */
const WORD_IDS = new Map<string, number>();
let internedSources = new WeakMap<LoggedSentence, Int32Array>();
/** Past this many distinct words (pasted noise, not a vocabulary) the table starts over, between audits. */
const MAX_WORD_IDS = 500_000;
function intern(words: readonly string[]): Int32Array {
  const a = new Int32Array(words.length);
  for (let k = 0; k < words.length; k++) {
    let id = WORD_IDS.get(words[k]!);
    if (id === undefined) WORD_IDS.set(words[k]!, (id = WORD_IDS.size));
    a[k] = id;
  }
  return a;
}

/**
 * The fewest aligned words with which `clearsBar` can pass: added words = draft words − aligned
 * must stay within the bar's share of the longer side (the aligned extent is never longer than
 * the logged sentence), or, in the same document, a completed sentence's run of minPartialRun.
 */
function wordsNeeded(draftWords: number, loggedWords: number, cross: boolean, t: AttributionThresholds): number {
  const longer = Math.max(draftWords, loggedWords);
  if (cross) return Math.max(1, Math.ceil(draftWords - t.crossDocumentMaxChanged * longer - 1e-9));
  return Math.max(1, Math.min(t.minPartialRun, Math.ceil(draftWords - t.maxChangedRatio * longer - 1e-9)));
}

/** Whether a (possibly partly claimed) alignment clears its bar, judged on its own: its aligned words, or 0. */
function clearsBar(p: Pair, map: Int32Array, t: AttributionThresholds): number {
  const s = alignmentStats(map);
  if (s.covered === 0) return 0;
  if (p.cross) {
    const deleted = p.srcLen - s.covered;
    return Math.max(s.added, deleted) / Math.max(map.length, p.srcLen) <= t.crossDocumentMaxChanged ? s.covered : 0;
  }
  // Logged words outside the aligned extent may sit in another draft sentence (a split): only the
  // gaps inside it count here; the passage step charges the rest.
  const deletedInside = s.region - s.covered;
  if (Math.max(s.added, deletedInside) / Math.max(map.length, s.region) <= t.maxChangedRatio) return s.covered;
  return s.longest >= t.minPartialRun && deletedInside <= 0.25 * s.region ? s.covered : 0;
}

/** Kept words, the longest run of them and how many runs (in draft order). */
function keptStats(kept: Uint8Array) {
  let covered = 0;
  let longest = 0;
  let runs = 0;
  let run = 0;
  for (let i = 0; i < kept.length; i++) {
    if (!kept[i]) {
      run = 0;
      continue;
    }
    covered++;
    if (run === 0) runs++;
    run++;
    if (run > longest) longest = run;
  }
  return { covered, longest, runs };
}

/**
 * Privacy mode: the draft words a logged sketch holds, and how long the logged sentence was.
 * Its shingle count is the mean of two estimates: from the sketch's minima
 * (`sketchCardinality`), and from the Jaccard estimate with the shingles both share.
 */
function privacyPair(words: readonly string[], sketch: Uint32Array, similarity: number) {
  const kept = keptWordsBySketch(words, sketch);
  const k = keptStats(kept);
  const byMinima = sketchCardinality(sketch);
  let shingles = byMinima;
  // From the Jaccard estimate only when it is large: small ones are too noisy to subtract from.
  if (similarity >= 0.5) {
    const shared = new Set(keptShingles(words, kept)).size;
    shingles = (byMinima + Math.max(shared, (shared * (1 + similarity)) / similarity - shingleCount(words))) / 2;
  }
  return { kept, ...k, srcWords: Math.max(1, (shingles + 1) / 2) };
}

/** Privacy mode: the shingles of the kept words, per word (its bigrams with kept neighbours, or itself alone). */
function keptShingles(words: readonly string[], kept: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (!kept[i]) continue;
    out.push(`1:${words[i]}`);
    if (kept[i + 1]) out.push(`2:${words[i]} ${words[i + 1]}`);
  }
  return out;
}

/** Privacy mode: whether kept words (`stats`) of a draft sentence of `words` words clear the bar. */
function privacyClears(stats: ReturnType<typeof keptStats>, words: number, srcWords: number, cross: boolean, t: AttributionThresholds): boolean {
  if (stats.covered === 0) return false;
  const added = words - stats.covered;
  if (cross) return Math.max(added, srcWords - stats.covered) / Math.max(words, srcWords) <= t.crossDocumentMaxChanged;
  // Most of the sentence from it (the rest of it may be in another sentence: a split), or a run
  // of AI words holding most of it (a sentence the writer completed).
  return added / words <= t.maxChangedRatio || (stats.longest >= t.minPartialRun && stats.covered / srcWords >= 0.75);
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
  const documentKey = options.documentKey;
  const allowed = (l: LoggedSentence | undefined): l is LoggedSentence => !!l && (!options.onlyDocument || l.documentKey === documentKey);
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
  const out: SentenceAttribution[] = prepared.map((p) => ({ text: p.text, start: p.start, end: p.end, kind: 'not-logged', aiSpans: [], aiCharacters: 0 }));
  let scored = 0;

  // 1. Exact matches: the whole sentence is the AI's, and the logged sentence is used up.
  const byHash = await source.byHash([...new Set(prepared.map((p) => p.hash))]);
  const exactRefs = [...new Set([...byHash.values()].flat())];
  const exactLoaded = await source.load(exactRefs);
  const pending: number[] = [];
  const exactOwner = new Map<string, number>();
  prepared.forEach((p, idx) => {
    let best: { ref: string; l: LoggedSentence } | undefined;
    for (const ref of byHash.get(p.hash) ?? []) {
      const l = exactLoaded.get(ref);
      if (allowed(l) && (!best || better(l, best.l, documentKey))) best = { ref, l };
    }
    if (best) {
      out[idx] = { ...out[idx]!, kind: kindFor(best.l.action, false), changedRatio: 0, match: matchInfo(best.l), aiSpans: [{ start: p.start, end: p.end }], aiCharacters: charCount(p.text) };
      if (!exactOwner.has(best.ref)) exactOwner.set(best.ref, idx);
    } else if (p.words.length >= t.minWordsForFuzzy) pending.push(idx);
  });
  lap('exact');
  if (!pending.length) return finish(out, scored);

  // 2. Candidates by shared LSH bands, top-K per sentence; the closest few by MinHash estimate.
  const sketches = pending.map((idx) => sketchOf(prepared[idx]!.words));
  lap('sketch');
  const chosen = await source.byBands(sketches, t.candidatesPerSentence);
  lap('bands');
  const loaded = await source.load([...new Set(chosen.flat())]);
  lap('load');

  // 3. Align each with its closest candidates (words as interned numbers).
  if (WORD_IDS.size > MAX_WORD_IDS) {
    WORD_IDS.clear();
    internedSources = new WeakMap();
  }
  const sketchOfIdx = new Map<number, Uint32Array>();
  pending.forEach((idx, k) => sketchOfIdx.set(idx, sketches[k]!));
  const draftIds = new Map<number, Int32Array>();
  const sourceIds = new Map<string, Int32Array>();
  const pairsOf = new Map<number, Pair[]>();
  /** Refs aligned with each draft sentence so far. */
  const tried = new Map<number, string[]>();
  /** Align draft sentence `idx` with one logged sentence; keep the pair when it clears its bar on its own. */
  const tryPair = (idx: number, ref: string, l: LoggedSentence, similarity: number) => {
    const done = tried.get(idx);
    if (done?.includes(ref)) return;
    if (done) done.push(ref);
    else tried.set(idx, [ref]);
    const p = prepared[idx]!;
    const cross = documentKey !== undefined && l.documentKey !== documentKey;
    let pair: Pair;
    if (l.text === null) {
      const e = privacyPair(p.words, l.sketch, similarity);
      if (!privacyClears(e, p.words.length, e.srcWords, cross, t)) return;
      pair = { idx, ref, l, cross, srcLen: e.srcWords, covered: e.covered, kept: e.kept };
    } else {
      let ids = draftIds.get(idx);
      if (!ids) draftIds.set(idx, (ids = intern(p.words)));
      let src = sourceIds.get(ref) ?? internedSources.get(l);
      if (!src) {
        src = intern(source.words?.(ref, l) ?? tokenizeWords(l.text));
        internedSources.set(l, src);
      }
      sourceIds.set(ref, src);
      // No alignment can keep more words than the two share: skip pairs that could not clear their bar.
      if (sharedWordCount(ids, src) < wordsNeeded(ids.length, src.length, cross, t)) return;
      const map = alignWords(ids, src);
      scored++;
      pair = { idx, ref, l, cross, map, srcLen: src.length, covered: 0 };
      const covered = clearsBar(pair, map, t);
      if (!covered) return;
      pair.covered = covered;
    }
    pairs.push(pair);
    const list = pairsOf.get(idx);
    if (list) list.push(pair);
    else pairsOf.set(idx, [pair]);
  };
  const pairs: Pair[] = [];
  const ranked: { ref: string; l: LoggedSentence; similarity: number }[] = [];
  pending.forEach((idx, k) => {
    ranked.length = 0;
    for (const ref of chosen[k] ?? []) {
      const l = loaded.get(ref);
      if (!allowed(l)) continue;
      const similarity = sketchSimilarity(sketches[k]!, l.sketch);
      // Below ~4 of 64 agreeing MinHash values the shingle sets are near-disjoint: even half of
      // a split sentence keeps far more (estimated Jaccard ≈ 0.4), so skip the alignment.
      if (similarity < MIN_SKETCH_SIMILARITY) continue;
      let at = ranked.length;
      while (at > 0 && ranked[at - 1]!.similarity < similarity) at--;
      if (at >= t.diffsPerSentence) continue;
      ranked.splice(at, 0, { ref, l, similarity });
      if (ranked.length > t.diffsPerSentence) ranked.pop();
    }
    for (const { ref, l, similarity } of ranked) tryPair(idx, ref, l, similarity);
  });
  // A short piece of a split sentence can miss the band index: try what its neighbours matched.
  const firstPass = new Map([...pairsOf].map(([idx, list]) => [idx, [...list]]));
  for (const idx of pending) {
    if (firstPass.has(idx)) continue;
    for (const n of [idx - 1, idx + 1]) {
      for (const np of firstPass.get(n) ?? []) {
        const similarity = sketchSimilarity(sketchOfIdx.get(idx)!, np.l.sketch);
        if (similarity >= MIN_SKETCH_SIMILARITY) tryPair(idx, np.ref, np.l, similarity);
      }
    }
  }
  lap('align');

  // 4. Passage level: best alignments claim their logged words first.
  pairs.sort((a, b) => b.covered - a.covered || (better(a.l, b.l, documentKey) ? -1 : 1));
  const claims = new Map<string, Int32Array>();
  const claimOf = (pair: Pair) => {
    let c = claims.get(pair.ref);
    if (!c) {
      c = new Int32Array(pair.srcLen).fill(exactOwner.get(pair.ref) ?? -1);
      claims.set(pair.ref, c);
    }
    return c;
  };
  const draftCovered = new Map<number, Uint8Array>();
  const accepted = new Map<number, Pair[]>();
  const privacyClaims = new Map<string, Pair[]>();
  const privacyTaken = new Map<string, Set<string>>();
  for (const pair of pairs) {
    const mine = accepted.get(pair.idx);
    if (!pair.map) {
      // Privacy mode: the logged words' places are unknown, so a logged sentence is shared by
      // the draft sentences it matches (a split) unless one holds almost all of it (or it
      // matched exactly); each draft word still counts once.
      if (mine?.some((m) => m.map) || exactOwner.has(pair.ref)) continue;
      const others = privacyClaims.get(pair.ref) ?? [];
      if (others.some((o) => o.covered / o.srcLen >= PRIVACY_OWNED)) continue;
      // The logged words another sentence took, known by their shingles (a word with its kept neighbours).
      const taken = privacyTaken.get(pair.ref) ?? new Set<string>();
      const words = prepared[pair.idx]!.words;
      const covered = draftCovered.get(pair.idx) ?? new Uint8Array(words.length);
      const free = pair.kept!.map((k, i) => {
        if (!k || covered[i]) return 0;
        const alone = !pair.kept![i - 1] && !pair.kept![i + 1];
        const fresh =
          (alone && !taken.has(`1:${words[i]}`)) ||
          (!!pair.kept![i - 1] && !taken.has(`2:${words[i - 1]} ${words[i]}`)) ||
          (!!pair.kept![i + 1] && !taken.has(`2:${words[i]} ${words[i + 1]}`));
        return fresh ? 1 : 0;
      });
      const stats = keptStats(free);
      // A second source of a merged sentence brings a run of its own.
      if (mine?.length ? stats.covered < 3 || stats.longest < 3 : !privacyClears(stats, words.length, pair.srcLen, pair.cross, t)) continue;
      free.forEach((k, i) => k && (covered[i] = 1));
      for (const sh of keptShingles(words, free)) taken.add(sh);
      privacyTaken.set(pair.ref, taken);
      draftCovered.set(pair.idx, covered);
      const kept = { ...pair, kept: free, covered: stats.covered };
      privacyClaims.set(pair.ref, [...others, kept]);
      accepted.set(pair.idx, [...(mine ?? []), kept]);
      continue;
    }
    if (mine?.some((m) => !m.map)) continue;
    const claimed = claimOf(pair);
    const covered = draftCovered.get(pair.idx) ?? new Uint8Array(pair.map.length);
    const free = pair.map.map((j, i) => (j >= 0 && claimed[j] === -1 && covered[i] === 0 ? j : -1));
    const freeCovered = clearsBar(pair, free, t);
    if (!freeCovered) continue;
    free.forEach((j, i) => {
      if (j < 0) return;
      claimed[j] = pair.idx;
      covered[i] = 1;
    });
    draftCovered.set(pair.idx, covered);
    accepted.set(pair.idx, [...(mine ?? []), { ...pair, map: free, covered: freeCovered }]);
  }

  // Logged words no sentence kept: deleted from the sentence that claimed the nearest word.
  const deleted = new Map<number, number>();
  const claimedCount = new Map<number, number>();
  /** Per logged sentence: which draft sentence each of its words went to, kept or deleted. */
  const ownerOf = new Map<string, Int32Array>();
  for (const [ref, claimed] of claims) {
    const owners = new Int32Array(claimed.length);
    for (let j = 0; j < claimed.length; j++) {
      let owner = claimed[j]!;
      if (owner >= 0) {
        claimedCount.set(owner, (claimedCount.get(owner) ?? 0) + 1);
        owners[j] = owner;
        continue;
      }
      for (let d = 1; owner < 0 && (j - d >= 0 || j + d < claimed.length); d++) {
        if (j - d >= 0 && claimed[j - d]! >= 0) owner = claimed[j - d]!;
        else if (j + d < claimed.length && claimed[j + d]! >= 0) owner = claimed[j + d]!;
      }
      owners[j] = owner;
      if (owner >= 0) deleted.set(owner, (deleted.get(owner) ?? 0) + 1);
    }
    ownerOf.set(ref, owners);
  }
  // Privacy mode: what of the logged sentence all its claimants together did not keep.
  // "ref|idx" → the words lost and the share of the logged sentence that go to that draft sentence.
  const privacyShare = new Map<string, { deleted: number; srcWords: number }>();
  for (const [ref, group] of privacyClaims) {
    const srcWords = group.reduce((n, g) => Math.max(n, g.srcLen), 0);
    const kept = group.reduce((n, g) => n + g.covered, 0);
    const lost = Math.max(0, srcWords - kept);
    for (const g of group) privacyShare.set(`${ref}|${g.idx}`, { deleted: (lost * g.covered) / kept, srcWords: (srcWords * g.covered) / kept });
  }

  // 5. Each sentence's changed share, bar and AI spans.
  for (const [idx, list] of accepted) {
    const p = prepared[idx]!;
    const primary = list.reduce((a, b) => (b.covered > a.covered ? b : a));
    const sameDocument = list.some((x) => !x.cross);
    const estimated = !primary.map;
    let changed: number;
    let partial = false;
    const covered = draftCovered.get(idx)!;
    const wordSpans = tokenizeWordSpans(p.text);
    let coveredCount = 0;
    for (const c of covered) coveredCount += c;
    if (estimated) {
      let del = 0;
      let srcWords = 0;
      for (const x of list) {
        const share = privacyShare.get(`${x.ref}|${idx}`)!;
        del += share.deleted;
        srcWords += share.srcWords;
      }
      changed = Math.max(p.words.length - coveredCount, del) / Math.max(p.words.length, srcWords);
      partial = list.some((x) => !x.cross && keptStats(x.kept!).longest >= t.minPartialRun && x.covered / x.srcLen >= 0.75);
      const lostShare = del / Math.max(1, srcWords);
      if (changed > 0 && hasStockPhrase(p.words) && lostShare > t.crossDocumentMaxChanged) continue;
      // A frame loses words (its old facts); AI words the writer only added to do not.
      if (changed > 0 && lostShare > PRIVACY_FRAME_LOSS && newFactsByDraft(p.text, wordSpans, list)) continue;
    } else {
      const del = deleted.get(idx) ?? 0;
      const srcWords = (claimedCount.get(idx) ?? 0) + del;
      changed = Math.max(p.words.length - coveredCount, del) / Math.max(p.words.length, srcWords);
      partial = list.some((x) => !x.cross && alignmentStats(x.map!).longest >= t.minPartialRun);
      // A stock phrase counts only with the logged sentence nearly whole (see stock-phrases.ts).
      const stock = list.some((x) => hasStockPhrase(source.words?.(x.ref, x.l) ?? tokenizeWords(x.l.text!)));
      if (changed > 0 && stock && del / Math.max(1, srcWords) > t.crossDocumentMaxChanged) continue;
      if (changed > 0 && newFactsInOldFrame(p.text, wordSpans, covered, list, idx, claims, ownerOf)) continue;
    }
    const bar = sameDocument ? t.maxChangedRatio : t.crossDocumentMaxChanged;
    if (changed > bar && !partial) continue;
    const base = { ...out[idx]!, kind: kindFor(primary.l.action, true), changedRatio: Math.min(1, changed), match: matchInfo(primary.l) };
    const aiSpans = spansOf(p, covered, wordSpans);
    out[idx] = {
      ...base,
      ...(estimated ? { estimated: true } : {}),
      aiSpans,
      aiCharacters: aiSpans.reduce((n, span) => n + charCount(text.slice(span.start, span.end)), 0),
    };
  }
  lap('passage');
  return finish(out, scored);
}

/** A name or a number: capitalised past the first word, or with a digit. */
function factFlags(text: string, w: WordSpans = tokenizeWordSpans(text)): boolean[] {
  return w.starts.map((start, k) => /\p{N}/u.test(w.words[k]!) || (k > 0 && /^\p{Lu}/u.test(text.slice(start, w.ends[k]))));
}

/**
 * The AI's sentence pattern reused with new facts ("The council voted 7-2 on Tuesday to approve
 * the budget" → "The board voted 5-4 on Monday to approve the contract", "X did not immediately
 * respond to a request for comment"): the logged sentence's names and numbers that went to this
 * sentence are mostly gone, and new ones came in. An edit keeps the facts; a frame replaces them.
 */
function newFactsInOldFrame(
  text: string,
  spans: WordSpans,
  covered: Uint8Array,
  list: readonly Pair[],
  idx: number,
  claims: Map<string, Int32Array>,
  ownerOf: Map<string, Int32Array>,
): boolean {
  // Facts compared as words: a name or number the writer only moved is neither new nor lost.
  const draftFacts = factFlags(text, spans);
  if (!draftFacts.some((fact, i) => fact && !covered[i])) return false;
  const draftWords = spans.words;
  const sourceWords = new Set(list.flatMap((x) => tokenizeWords(x.l.text!)));
  let added = 0;
  for (let i = 0; i < covered.length; i++) if (!covered[i] && draftFacts[i] && !sourceWords.has(draftWords[i]!)) added++;
  if (added === 0) return false;
  const inDraft = new Set(draftWords);
  let kept = 0;
  let lost = 0;
  for (const x of list) {
    const facts = factFlags(x.l.text!);
    const words = tokenizeWords(x.l.text!);
    const claimed = claims.get(x.ref)!;
    const owners = ownerOf.get(x.ref)!;
    for (let j = 0; j < facts.length; j++) {
      if (!facts[j] || owners[j] !== idx) continue;
      if (claimed[j] === idx || inDraft.has(words[j]!)) kept++;
      else lost++;
    }
  }
  return lost > 0 && lost >= kept;
}

/**
 * Privacy mode's view of a reused frame: the logged sentence's facts are unknown, but new ones
 * are not (a fact word the sketch proves absent). As many new as kept: a frame.
 */
function newFactsByDraft(text: string, spans: WordSpans, list: readonly Pair[]): boolean {
  const words = spans.words;
  const facts = factFlags(text, spans);
  let added = 0;
  let still = 0;
  for (let i = 0; i < words.length; i++) {
    if (!facts[i]) continue;
    // New only where no matched sketch may hold it (a moved name is not a new one).
    if (list.some((x) => sketchMayHoldWord(x.l.sketch, words[i]!))) still++;
    else added++;
  }
  return added > 0 && added >= still;
}

/** Covered words as character spans (runs of covered words with what lies between them; a covered first or last word reaches the sentence's edge, so its punctuation goes with it). */
function spansOf(p: { text: string; start: number; end: number }, covered: Uint8Array, w: WordSpans): TextSpan[] {
  const out: TextSpan[] = [];
  for (let i = 0; i < covered.length; i++) {
    if (!covered[i]) continue;
    let j = i;
    while (j + 1 < covered.length && covered[j + 1]) j++;
    out.push({ start: p.start + (i === 0 ? 0 : w.starts[i]!), end: p.start + (j === covered.length - 1 ? p.text.length : w.ends[j]!) });
    i = j;
  }
  return out;
}

export function finish(sentences: SentenceAttribution[], scored: number): AttributionResult {
  const counts: Record<AttributionKind, number> = { 'ai-verbatim': 0, 'ai-edited': 0, 'ai-rewrite': 0, pasted: 0, typed: 0, 'not-logged': 0 };
  for (const s of sentences) counts[s.kind]++;
  return { sentences, counts, scored };
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
