import type { ActionId } from '../engine/actions';

/** What the background receives when a writer accepts a suggestion. */
export interface AcceptanceInput {
  /** `path` may carry query and hash: the ledger keeps what names the story (document-key.ts). */
  document: { origin: string; path: string; fieldId: string };
  pageTitle: string;
  action: ActionId;
  model: ModelInfo;
  /** Epoch ms. */
  suggestedAt: number;
  acceptedAt: number;
  /** The writer's text that a rewrite replaced, else null. */
  originalText: string | null;
  /** The full variant shown. */
  suggestedText: string;
  /** What was actually inserted (a whole variant or one sentence of it). */
  insertedText: string;
  extensionVersion: string;
}

/**
 * Why an accepted suggestion was taken back:
 *  - 'undone': the writer undid the insertion right after accepting (Ctrl+Z);
 *  - 'deleted': the writer deleted the inserted text before moving on;
 *  - 'not-inserted': the record was written first and the insertion then did not happen (the
 *    editor refused it, the field changed or left the page).
 */
export type WithdrawalReason = 'undone' | 'deleted' | 'not-inserted';

/** What a withdrawal entry points at: the acceptance it takes back, by position and hash. */
export interface WithdrawalRef {
  seq: number;
  hash: string;
  reason: WithdrawalReason;
}

/**
 * Why acceptances were refiled under another document: the writer merged two documents that are
 * one story, split off entries that belong to another story, or refiled entries the earlier
 * key rule (which dropped the query and route) had filed under one page-wide document.
 */
export type MoveReason = 'merge' | 'split' | 'refile';

/**
 * What a move entry carries. A move is two entries appended together: 'out' filed under the
 * document the acceptances leave, 'in' under the one they join, each naming the other (`peer`).
 * The moved entries keep their own signed documentKey; where they count is the latest move.
 */
export interface MoveRef {
  direction: 'out' | 'in';
  peer: string;
  entries: { seq: number; hash: string }[];
  reason: MoveReason;
}

/** What an editor decided about one AI sentence in a review. */
export type ReviewOutcome = 'kept' | 'amended' | 'rejected';

/**
 * A human review of a document's AI text (EU AI Act Art. 50(4): a deliberate check for accuracy,
 * plausibility and sources, with the power to amend or reject). It names the exact sentences it
 * saw by their normalised hash, so a sentence changed afterwards is no longer covered.
 */
export interface ReviewRef {
  reviewer: { name: string; role: string };
  /** SHA-256 of the whole text the reviewer saw. */
  textHash: string;
  /** Every AI sentence of that text, with the reviewer's decision. */
  sentences: { hash: string; outcome: ReviewOutcome }[];
  note: string;
}

/**
 * What a paste entry records: text the writer pasted into a watched field (source unknown). The
 * sentences are named by their normalised hash, as logged sentences are; texts are null in
 * privacy mode.
 */
export interface PasteRef {
  /** SHA-256 of the exact pasted text (kept in privacy mode). */
  textHash: string;
  /** The pasted text; null in privacy mode. */
  text: string | null;
  sentences: { hash: string; text: string | null }[];
  /**
   * The page the text was copied from, when the extension saw that copy (a trusted copy event on
   * a page it runs on, with the same text); absent when the source is unknown. In privacy mode
   * the origin only, no title.
   */
  source?: { url: string; title: string };
}

/**
 * What a typing entry records: sentences the writer typed into a watched field, named only by
 * their normalised hash (never their text, in any mode). A sentence counts when most of its
 * characters came from the writer's own trusted key input while the extension watched the field
 * (lib/ledger/typed.ts); text that appeared any other way is not in it.
 */
export interface TypedRef {
  sentences: { hash: string }[];
}

/** What the background receives when a writer leaves a field they typed in. */
export interface TypedInput {
  document: { origin: string; path: string; fieldId: string };
  pageTitle: string;
  /** The field's whole text when the writer left it (or paused). */
  text: string;
  /** [start, end) UTF-16 ranges of `text` the writer's trusted key input produced. */
  typedRanges: [number, number][];
  /** Epoch ms. */
  observedAt: number;
  extensionVersion: string;
}

/** What the background receives when a writer pastes into a watched field. */
export interface PasteInput {
  document: { origin: string; path: string; fieldId: string };
  pageTitle: string;
  pastedText: string;
  /** Epoch ms. */
  pastedAt: number;
  extensionVersion: string;
  /** The page a copy of this same text was seen on (the background's recent copies), if any. */
  source?: { url: string; title: string };
}

export interface ModelInfo {
  id: string;
  revision: string;
  dtype: string;
  backend: 'webgpu' | 'wasm' | string;
  /**
   * Backend 'server': the origin of the newsroom server the text was sent to (absent otherwise,
   * and in every entry written before the server engine existed, which stay valid as they are).
   */
  server?: string;
}

export interface LedgerSentence {
  /** The sentence as inserted; null in privacy mode. */
  text: string | null;
  /** sha256 hex of `normalizeSentence(text)`. */
  normalizedHash: string;
  /** MinHash sketch of the sentence's word shingles, hex (see lib/text/similarity). */
  sketch: string;
  /** Offsets (UTF-16) within insertedText. */
  start: number;
  end: number;
}

/** Hashes of the exact texts, kept even in privacy mode so a disclosed text can be checked later. */
export interface TextHashes {
  original: string | null;
  suggested: string;
  inserted: string;
}

export interface LedgerEntry {
  /**
   * Format version of this entry shape (hashed, so it cannot be changed silently).
   *  - 1: `hash` = SHA-256(canonical JSON of the entry minus `hash`).
   *  - 2: two-level: `contentHash` = SHA-256(canonical JSON of the entry minus seq, prevHash,
   *    contentHash, hash); `hash` = SHA-256(canonical {v, seq, prevHash, contentHash, documentTag}).
   *    A report can then show another document's entry as a stub (link fields only) that still
   *    verifies, without revealing its text.
   */
  v: 1 | 2;
  id: string;
  /** 1-based, contiguous. */
  seq: number;
  /** origin + the story's path (and the query/route that name it) + '#' + fieldId (document-key.ts). */
  documentKey: string;
  pageTitle: string;
  /** 'paste' / 'typed' only on a paste / typing entry (no suggestion was involved). */
  action: ActionId | 'paste' | 'typed';
  model: ModelInfo;
  suggestedAt: number;
  acceptedAt: number;
  /** Texts are null when the entry was written in privacy mode. */
  originalText: string | null;
  suggestedText: string | null;
  insertedText: string | null;
  textHashes: TextHashes;
  privacy: boolean;
  sentences: LedgerSentence[];
  extensionVersion: string;
  /**
   * Present on a withdrawal: an entry that takes back an earlier acceptance of the same document
   * (the ledger stays append-only). It carries the withdrawn entry's document, action, model and
   * text hashes, no texts and no sentences; attribution and reports stop counting the withdrawn
   * entry. Part of the hashed content (v2 only).
   */
  withdraws?: WithdrawalRef;
  /** Present on a move entry (v2 only, hashed like `withdraws`): no texts, no sentences. */
  moves?: MoveRef;
  /** Present on a review entry (v2 only, hashed): no texts, no sentences; never an acceptance. */
  review?: ReviewRef;
  /**
   * Present on a paste entry (v2 only, hashed): the pasted sentences' hashes live here, not in
   * `sentences` (which stays empty), so a paste is never attributed to the AI.
   */
  paste?: PasteRef;
  /** Present on a typing entry (v2 only, hashed): hashes of sentences the writer typed; `sentences` stays empty. */
  typed?: TypedRef;
  /** v2: SHA-256 hex of documentKey (lets a report prove no entry of the document was left out). */
  documentTag?: string;
  /** v2: SHA-256 hex over the entry's content (see `v`). */
  contentHash?: string;
  /** Hash of the previous entry; GENESIS_HASH for seq 1 (or the checkpoint's hash after retention). */
  prevHash: string;
  /** SHA-256 hex over canonical JSON of this entry minus `hash`. */
  hash: string;
}

export interface LedgerSettings {
  /** Store only hashes and sketches, no text. */
  privacyMode: boolean;
}

export const DEFAULT_SETTINGS: LedgerSettings = { privacyMode: false };

export type SigningAlgorithm = 'Ed25519' | 'ECDSA-P256';

/** The signed chain head. */
export interface SignedHead {
  seq: number;
  hash: string;
  /** Key id: sha256 hex of the SPKI public key. */
  keyId: string;
  algorithm: SigningAlgorithm;
  signedAt: number;
  /** base64 signature over canonicalJson(headPayload(head)). */
  signature: string;
}

/** A v2 entry reduced to its link fields: proves position in the chain without content. */
export interface EntryStub {
  v: 2;
  seq: number;
  prevHash: string;
  contentHash: string;
  documentTag: string;
  hash: string;
}

/**
 * Signed statement that entries 1..seq were pruned by retention: the chain now starts at seq + 1
 * with prevHash = hash.
 */
export interface SignedCheckpoint {
  seq: number;
  hash: string;
  /** Entries pruned in total (all checkpoints so far). */
  pruned: number;
  prunedAt: number;
  /** Retention that caused it, in days. */
  retentionDays: number;
  keyId: string;
  algorithm: SigningAlgorithm;
  signature: string;
}

export interface PublicKeyInfo {
  algorithm: SigningAlgorithm;
  spki: string;
  keyId: string;
}

export type VerifyResult =
  | { ok: true; entries: number; head: SignedHead | null }
  | { ok: false; brokenAt: number; reason: string };

export const GENESIS_HASH = '0'.repeat(64);
