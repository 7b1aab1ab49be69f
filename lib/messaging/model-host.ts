import * as v from 'valibot';

/**
 * The `model-host` port: the background (the engine's owner) ↔ the offscreen document in which
 * the model runs in Chromium. The document opens it (so the document never receives the ports
 * other contexts open): when it starts, and when the background asks with MODEL_HOST_CONNECT.
 * One port per loaded model. A disconnect without `dispose` (the service worker was stopped)
 * keeps the model loaded for the next worker.
 */
export const MODEL_HOST_PORT_NAME = 'model-host';

/** One-shot message from the background to the document: open a `model-host` port to me. */
export const MODEL_HOST_CONNECT = { type: 'model-host.connect' } as const;

export function isModelHostConnect(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === MODEL_HOST_CONNECT.type;
}

const Text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const GenerationIdSchema = Text(64);

const ModelSpecSchema = v.object({
  host: Text(2048),
  modelId: Text(200),
  revision: Text(100),
  device: v.picklist(['webgpu', 'wasm']),
  dtype: Text(20),
});

/** Test seams, parsed by the host with parseTestSeams (lib/engine/test-seams.ts). */
const SeamsSchema = v.unknown();

const ChatMessageSchema = v.object({ role: v.picklist(['system', 'user', 'assistant']), content: Text(2_000_000) });

const ModelHostRequestSchema = v.variant('type', [
  v.object({ type: v.literal('load'), spec: ModelSpecSchema, seams: SeamsSchema }),
  v.object({ type: v.literal('seams'), seams: SeamsSchema }),
  v.object({
    type: v.literal('generate'),
    id: GenerationIdSchema,
    messages: v.pipe(v.array(ChatMessageSchema), v.maxLength(16)),
    continuation: v.optional(v.object({ messages: v.pipe(v.array(ChatMessageSchema), v.maxLength(16)), reply: Text(2_000_000) })),
    plan: v.object({
      do_sample: v.boolean(),
      temperature: v.optional(v.number()),
      top_k: v.optional(v.number()),
      top_p: v.optional(v.number()),
      seed: v.number(),
    }),
    maxNewTokens: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(4096)),
  }),
  v.object({ type: v.literal('interrupt'), id: GenerationIdSchema }),
  /** Frees the model: the background is done with it (another model, a deletion, a GPU failure). */
  v.object({ type: v.literal('dispose') }),
]);
export type ModelHostRequest = v.InferOutput<typeof ModelHostRequestSchema>;

const FailureFields = { message: Text(4000), webgpu: v.boolean() };

const ModelHostEventSchema = v.variant('type', [
  /** transformers.js' per-file download progress, passed through. */
  v.object({
    type: v.literal('progress'),
    info: v.looseObject({ status: Text(40), file: v.optional(Text(500)), loaded: v.optional(v.number()), total: v.optional(v.number()) }),
  }),
  /** `continuesReplies`: the loaded generator's (lib/engine/text-generator.ts). */
  v.object({ type: v.literal('loaded'), continuesReplies: v.boolean() }),
  v.object({ type: v.literal('loadFailed'), ...FailureFields }),
  /** Tokens generated so far and, when it changed, the decoded text so far (sent at most every few tens of ms). */
  v.object({ type: v.literal('step'), id: GenerationIdSchema, tokens: v.number(), text: v.optional(Text(2_000_000)) }),
  /** `reusedTokens`: prompt tokens the host's kept prefix spared (lib/engine/prompt-prefix-cache.ts). */
  v.object({ type: v.literal('generated'), id: GenerationIdSchema, tokens: v.number(), text: Text(2_000_000), reusedTokens: v.optional(v.number()) }),
  v.object({ type: v.literal('generateFailed'), id: GenerationIdSchema, ...FailureFields }),
]);
export type ModelHostEvent = v.InferOutput<typeof ModelHostEventSchema>;

export function parseModelHostRequest(message: unknown): ModelHostRequest | null {
  const result = v.safeParse(ModelHostRequestSchema, message);
  return result.success ? result.output : null;
}

export function parseModelHostEvent(message: unknown): ModelHostEvent | null {
  const result = v.safeParse(ModelHostEventSchema, message);
  return result.success ? result.output : null;
}
