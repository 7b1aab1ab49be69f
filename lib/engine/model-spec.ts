import { t } from '../i18n';
import type { Settings } from '../settings';
import { chooseRuntime, type WebGpuInfo } from './capabilities';
import { availableDtypes, defaultModel, downloadBytes, resolveModel, type Dtype } from './catalogue';
import type { ResolvedSpec } from './engine-service';
import { PROMPT_API_MODEL_ID } from './prompt-api';

export class ModelChoiceError extends Error {
  override readonly name = 'ModelChoiceError';
}

/**
 * Settings + what the browser offers → the model, device and dtype to load, with a reason the
 * popup and options page show as is. `storedDtypes`: for an imported model, the dtypes its folder
 * has (a custom model otherwise offers every dtype and the loader finds out).
 */
export function modelSpecFor(settings: Settings, webgpu: WebGpuInfo | null, storedDtypes?: readonly Dtype[]): ResolvedSpec {
  if (settings.device === 'builtin') {
    // The browser's own model: nothing to download; whether it is available is found out at load.
    return {
      spec: { modelId: PROMPT_API_MODEL_ID, revision: 'builtin', device: 'builtin', dtype: 'builtin', host: '' },
      reason: t('runtimeBuiltinChosen'),
      expectedBytes: null,
    };
  }
  const model = settings.modelId ? resolveModel(settings.modelId) : defaultModel();
  if (!model) throw new ModelChoiceError(t('runtimeBadModelId', settings.modelId));
  const dtypes = storedDtypes && storedDtypes.length > 0 ? availableDtypes(model).filter((d) => storedDtypes.includes(d)) : availableDtypes(model);
  const choice = chooseRuntime({
    webgpu,
    availableDtypes: dtypes,
    override: {
      ...(settings.device !== 'auto' ? { device: settings.device } : {}),
      ...(settings.dtype !== 'auto' ? { dtype: settings.dtype } : {}),
    },
  });
  const revision = model.custom && settings.modelRevision ? settings.modelRevision : model.revision;
  return {
    spec: { modelId: model.hubId, revision, device: choice.device, dtype: choice.dtype, host: settings.modelHost },
    reason: choice.reason,
    expectedBytes: downloadBytes(model, choice.dtype),
    availableDtypes: dtypes,
  };
}

/**
 * A freshly started Chromium answered null to its first `requestAdapter()` and offered the GPU to
 * later calls (seen on Linux with NVIDIA's Vulkan driver): ask again after these pauses before
 * concluding there is no GPU, since the answer decides WebGPU or WASM for the worker's life.
 */
export const ADAPTER_RETRY_DELAYS_MS = [150, 400] as const;

/** Probes WebGPU in the current context (service worker or page); null when there is none. */
export async function probeWebGpu(
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<WebGpuInfo | null> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }).gpu;
  if (!gpu) return null;
  try {
    let adapter = await gpu.requestAdapter();
    for (const delay of ADAPTER_RETRY_DELAYS_MS) {
      if (adapter) break;
      await sleep(delay);
      adapter = await gpu.requestAdapter();
    }
    if (!adapter) return null;
    const info = adapter.info ?? {};
    return {
      features: [...adapter.features],
      adapterInfo: {
        vendor: info.vendor,
        architecture: info.architecture,
        device: info.device,
        description: info.description,
        isFallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter),
      },
    };
  } catch {
    return null;
  }
}

interface GpuAdapterLike {
  features: Iterable<string>;
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
}
