import * as v from 'valibot';
import { DTYPES } from './engine/dtypes';

/**
 * The writer's settings, stored in `storage.local` under one key. Every context reads them
 * through `parseSettings`, so a missing or damaged value falls back to defaults instead of
 * breaking the extension.
 */
export const SETTINGS_STORAGE_KEY = 'settings';

export const DEFAULT_MODEL_HOST = 'https://huggingface.co';

const SettingsSchema = v.object({
  /** Where model files are downloaded from, in the hub's URL layout (a newsroom may mirror). */
  modelHost: v.fallback(v.pipe(v.string(), v.url()), DEFAULT_MODEL_HOST),
  /** Hub id of the model to run; empty means the catalogue default. */
  modelId: v.fallback(v.string(), ''),
  modelRevision: v.fallback(v.string(), 'main'),
  /** Device and weight format; 'auto' lets capability detection choose. */
  device: v.fallback(v.picklist(['auto', 'webgpu', 'wasm', 'builtin']), 'auto'),
  dtype: v.fallback(v.picklist(['auto', ...DTYPES]), 'auto'),
  /** Milliseconds of typing pause before a suggestion opens; 0 turns pause-to-suggest off. */
  pauseDelayMs: v.fallback(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10_000)), 900),
  /** New words since the panel last opened or was dismissed before a pause may open it (lib/fields/opening-rule.ts). */
  pauseMinWords: v.fallback(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1000)), 25),
  /** Underline spelling and grammar mistakes (Harper, on this device; no model needed). */
  proofread: v.fallback(v.boolean(), true),
  variants: v.fallback(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(5)), 3),
  /** Engine: upper bound on new tokens per variant (each action's own budget may be lower). */
  maxNewTokens: v.fallback(v.pipe(v.number(), v.integer(), v.minValue(8), v.maxValue(1024)), 96),
  /** Engine: a request (model loading included) is stopped after this many seconds. */
  generationTimeoutSeconds: v.fallback(v.pipe(v.number(), v.integer(), v.minValue(5), v.maxValue(3600)), 120),
  /** Sites (hostnames) where the extension does nothing. */
  disabledSites: v.fallback(v.array(v.string()), []),
  /** Fields where the extension does nothing, as `hostname|field id` (lib/site-settings.ts). */
  disabledFields: v.fallback(v.array(v.pipe(v.string(), v.maxLength(1200))), []),
  /** Ledger: store only hashes and similarity sketches, never sentence text. */
  privacyMode: v.fallback(v.boolean(), false),
  /** Ledger: days to keep entries; 0 keeps them forever. */
  retentionDays: v.fallback(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(36_500)), 0),
});

export type Settings = v.InferOutput<typeof SettingsSchema>;

export function parseSettings(stored: unknown): Settings {
  const input = typeof stored === 'object' && stored !== null ? stored : {};
  return v.parse(SettingsSchema, input);
}

export const DEFAULT_SETTINGS: Settings = parseSettings({});
