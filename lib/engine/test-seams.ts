/**
 * Test seams: switches that only tests and the benchmark set, read from `storage.local` under
 * ENGINE_TEST_SEAMS_KEY. Absent (the normal case), they change nothing. They exist because some
 * situations cannot be produced on demand in a real browser: a GPU device lost at a chosen moment,
 * or a generation slow enough to outlast the service worker's idle timeout.
 */
export const ENGINE_TEST_SEAMS_KEY = 'engineTestSeams';

export interface EngineTestSeams {
  /** Waits this long before each decoding step (makes a tiny model's generation take seconds). */
  stepDelayMs?: number;
  /**
   * Waits this long before the first step of each generation: a long prompt's first pass on a slow
   * machine, during which the worker receives and sends nothing (what the keep-alive is for).
   */
  prefillDelayMs?: number;
  /** Makes loading on WebGPU fail with this message (as a real adapter failure would). */
  webgpuLoadFailure?: string;
  /** On WebGPU, destroys the GPU device before this forward pass of a generation (1 = the first): a real device loss. */
  loseWebgpuDeviceAtStep?: number;
  /** Runs onnxruntime's WASM backend on this many threads where the page allows threads (CI machines have 2 cores: one by default). */
  wasmThreads?: number;
}

/** Replaces the contents of a live seams object (loaded models hold it) with `value`, parsed. */
export function replaceTestSeams(seams: EngineTestSeams, value: unknown): void {
  for (const key of Object.keys(seams)) delete seams[key as keyof EngineTestSeams];
  Object.assign(seams, parseTestSeams(value));
}

export function parseTestSeams(value: unknown): EngineTestSeams {
  if (typeof value !== 'object' || value === null) return {};
  const raw = value as Record<string, unknown>;
  const seams: EngineTestSeams = {};
  if (typeof raw.stepDelayMs === 'number' && raw.stepDelayMs > 0 && raw.stepDelayMs <= 10_000) seams.stepDelayMs = raw.stepDelayMs;
  if (typeof raw.prefillDelayMs === 'number' && raw.prefillDelayMs > 0 && raw.prefillDelayMs <= 120_000) seams.prefillDelayMs = raw.prefillDelayMs;
  if (typeof raw.webgpuLoadFailure === 'string' && raw.webgpuLoadFailure) seams.webgpuLoadFailure = raw.webgpuLoadFailure;
  if (typeof raw.loseWebgpuDeviceAtStep === 'number' && Number.isInteger(raw.loseWebgpuDeviceAtStep) && raw.loseWebgpuDeviceAtStep > 0) {
    seams.loseWebgpuDeviceAtStep = raw.loseWebgpuDeviceAtStep;
  }
  if (typeof raw.wasmThreads === 'number' && Number.isInteger(raw.wasmThreads) && raw.wasmThreads >= 1 && raw.wasmThreads <= 16) seams.wasmThreads = raw.wasmThreads;
  return seams;
}
