/**
 * Picks the device and weight format for a model from what the browser offers. Pure: the
 * caller probes `navigator.gpu` (adapter features, adapter info) and passes plain data in.
 */
import { t } from '../i18n';
import { DTYPES, type Dtype } from './catalogue';

export type Device = 'webgpu' | 'wasm';

export interface AdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  /** True for a software adapter such as SwiftShader (WebGPU on the CPU). */
  isFallbackAdapter?: boolean;
}

export interface WebGpuInfo {
  /** `adapter.features` as strings, e.g. `['shader-f16', 'timestamp-query']`. */
  features: readonly string[];
  adapterInfo?: AdapterInfo;
}

export interface RuntimeOverride {
  device?: Device;
  dtype?: Dtype;
}

export interface RuntimeInput {
  /** null when `navigator.gpu` is missing or `requestAdapter()` gave no adapter. */
  webgpu: WebGpuInfo | null;
  override?: RuntimeOverride;
  /** The dtypes the model's repository has (see catalogue `availableDtypes`). */
  availableDtypes: readonly Dtype[];
}

export interface RuntimeChoice {
  device: Device;
  dtype: Dtype;
  /** One or two sentences a settings page can show as is. */
  reason: string;
  /** Overrides that could not be honoured, each with its reason (empty when none). */
  refused: string[];
}

export class NoUsableDtypeError extends Error {
  override readonly name = 'NoUsableDtypeError';
}

/** Preference per situation, best first. */
const ORDER = {
  // q4f16 is the smallest and fastest where f16 shaders exist; q8 last on WebGPU because its
  // integer ops partly fall back to the CPU there.
  webgpuF16: ['q4f16', 'q4', 'fp16', 'fp32', 'q8'],
  webgpu: ['q4', 'fp32', 'q8'],
  // On the CPU, 8-bit matmuls are the best speed/quality trade; q4 is smaller but slower per token.
  wasm: ['q8', 'q4', 'fp32', 'fp16'],
} as const satisfies Record<string, readonly Dtype[]>;

export function hasShaderF16(webgpu: WebGpuInfo | null): boolean {
  return webgpu !== null && webgpu.features.includes('shader-f16');
}

/** Why a dtype cannot run on a device, or null if it can. */
export function dtypeProblem(device: Device, dtype: Dtype, webgpu: WebGpuInfo | null): string | null {
  if (device === 'webgpu') {
    if (webgpu === null) return t('runtimeWebgpuUnavailable');
    if ((dtype === 'q4f16' || dtype === 'fp16') && !hasShaderF16(webgpu)) {
      return t('runtimeDtypeNeedsF16', dtype);
    }
    return null;
  }
  if (dtype === 'q4f16') return t('runtimeQ4f16NotOnWasm');
  return null;
}

function orderFor(device: Device, webgpu: WebGpuInfo | null): readonly Dtype[] {
  if (device === 'wasm') return ORDER.wasm;
  return hasShaderF16(webgpu) ? ORDER.webgpuF16 : ORDER.webgpu;
}

function firstUsable(device: Device, webgpu: WebGpuInfo | null, available: readonly Dtype[]): Dtype | null {
  return orderFor(device, webgpu).find((d) => available.includes(d) && dtypeProblem(device, d, webgpu) === null) ?? null;
}

function describeAdapter(webgpu: WebGpuInfo): string {
  const info = webgpu.adapterInfo;
  const name = [info?.vendor, info?.architecture ?? info?.device].filter((s) => s && s.length > 0).join(' ');
  return name.length > 0 ? `WebGPU (${name})` : 'WebGPU';
}

/**
 * Chooses device and dtype:
 * - WebGPU with `shader-f16` → q4f16; WebGPU without it → q4; no WebGPU → WASM q8 (q4 if the model has no q8).
 * - A software (fallback) WebGPU adapter is slower than WASM, so WASM is chosen unless WebGPU is forced.
 * - Overrides are honoured when possible; an impossible one (q4f16 without shader-f16, WebGPU
 *   without an adapter, a dtype the model lacks) is refused with its reason and the automatic choice is used.
 * Throws NoUsableDtypeError when the model has no dtype any device can run.
 */
export function chooseRuntime(input: RuntimeInput): RuntimeChoice {
  const { webgpu, override } = input;
  const available = DTYPES.filter((d) => input.availableDtypes.includes(d));
  if (available.length === 0) throw new NoUsableDtypeError(t('runtimeNoDtypes'));
  const refused: string[] = [];
  const notes: string[] = [];

  // 1. Device.
  let device: Device;
  if (override?.device === 'webgpu') {
    if (webgpu === null) {
      refused.push(t('runtimeRefusedWebgpu'));
      device = 'wasm';
    } else {
      device = 'webgpu';
      notes.push(t('runtimeChosenInSettings', 'WebGPU'));
    }
  } else if (override?.device === 'wasm') {
    device = 'wasm';
    notes.push(t('runtimeChosenInSettings', 'WASM'));
  } else if (webgpu === null) {
    device = 'wasm';
    notes.push(t('runtimeWebgpuUnavailable'));
  } else if (webgpu.adapterInfo?.isFallbackAdapter) {
    device = 'wasm';
    notes.push(t('runtimeSoftwareAdapter'));
  } else {
    device = 'webgpu';
  }

  // 2. Requested dtype, if any.
  let dtype: Dtype | null = null;
  const wanted = override?.dtype;
  if (wanted !== undefined) {
    if (!available.includes(wanted)) {
      refused.push(t('runtimeRefusedDtypeMissing', wanted));
    } else {
      const problem = dtypeProblem(device, wanted, webgpu);
      if (problem === null) {
        dtype = wanted;
        notes.push(t('runtimeChosenInSettings', wanted));
      } else {
        refused.push(t('runtimeRefusedDtype', wanted, problem));
      }
    }
  }

  // 3. Automatic dtype, switching device if this one can run nothing the model has.
  if (dtype === null) {
    dtype = firstUsable(device, webgpu, available);
    if (dtype === null && device === 'webgpu') {
      device = 'wasm';
      notes.push(t('runtimeNoWebgpuDtype'));
      dtype = firstUsable('wasm', webgpu, available);
    }
    if (dtype === null) throw new NoUsableDtypeError(t('runtimeNoneRuns', available.join(', '), device));
    const preferred = orderFor(device, webgpu)[0];
    if (preferred !== undefined && dtype !== preferred && !available.includes(preferred)) {
      notes.push(t('runtimeNoPreferredExport', preferred));
    }
  }

  const where = device === 'webgpu' && webgpu !== null ? describeAdapter(webgpu) : 'WASM (CPU)';
  let why: string;
  if (notes.length > 0) why = notes.join('; ');
  else if (device === 'webgpu') why = t(hasShaderF16(webgpu) ? 'runtimeAdapterHasF16' : 'runtimeAdapterLacksF16');
  else why = t('runtimeAutomatic');
  const reason =
    refused.length > 0 ? t('runtimeReasonWithRefused', where, dtype, why, refused.join('. ')) : t('runtimeReason', where, dtype, why);
  return { device, dtype, reason, refused };
}

/**
 * The runtime to retry with after WebGPU failed (adapter lost, shader compile error, out of
 * memory). Always WASM; keeps the current dtype when WASM can run it (no second download),
 * else the best WASM dtype the model has. Call it once: it does not try WebGPU again.
 */
export function fallbackAfterWebgpuFailure(
  current: RuntimeChoice,
  availableDtypes: readonly Dtype[] = [current.dtype],
  error?: unknown,
): RuntimeChoice {
  const cause = error instanceof Error ? error.message : typeof error === 'string' ? error : null;
  const failure = cause ? t('runtimeWebgpuFailedBecause', cause) : t('runtimeWebgpuFailed');
  if (current.device === 'wasm') {
    return { ...current, reason: t('runtimeFallbackAlreadyWasm', current.reason, failure) };
  }
  const available = DTYPES.filter((d) => availableDtypes.includes(d));
  const keep = available.includes(current.dtype) && dtypeProblem('wasm', current.dtype, null) === null;
  const dtype = keep ? current.dtype : firstUsable('wasm', null, available);
  if (dtype === null) throw new NoUsableDtypeError(t('runtimeFallbackNoneRuns', failure, available.join(', ')));
  const kept = keep ? t('runtimeKeptDtype', dtype) : t('runtimeSwitchedDtype', current.dtype, dtype);
  return {
    device: 'wasm',
    dtype,
    reason: t('runtimeFallbackReason', dtype, failure, kept),
    refused: current.refused,
  };
}
