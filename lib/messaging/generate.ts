import * as v from 'valibot';
import { ActionSchema, ModelInfoSchema, RequestIdSchema } from './common';

/**
 * The `generate` port: one per suggestion request. A port, not one-shot messages, because the
 * background streams many updates and because the port's disconnect tells the panel at once
 * when the service worker died mid-generation (instead of waiting forever).
 */
export const GENERATE_PORT_NAME = 'generate';

const MAX_FIELD_TEXT = 2_000_000; // characters; the engine clips context far below this

const GenerateRequestSchema = v.object({
  type: v.literal('generate'),
  requestId: RequestIdSchema,
  fieldKey: v.pipe(v.string(), v.maxLength(512)),
  action: ActionSchema,
  text: v.pipe(v.string(), v.maxLength(MAX_FIELD_TEXT)),
  selectionStart: v.pipe(v.number(), v.integer(), v.minValue(0)),
  selectionEnd: v.pipe(v.number(), v.integer(), v.minValue(0)),
  variants: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(5)),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000))),
  /** The model (hub id) the writer agreed to download from the panel's offer; absent, nothing is downloaded. */
  download: v.optional(v.pipe(v.string(), v.minLength(3), v.maxLength(200))),
});
export type GenerateRequest = v.InferOutput<typeof GenerateRequestSchema>;

const GenerateClientMessageSchema = v.variant('type', [
  GenerateRequestSchema,
  v.object({ type: v.literal('cancel'), requestId: RequestIdSchema }),
]);
export type GenerateClientMessage = v.InferOutput<typeof GenerateClientMessageSchema>;

/** A model to download, as the panel offers it: what it is, its size, where it runs. */
const OfferedModelSchema = v.object({
  /** Hub id, sent back in `download` when the writer agrees. */
  modelId: v.string(),
  label: v.string(),
  bytes: v.nullable(v.number()),
  /** Languages it writes, when it is not multilingual (a smaller model may be English only). */
  languages: v.nullable(v.array(v.string())),
});

/** No model is ready and none may be downloaded without the writer's word: what can be. */
const DownloadOfferSchema = v.object({
  model: OfferedModelSchema,
  device: v.picklist(['webgpu', 'wasm']),
  smaller: v.nullable(OfferedModelSchema),
  /** The browser is offline: nothing can be downloaded now. */
  offline: v.boolean(),
});
export type DownloadOffer = v.InferOutput<typeof DownloadOfferSchema>;
export type OfferedModel = v.InferOutput<typeof OfferedModelSchema>;

const GenerateServerMessageSchema = v.variant('type', [
  v.object({
    type: v.literal('progress'),
    requestId: RequestIdSchema,
    phase: v.picklist(['loading', 'generating']),
    loadedBytes: v.number(),
    totalBytes: v.number(),
  }),
  /**
   * The model is loaded and generation starts: what any variant will replace and which model
   * writes it, so a finished variant can be accepted while the next ones still stream. Sent
   * again (with the new model) if a GPU failure restarts the request on the CPU.
   */
  v.object({
    type: v.literal('started'),
    requestId: RequestIdSchema,
    replace: v.object({ start: v.number(), end: v.number() }),
    model: ModelInfoSchema,
    /** The field's language (ISO 639-1) when it can be told, and those the model is known to write. */
    fieldLanguage: v.nullable(v.string()),
    modelLanguages: v.array(v.string()),
  }),
  /** The variant's whole text so far (not a delta): idempotent, and variants are short. */
  v.object({ type: v.literal('variant'), requestId: RequestIdSchema, index: v.number(), text: v.string(), final: v.boolean() }),
  v.object({
    type: v.literal('done'),
    requestId: RequestIdSchema,
    variants: v.array(v.string()),
    /** The range of the request's text the variants replace (collapsed at the caret for continue). */
    replace: v.object({ start: v.number(), end: v.number() }),
    model: ModelInfoSchema,
    startedAt: v.number(),
    /** Variants left out because they were written in another language than the field's. */
    otherLanguage: v.number(),
  }),
  v.object({
    type: v.literal('error'),
    requestId: RequestIdSchema,
    message: v.string(),
    retryable: v.boolean(),
    /** Set when the model is not on this device and the writer has not agreed to download it. */
    offer: v.optional(DownloadOfferSchema),
  }),
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
