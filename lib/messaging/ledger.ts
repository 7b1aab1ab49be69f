import * as v from 'valibot';
import { ActionSchema, ModelInfoSchema, type Failure } from './common';

/** Ledger requests (pages and content script → background). */

const AcceptanceSchema = v.object({
  document: v.object({
    origin: v.pipe(v.string(), v.maxLength(2048)),
    path: v.pipe(v.string(), v.maxLength(8192)),
    fieldId: v.pipe(v.string(), v.maxLength(512)),
  }),
  pageTitle: v.pipe(v.string(), v.maxLength(2048)),
  action: ActionSchema,
  model: ModelInfoSchema,
  suggestedAt: v.number(),
  acceptedAt: v.number(),
  originalText: v.nullable(v.pipe(v.string(), v.maxLength(100_000))),
  suggestedText: v.pipe(v.string(), v.minLength(1), v.maxLength(100_000)),
  insertedText: v.pipe(v.string(), v.minLength(1), v.maxLength(100_000)),
});
export type AcceptanceMessage = v.InferOutput<typeof AcceptanceSchema>;

/** One message per paste into a watched field (nothing per keystroke). */
const PasteSchema = v.object({
  document: AcceptanceSchema.entries.document,
  pageTitle: v.pipe(v.string(), v.maxLength(2048)),
  pastedText: v.pipe(v.string(), v.minLength(1), v.maxLength(100_000)),
  pastedAt: v.number(),
});
export type PasteMessage = v.InferOutput<typeof PasteSchema>;

const OffsetSchema = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(200_000));
/** One message when the writer leaves a field they typed in (nothing per keystroke). */
const TypedSchema = v.object({
  document: AcceptanceSchema.entries.document,
  pageTitle: v.pipe(v.string(), v.maxLength(2048)),
  text: v.pipe(v.string(), v.minLength(1), v.maxLength(200_000)),
  typedRanges: v.pipe(v.array(v.tuple([OffsetSchema, OffsetSchema])), v.minLength(1), v.maxLength(10_000)),
  observedAt: v.number(),
});
export type TypedMessage = v.InferOutput<typeof TypedSchema>;

/** One message per trusted copy or cut on a page: where a later paste of that text came from. */
const CopiedSchema = v.object({
  /** The page's origin and the parts of its path that name it (lib/ledger/document-key storyIdentity). */
  origin: AcceptanceSchema.entries.document.entries.origin,
  path: AcceptanceSchema.entries.document.entries.path,
  pageTitle: v.pipe(v.string(), v.maxLength(2048)),
  text: v.pipe(v.string(), v.minLength(1), v.maxLength(100_000)),
});
export type CopiedMessage = v.InferOutput<typeof CopiedSchema>;

export const LEDGER_REQUEST_SCHEMAS = [
  v.object({ type: v.literal('ledger.record'), acceptance: AcceptanceSchema }),
  /** The writer took an acceptance back (undo, deletion) or it was never inserted. */
  v.object({
    type: v.literal('ledger.withdraw'),
    seq: v.pipe(v.number(), v.integer(), v.minValue(1)),
    hash: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
    reason: v.picklist(['undone', 'deleted', 'not-inserted']),
  }),
  v.object({ type: v.literal('ledger.paste'), paste: PasteSchema }),
  v.object({ type: v.literal('ledger.typed'), typed: TypedSchema }),
  v.object({ type: v.literal('ledger.copied'), copied: CopiedSchema }),
  v.object({ type: v.literal('ledger.summary'), limit: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(200)) }),
] as const;

export interface LedgerEntrySummary {
  seq: number;
  action: string;
  modelId: string;
  documentKey: string;
  acceptedAt: number;
  sentences: { text: string | null; hash: string }[];
  /** On a withdrawal: the acceptance it takes back and why. */
  withdraws: { seq: number; reason: string } | null;
  /** On a move: acceptances refiled out of or into this entry's document, and the other document. */
  moves: { direction: 'in' | 'out'; peer: string; seqs: number[] } | null;
}

export interface LedgerSummary {
  entries: number;
  sentences: number;
  sentencesToday: number;
  recent: LedgerEntrySummary[];
}

export interface LedgerResponses {
  /** `seq` and `hash` name the entry, for a withdrawal of it. */
  'ledger.record': { ok: true; seq: number; hash: string; sentences: number } | Failure;
  'ledger.withdraw': { ok: true; seq: number } | Failure;
  'ledger.paste': { ok: true; seq: number; sentences: number } | Failure;
  /** `seq` null: every typed sentence was already recorded for the document (nothing appended). */
  'ledger.typed': { ok: true; seq: number | null; sentences: number } | Failure;
  'ledger.copied': { ok: true; remembered: boolean } | Failure;
  'ledger.summary': { ok: true; summary: LedgerSummary } | Failure;
}
