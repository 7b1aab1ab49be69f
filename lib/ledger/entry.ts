import { normalizeSentence } from '../text/normalize';
import { sha256Hex } from '../text/hash';
import { segmentSentences } from '../text/segment';
import { sketchText, sketchToHex } from '../text/similarity';
import { isActionId } from '../engine/actions';
import { canonicalJson } from './canonical';
import { documentKeyOf } from './document-key';
import type { AcceptanceInput, EntryStub, LedgerEntry, LedgerSentence, MoveRef, PasteInput, ReviewRef, TypedInput, WithdrawalReason } from './types';

/** Split inserted text into sentences with their normalised hash and sketch. */
export async function prepareSentences(insertedText: string, privacy: boolean): Promise<LedgerSentence[]> {
  const out: LedgerSentence[] = [];
  for (const span of segmentSentences(insertedText)) {
    const normalized = normalizeSentence(span.text);
    if (!normalized) continue;
    out.push({
      text: privacy ? null : span.text,
      normalizedHash: await sha256Hex(normalized),
      sketch: sketchToHex(sketchText(span.text)),
      start: span.start,
      end: span.end,
    });
  }
  return out;
}

export function validateInput(input: AcceptanceInput): void {
  const fail = (what: string) => {
    throw new TypeError(`Invalid acceptance: ${what}`);
  };
  if (!input || typeof input !== 'object') fail('not an object');
  const d = input.document;
  if (!d || typeof d.origin !== 'string' || typeof d.path !== 'string' || typeof d.fieldId !== 'string') fail('document');
  if (!isActionId(input.action)) fail('action');
  if (typeof input.insertedText !== 'string' || !input.insertedText.trim()) fail('insertedText');
  if (typeof input.suggestedText !== 'string') fail('suggestedText');
  if (input.originalText !== null && typeof input.originalText !== 'string') fail('originalText');
  if (!Number.isFinite(input.suggestedAt) || !Number.isFinite(input.acceptedAt)) fail('timestamps');
  const m = input.model;
  if (!m || typeof m.id !== 'string' || typeof m.revision !== 'string' || typeof m.dtype !== 'string' || typeof m.backend !== 'string') fail('model');
  if (m.server !== undefined && typeof m.server !== 'string') fail('model.server');
  if (typeof input.pageTitle !== 'string' || typeof input.extensionVersion !== 'string') fail('pageTitle/extensionVersion');
}

export type UnhashedEntry = Omit<LedgerEntry, 'hash'>;

/** The entry format new appends write. */
export const CURRENT_ENTRY_FORMAT = 2 as const;

/** Build the entry body (everything but `hash`) for a given chain position. */
export async function buildEntryBody(
  input: AcceptanceInput,
  sentences: LedgerSentence[],
  at: { id: string; seq: number; prevHash: string; privacy: boolean; format?: 1 | 2 },
): Promise<UnhashedEntry> {
  const format = at.format ?? CURRENT_ENTRY_FORMAT;
  const documentKey = documentKeyOf(input.document);
  return {
    v: format,
    id: at.id,
    seq: at.seq,
    documentKey,
    pageTitle: input.pageTitle,
    action: input.action,
    model: {
      id: input.model.id,
      revision: input.model.revision,
      dtype: input.model.dtype,
      backend: input.model.backend,
      // Only where there is one: an entry without a server hashes exactly as before.
      ...(input.model.server !== undefined ? { server: input.model.server } : {}),
    },
    suggestedAt: input.suggestedAt,
    acceptedAt: input.acceptedAt,
    originalText: at.privacy ? null : input.originalText,
    suggestedText: at.privacy ? null : input.suggestedText,
    insertedText: at.privacy ? null : input.insertedText,
    textHashes: {
      original: input.originalText === null ? null : await sha256Hex(input.originalText),
      suggested: await sha256Hex(input.suggestedText),
      inserted: await sha256Hex(input.insertedText),
    },
    privacy: at.privacy,
    sentences,
    extensionVersion: input.extensionVersion,
    ...(format === 2 ? { documentTag: await sha256Hex(documentKey) } : {}),
    prevHash: at.prevHash,
  };
}

/**
 * The body of an entry that withdraws `target` (always format 2): the target's document, title,
 * action, model and text hashes, so a report can say what was taken back without its text; no
 * sentences, so nothing in it is ever attributed.
 */
export async function buildWithdrawalBody(
  target: LedgerEntry,
  reason: WithdrawalReason,
  at: { id: string; seq: number; prevHash: string; withdrawnAt: number; extensionVersion: string; documentKey?: string },
): Promise<UnhashedEntry> {
  // Filed where the acceptance counts now (it may have been moved since it was written).
  const documentKey = at.documentKey ?? target.documentKey;
  return {
    v: 2,
    id: at.id,
    seq: at.seq,
    documentKey,
    pageTitle: target.pageTitle,
    action: target.action,
    model: { ...target.model },
    suggestedAt: target.suggestedAt,
    acceptedAt: at.withdrawnAt,
    originalText: null,
    suggestedText: null,
    insertedText: null,
    textHashes: { ...target.textHashes },
    privacy: target.privacy,
    sentences: [],
    extensionVersion: at.extensionVersion,
    withdraws: { seq: target.seq, hash: target.hash, reason },
    documentTag: await sha256Hex(documentKey),
    prevHash: at.prevHash,
  };
}

/**
 * The body of an entry that says something about acceptances without being one (always format 2):
 * one half of a move, or a review. Filed under `documentKey`, no texts and no sentences, so it is
 * never attributed. The action and model are those of an acceptance it concerns (every entry
 * names one).
 */
export async function buildAnnotationBody(
  about: LedgerEntry,
  annotation: { moves: MoveRef } | { review: ReviewRef },
  at: { id: string; seq: number; prevHash: string; documentKey: string; pageTitle: string; at: number; extensionVersion: string },
): Promise<UnhashedEntry> {
  return {
    v: 2,
    id: at.id,
    seq: at.seq,
    documentKey: at.documentKey,
    pageTitle: at.pageTitle,
    action: about.action,
    model: { ...about.model },
    suggestedAt: at.at,
    acceptedAt: at.at,
    originalText: null,
    suggestedText: null,
    insertedText: null,
    textHashes: { ...about.textHashes },
    privacy: about.privacy,
    sentences: [],
    extensionVersion: at.extensionVersion,
    ...('moves' in annotation
      ? { moves: { ...annotation.moves, entries: annotation.moves.entries.map((r) => ({ seq: r.seq, hash: r.hash })) } }
      : {
          review: {
            reviewer: { name: annotation.review.reviewer.name, role: annotation.review.reviewer.role },
            textHash: annotation.review.textHash,
            sentences: annotation.review.sentences.map((x) => ({ hash: x.hash, outcome: x.outcome })),
            note: annotation.review.note,
          },
        }),
    documentTag: await sha256Hex(at.documentKey),
    prevHash: at.prevHash,
  };
}

/** No model wrote a paste: the entry's model names none. */
const NO_MODEL = { id: '', revision: '', dtype: '', backend: 'none' } as const;

/**
 * The body of a paste entry (always format 2): the pasted sentences' normalised hashes in
 * `paste`, texts only outside privacy mode (as acceptances keep theirs), and no `sentences`, so
 * nothing pasted is ever attributed to the AI.
 */
export async function buildPasteBody(
  input: PasteInput,
  at: { id: string; seq: number; prevHash: string; privacy: boolean },
): Promise<UnhashedEntry> {
  const documentKey = documentKeyOf(input.document);
  const sentences: { hash: string; text: string | null }[] = [];
  for (const span of segmentSentences(input.pastedText)) {
    const normalized = normalizeSentence(span.text);
    if (normalized) sentences.push({ hash: await sha256Hex(normalized), text: at.privacy ? null : span.text });
  }
  const textHash = await sha256Hex(input.pastedText);
  return {
    ...(await observedBody(documentKey, 'paste', input.pastedAt, textHash, input, at)),
    paste: { textHash, text: at.privacy ? null : input.pastedText, sentences, ...(input.source ? { source: input.source } : {}) },
  };
}

/**
 * What a paste's and a typing entry's bodies share (format 2): what the extension saw in a field,
 * with no model and no suggestion; `textHash` stands for the text seen ('' when none is kept).
 */
async function observedBody(
  documentKey: string,
  action: 'paste' | 'typed',
  when: number,
  textHash: string,
  input: { pageTitle: string; extensionVersion: string },
  at: { id: string; seq: number; prevHash: string; privacy: boolean },
): Promise<UnhashedEntry> {
  return {
    v: 2,
    id: at.id,
    seq: at.seq,
    documentKey,
    pageTitle: input.pageTitle,
    action,
    model: { ...NO_MODEL },
    suggestedAt: when,
    acceptedAt: when,
    originalText: null,
    suggestedText: null,
    insertedText: null,
    textHashes: { original: null, suggested: textHash, inserted: textHash },
    privacy: at.privacy,
    sentences: [],
    extensionVersion: input.extensionVersion,
    documentTag: await sha256Hex(documentKey),
    prevHash: at.prevHash,
  };
}

/**
 * The body of a typing entry (always format 2): hashes only, in every mode (the writer's own
 * words are not the record's to keep), and no `sentences`.
 */
export async function buildTypedBody(
  input: Pick<TypedInput, 'document' | 'pageTitle' | 'observedAt' | 'extensionVersion'>,
  hashes: readonly string[],
  at: { id: string; seq: number; prevHash: string; privacy: boolean },
): Promise<UnhashedEntry> {
  return {
    ...(await observedBody(documentKeyOf(input.document), 'typed', input.observedAt, '', input, at)),
    typed: { sentences: hashes.map((hash) => ({ hash })) },
  };
}

/** A field's document as a content script names it (origin, story path, field id). */
function isFieldDocument(d: { origin: unknown; path: unknown; fieldId: unknown } | undefined): boolean {
  return !!d && typeof d.origin === 'string' && typeof d.path === 'string' && typeof d.fieldId === 'string';
}

export function validateTypedInput(input: TypedInput): void {
  const ok =
    isFieldDocument(input?.document) &&
    typeof input.text === 'string' &&
    Array.isArray(input.typedRanges) &&
    input.typedRanges.every(([a, b]) => Number.isInteger(a) && Number.isInteger(b) && a >= 0 && a <= b && b <= input.text.length) &&
    Number.isFinite(input.observedAt) &&
    typeof input.pageTitle === 'string' &&
    typeof input.extensionVersion === 'string';
  if (!ok) throw new TypeError('Invalid typing record');
}

export function validatePasteInput(input: PasteInput): void {
  const ok =
    isFieldDocument(input?.document) &&
    typeof input.pastedText === 'string' &&
    !!input.pastedText.trim() &&
    Number.isFinite(input.pastedAt) &&
    typeof input.pageTitle === 'string' &&
    typeof input.extensionVersion === 'string' &&
    (input.source === undefined || (typeof input.source.url === 'string' && typeof input.source.title === 'string'));
  if (!ok) throw new TypeError('Invalid paste');
}

/** v2: SHA-256 over canonical JSON of the entry minus seq, prevHash, contentHash and hash. */
export async function contentHashOf(entry: UnhashedEntry | LedgerEntry): Promise<string> {
  const { hash: _h, contentHash: _c, seq: _s, prevHash: _p, ...content } = entry as LedgerEntry;
  return sha256Hex(canonicalJson(content));
}

/** v2: the chain hash over the link fields only (what a stub carries). */
export async function linkHashOf(link: Omit<EntryStub, 'hash'>): Promise<string> {
  return sha256Hex(
    canonicalJson({ v: link.v, seq: link.seq, prevHash: link.prevHash, contentHash: link.contentHash, documentTag: link.documentTag }),
  );
}

/**
 * The entry's chain hash recomputed from its content (v1: canonical JSON minus `hash`; v2: link
 * hash over a freshly computed contentHash, ignoring the stored one).
 */
export async function hashEntry(entry: UnhashedEntry | LedgerEntry): Promise<string> {
  if (entry.v === 2) {
    return linkHashOf({
      v: 2,
      seq: entry.seq,
      prevHash: entry.prevHash,
      contentHash: await contentHashOf(entry),
      documentTag: entry.documentTag ?? '',
    });
  }
  const { hash: _drop, ...body } = entry as LedgerEntry;
  return sha256Hex(canonicalJson(body));
}

/** Compute contentHash (v2) and hash for an entry body (any stale ones are replaced). */
export async function sealEntry(body: UnhashedEntry | LedgerEntry): Promise<LedgerEntry> {
  const { hash: _h, contentHash: _c, ...rest } = body as LedgerEntry;
  if (rest.v === 2) {
    const contentHash = await contentHashOf(rest);
    const sealed = { ...rest, contentHash } as UnhashedEntry;
    return { ...sealed, hash: await hashEntry(sealed) };
  }
  return { ...rest, hash: await hashEntry(rest) };
}

export function isStub(e: LedgerEntry | EntryStub): e is EntryStub {
  return !('documentKey' in e);
}

/** A v2 entry's link fields (a v1 entry cannot be reduced: its hash covers its content). */
export function stubOf(e: LedgerEntry): EntryStub | null {
  if (e.v !== 2 || !e.contentHash || !e.documentTag) return null;
  return { v: 2, seq: e.seq, prevHash: e.prevHash, contentHash: e.contentHash, documentTag: e.documentTag, hash: e.hash };
}
