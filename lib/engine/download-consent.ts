import type { DownloadOffer, OfferedModel } from '../messaging';
import { filesFor, listModels, resolveModel, type Dtype } from './catalogue';
import type { ResolvedSpec } from './engine-service';
import type { ModelFileCache } from './model-file-cache';
import type { ModelSpec } from './text-generator';

/**
 * A model download is the writer's decision (the onboarding's or options' Download, or the
 * panel's offer), never a side effect of a pause or a page. The background asks this gate
 * before it loads a model for a suggestion: a model already stored, or one the writer agreed to
 * download, may load; anything else is refused with an offer the panel shows.
 */
export const DOWNLOAD_CONSENT_KEY = 'modelDownloadConsent';

/** The key a model's consent is filed under: its hub id, case-insensitive as the hub resolves it. */
export function consentKeyOf(modelIdOrHubId: string): string {
  const model = resolveModel(modelIdOrHubId);
  return (model?.hubId ?? modelIdOrHubId).toLowerCase();
}

export class DownloadConsentError extends Error {
  override readonly name = 'DownloadConsentError';
  constructor(readonly offer: DownloadOffer) {
    super(`Not downloaded without the writer's consent: ${offer.model.modelId}`);
  }
}

export interface DownloadGate {
  /** True when this spec loads without a download the writer did not agree to. */
  mayLoad(spec: ModelSpec): Promise<boolean>;
  /** The writer agreed to download this model (hub id); a model other than the current one becomes the chosen one. */
  allow(modelId: string): Promise<void>;
  /** What the panel offers instead of loading `resolved`. */
  offer(resolved: ResolvedSpec): Promise<DownloadOffer>;
}

interface StorageArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

export interface DownloadGateDependencies {
  storage: StorageArea;
  files: Pick<ModelFileCache, 'manifest' | 'has'>;
  /** The spec the engine would resolve for another model (same settings and device). */
  specFor: (modelId: string) => Promise<ResolvedSpec>;
  /** Makes a catalogue model the chosen one (the writer picked the smaller model in the panel). */
  choose: (catalogueId: string) => Promise<void>;
  /** The spec of the current settings. */
  current: () => Promise<ResolvedSpec>;
  online: () => boolean;
}

export function createDownloadGate(deps: DownloadGateDependencies): DownloadGate {
  const consented = async (): Promise<string[]> => {
    const value = (await deps.storage.get(DOWNLOAD_CONSENT_KEY))[DOWNLOAD_CONSENT_KEY];
    return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
  };

  const stored = async (spec: ModelSpec): Promise<boolean> => {
    if (await deps.files.manifest(spec.modelId, spec.revision)) return true;
    const model = resolveModel(spec.modelId);
    const files = model ? filesFor(model, spec.dtype as Dtype) : [];
    if (files.length === 0) return false;
    for (const file of files) if (!(await deps.files.has({ modelId: spec.modelId, revision: spec.revision, file }))) return false;
    return true;
  };

  const offered = (resolved: ResolvedSpec): OfferedModel => {
    const model = resolveModel(resolved.spec.modelId);
    return {
      modelId: resolved.spec.modelId,
      // A model the writer named by its hub id is shown by it.
      label: model && !model.custom ? model.label : resolved.spec.modelId,
      bytes: resolved.expectedBytes ?? null,
      languages: model?.multilingual === false ? [...model.languages] : null,
    };
  };

  return {
    async mayLoad(spec) {
      if (spec.device === 'builtin') return true;
      return (await consented()).includes(consentKeyOf(spec.modelId)) || (await stored(spec));
    },
    async allow(modelId) {
      const key = consentKeyOf(modelId);
      const current = await deps.current();
      const model = resolveModel(modelId);
      const isCurrent = consentKeyOf(current.spec.modelId) === key;
      // Only the model in use or one from the catalogue: a request cannot name any repository.
      if (!isCurrent && (!model || model.custom)) return;
      const list = await consented();
      if (!list.includes(key)) await deps.storage.set({ [DOWNLOAD_CONSENT_KEY]: [...list, key] });
      if (!isCurrent && model) await deps.choose(model.id);
    },
    async offer(resolved) {
      const device = resolved.spec.device === 'webgpu' ? 'webgpu' : 'wasm';
      const bytes = resolved.expectedBytes ?? null;
      let smaller: OfferedModel | null = null;
      for (const model of listModels()) {
        if (consentKeyOf(model.hubId) === consentKeyOf(resolved.spec.modelId)) continue;
        const candidate = await deps.specFor(model.id).catch(() => null);
        const size = candidate?.expectedBytes ?? null;
        if (!candidate || size === null || bytes === null || size >= bytes) continue;
        if (smaller === null || size < (smaller.bytes ?? Infinity)) smaller = offered(candidate);
      }
      return { model: offered(resolved), device, smaller, offline: !deps.online() };
    },
  };
}
