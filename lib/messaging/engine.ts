import * as v from 'valibot';
import type { Failure, ModelInfo } from './common';

/**
 * Engine requests (pages → background). Model files never travel through these messages: an
 * offline import is written by the page itself into the extension's CacheStorage (shared with
 * the service worker) with `importModel` from lib/engine/model-import.ts; the page then selects
 * the model in the settings and may send `engine.warmUp`.
 */

const ModelIdSchema = v.pipe(v.string(), v.minLength(3), v.maxLength(200));

export const ENGINE_REQUEST_SCHEMAS = [
  /** Loading progress (bytes done / total), ready (with the runtime and why), or the last error. */
  v.object({ type: v.literal('engine.status') }),
  /** What the next request would run on and why (settings + capability detection + fallback). */
  v.object({ type: v.literal('engine.runtime') }),
  /** Downloads and loads the current model now; answers with the status after it. */
  v.object({ type: v.literal('engine.warmUp') }),
  /** Stored models with their sizes, and the browser's storage estimate. */
  v.object({ type: v.literal('engine.storage') }),
  /** Deletes a stored model's files (all revisions unless one is given); unloads it if loaded. */
  v.object({ type: v.literal('engine.deleteModel'), modelId: ModelIdSchema, revision: v.optional(v.pipe(v.string(), v.maxLength(100))) }),
  /** Releases the loaded model's memory (it stays stored; the next request loads it again). */
  v.object({ type: v.literal('engine.unload') }),
  /** Timings of the last requests (benchmark, diagnostics). */
  v.object({ type: v.literal('engine.stats') }),
  /** The newsroom server engine's configuration as in force (never the API key itself). */
  v.object({ type: v.literal('engine.server') }),
  /**
   * Saves the writer's server configuration (extension pages only). `apiKey` absent keeps the
   * saved key, '' removes it. Fields an admin's policy sets stay as the policy says.
   */
  v.object({
    type: v.literal('engine.setServer'),
    url: v.pipe(v.string(), v.maxLength(2048)),
    model: v.pipe(v.string(), v.maxLength(200)),
    sites: v.pipe(v.array(v.pipe(v.string(), v.maxLength(253))), v.maxLength(1000)),
    apiKey: v.optional(v.pipe(v.string(), v.maxLength(4096))),
  }),
] as const;

/** The server engine's configuration for the options page: the key only as "set" or not. */
export interface ServerEngineView {
  url: string;
  model: string;
  sites: string[];
  hasApiKey: boolean;
  /** Fields set by the admin's policy (storage.managed); the page shows them read-only. */
  managed: ('url' | 'model' | 'apiKey' | 'sites')[];
}

export type EngineStatus =
  | { state: 'idle' }
  | { state: 'loading'; modelId: string; loadedBytes: number; totalBytes: number }
  | { state: 'ready'; model: ModelInfo; reason: string }
  | { state: 'error'; modelId: string; message: string };

export interface EngineRuntime {
  modelId: string;
  revision: string;
  device: 'webgpu' | 'wasm' | 'cpu' | 'builtin' | 'server';
  dtype: string;
  /** One or two sentences the popup/options show as is (includes refused overrides and fallbacks). */
  reason: string;
  /** Set after WebGPU failed at load or run time in this background's lifetime. */
  webgpuFailure: string | null;
  /** The catalogue's download size for this model + dtype, when known. */
  expectedBytes: number | null;
  queue: { running: boolean; pending: number };
}

export interface StoredModelInfo {
  modelId: string;
  revision: string;
  files: number;
  bytes: number;
  imported: boolean;
}

export interface EngineStorage {
  models: StoredModelInfo[];
  /** Bytes of model files stored. */
  modelBytes: number;
  /** navigator.storage.estimate() of the extension origin, when available. */
  usage: number | null;
  quota: number | null;
}

export interface EngineStats {
  requestId: string;
  model: ModelInfo;
  startedAt: number;
  /** From the request to the model being ready (0 when it was loaded already). */
  loadMs: number;
  /** From the model being ready to the first generated token. */
  firstTokenMs: number | null;
  /** From the model being ready to the last variant. */
  generateMs: number;
  tokens: number;
  variants: number;
  /** Prompt tokens the first variant did not read again (the kept prefix); null where not tracked. */
  reusedPromptTokens: number | null;
}

export interface EngineResponses {
  'engine.status': EngineStatus;
  'engine.runtime': ({ ok: true } & EngineRuntime) | Failure;
  'engine.warmUp': EngineStatus;
  'engine.storage': ({ ok: true } & EngineStorage) | Failure;
  'engine.deleteModel': { ok: true; removedFiles: number } | Failure;
  'engine.stats': EngineStats[];
  'engine.unload': EngineStatus;
  'engine.server': ({ ok: true } & ServerEngineView) | Failure;
  'engine.setServer': ({ ok: true } & ServerEngineView) | (Failure & { field?: string });
}
