/**
 * Test seams: switches that only tests and the benchmark set, read from `storage.local` under
 * ENGINE_TEST_SEAMS_KEY. Absent (the normal case), they change nothing. They exist because some
 * failures cannot be produced on demand in a real browser: a WebGPU device lost mid-run, or a
 * generation slow enough to stop the service worker in the middle of it.
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
  /** Makes generation on WebGPU fail with this message (as a lost device would). */
  webgpuRunFailure?: string;
}

export function parseTestSeams(value: unknown): EngineTestSeams {
  if (typeof value !== 'object' || value === null) return {};
  const raw = value as Record<string, unknown>;
  const seams: EngineTestSeams = {};
  if (typeof raw.stepDelayMs === 'number' && raw.stepDelayMs > 0 && raw.stepDelayMs <= 10_000) seams.stepDelayMs = raw.stepDelayMs;
  if (typeof raw.prefillDelayMs === 'number' && raw.prefillDelayMs > 0 && raw.prefillDelayMs <= 120_000) seams.prefillDelayMs = raw.prefillDelayMs;
  if (typeof raw.webgpuLoadFailure === 'string' && raw.webgpuLoadFailure) seams.webgpuLoadFailure = raw.webgpuLoadFailure;
  if (typeof raw.webgpuRunFailure === 'string' && raw.webgpuRunFailure) seams.webgpuRunFailure = raw.webgpuRunFailure;
  return seams;
}
