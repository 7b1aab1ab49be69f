import { normalizeSentence } from '../text/normalize';
import { sha256Hex } from '../text/hash';
import { segmentSentences } from '../text/segment';
import { sketchText, sketchToHex } from '../text/similarity';
import { isActionId } from '../engine/actions';
import { canonicalJson } from './canonical';
import { documentKeyOf } from './document-key';
import type { AcceptanceInput, LedgerEntry, LedgerSentence } from './types';

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
  if (typeof input.pageTitle !== 'string' || typeof input.extensionVersion !== 'string') fail('pageTitle/extensionVersion');
}

export type UnhashedEntry = Omit<LedgerEntry, 'hash'>;

/** Build the entry body (everything but `hash`) for a given chain position. */
export async function buildEntryBody(
  input: AcceptanceInput,
  sentences: LedgerSentence[],
  at: { id: string; seq: number; prevHash: string; privacy: boolean },
): Promise<UnhashedEntry> {
  return {
    v: 1,
    id: at.id,
    seq: at.seq,
    documentKey: documentKeyOf(input.document),
    pageTitle: input.pageTitle,
    action: input.action,
    model: { id: input.model.id, revision: input.model.revision, dtype: input.model.dtype, backend: input.model.backend },
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
    prevHash: at.prevHash,
  };
}

/** SHA-256 over canonical JSON of the entry minus `hash`. */
export async function hashEntry(entry: UnhashedEntry | LedgerEntry): Promise<string> {
  const { hash: _drop, ...body } = entry as LedgerEntry;
  return sha256Hex(canonicalJson(body));
}
