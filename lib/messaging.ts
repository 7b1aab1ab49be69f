import * as v from 'valibot';
import { ACTION_IDS } from './engine/actions';

/**
 * The one protocol between the extension's contexts. Every message is declared here once, as a
 * valibot schema, and the receiver validates it (`parseRequest`, `parseGenerateClientMessage`,
 * `parseGenerateServerMessage`) before acting: a malformed message is refused, never trusted.
 *
 * Two channels:
 * - one-shot requests (`runtime.sendMessage`) answered by the background;
 * - a `generate` port per suggestion request. A port, not one-shot messages, because the
 *   background streams many updates and because the port's disconnect tells the panel at once
 *   when the service worker died mid-generation (instead of waiting forever).
 */

export const GENERATE_PORT_NAME = 'generate';

const MAX_FIELD_TEXT = 2_000_000; // characters; callers clip context far below this

const Action = v.picklist(ACTION_IDS);
const RequestId = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const Backend = v.picklist(['webgpu', 'wasm']);

export const ModelInfoSchema = v.object({
  id: v.string(),
  revision: v.string(),
  dtype: v.string(),
  backend: Backend,
});
export type ModelInfo = v.InferOutput<typeof ModelInfoSchema>;

// ---- one-shot requests -------------------------------------------------------------------

const AcceptanceSchema = v.object({
  document: v.object({
    origin: v.pipe(v.string(), v.maxLength(2048)),
    path: v.pipe(v.string(), v.maxLength(8192)),
    fieldId: v.pipe(v.string(), v.maxLength(512)),
  }),
  pageTitle: v.pipe(v.string(), v.maxLength(2048)),
  action: Action,
  model: ModelInfoSchema,
  suggestedAt: v.number(),
  acceptedAt: v.number(),
  originalText: v.nullable(v.pipe(v.string(), v.maxLength(100_000))),
  suggestedText: v.pipe(v.string(), v.minLength(1), v.maxLength(100_000)),
  insertedText: v.pipe(v.string(), v.minLength(1), v.maxLength(100_000)),
});
export type AcceptanceMessage = v.InferOutput<typeof AcceptanceSchema>;

const RequestSchema = v.variant('type', [
  v.object({ type: v.literal('ledger.record'), acceptance: AcceptanceSchema }),
  v.object({ type: v.literal('ledger.summary'), limit: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(200)) }),
  v.object({ type: v.literal('engine.status') }),
]);
export type Request = v.InferOutput<typeof RequestSchema>;

export interface LedgerEntrySummary {
  seq: number;
  action: string;
  modelId: string;
  documentKey: string;
  acceptedAt: number;
  sentences: { text: string | null; hash: string }[];
}

export interface LedgerSummary {
  entries: number;
  sentences: number;
  sentencesToday: number;
  recent: LedgerEntrySummary[];
}

export type EngineStatus =
  | { state: 'idle' }
  | { state: 'loading'; modelId: string; loadedBytes: number; totalBytes: number }
  | { state: 'ready'; model: ModelInfo; reason: string }
  | { state: 'error'; modelId: string; message: string };

/** What each request is answered with. Errors cross the boundary as values, not exceptions. */
export type Response<T extends Request['type']> = T extends 'ledger.record'
  ? { ok: true; seq: number; sentences: number } | { ok: false; error: string; code: string }
  : T extends 'ledger.summary'
    ? { ok: true; summary: LedgerSummary } | { ok: false; error: string; code: string }
    : T extends 'engine.status'
      ? EngineStatus
      : never;

export function parseRequest(message: unknown): Request | null {
  const result = v.safeParse(RequestSchema, message);
  return result.success ? result.output : null;
}

// ---- the generate port -------------------------------------------------------------------

const GenerateRequestSchema = v.object({
  type: v.literal('generate'),
  requestId: RequestId,
  fieldKey: v.pipe(v.string(), v.maxLength(512)),
  action: Action,
  text: v.pipe(v.string(), v.maxLength(MAX_FIELD_TEXT)),
  selectionStart: v.pipe(v.number(), v.integer(), v.minValue(0)),
  selectionEnd: v.pipe(v.number(), v.integer(), v.minValue(0)),
  variants: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(5)),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000))),
});
export type GenerateRequest = v.InferOutput<typeof GenerateRequestSchema>;

const GenerateClientMessageSchema = v.variant('type', [
  GenerateRequestSchema,
  v.object({ type: v.literal('cancel'), requestId: RequestId }),
]);
export type GenerateClientMessage = v.InferOutput<typeof GenerateClientMessageSchema>;

const GenerateServerMessageSchema = v.variant('type', [
  v.object({
    type: v.literal('progress'),
    requestId: RequestId,
    phase: v.picklist(['loading', 'generating']),
    loadedBytes: v.number(),
    totalBytes: v.number(),
  }),
  /** The variant's whole text so far (not a delta): idempotent, and variants are short. */
  v.object({ type: v.literal('variant'), requestId: RequestId, index: v.number(), text: v.string(), final: v.boolean() }),
  v.object({
    type: v.literal('done'),
    requestId: RequestId,
    variants: v.array(v.string()),
    /** The range of the request's text the variants replace (collapsed at the caret for continue). */
    replace: v.object({ start: v.number(), end: v.number() }),
    model: ModelInfoSchema,
    startedAt: v.number(),
  }),
  v.object({ type: v.literal('error'), requestId: RequestId, message: v.string(), retryable: v.boolean() }),
]);
export type GenerateServerMessage = v.InferOutput<typeof GenerateServerMessageSchema>;

export function parseGenerateClientMessage(message: unknown): GenerateClientMessage | null {
  const result = v.safeParse(GenerateClientMessageSchema, message);
  return result.success ? result.output : null;
}

export function parseGenerateServerMessage(message: unknown): GenerateServerMessage | null {
  const result = v.safeParse(GenerateServerMessageSchema, message);
  return result.success ? result.output : null;
}

// ---- background → content script -----------------------------------------------------------

const ContentCommandSchema = v.variant('type', [
  /** The writer pressed the suggest shortcut (commands API): open the panel at the focused field. */
  v.object({ type: v.literal('suggest.now') }),
]);
export type ContentCommand = v.InferOutput<typeof ContentCommandSchema>;

export function parseContentCommand(message: unknown): ContentCommand | null {
  const result = v.safeParse(ContentCommandSchema, message);
  return result.success ? result.output : null;
}

/** Only this extension's own contexts may talk to the background. */
export function isOwnExtensionSender(sender: { id?: string } | undefined, ownId: string): boolean {
  return sender?.id === ownId;
}
