/**
 * Remembers a WebGPU failure in the browser's session storage: kept across service-worker
 * restarts (a worker whose GPU device was lost cannot run the model any more; the next one must
 * start on WASM), forgotten when the browser restarts, when WebGPU is worth trying again.
 */
export const WEBGPU_FAILURE_KEY = 'webgpuFailure';

interface SessionArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

export function webgpuFailureMemory(session: SessionArea): { recall(): Promise<string | null>; remember(message: string): Promise<void> } {
  return {
    async recall() {
      const value = (await session.get(WEBGPU_FAILURE_KEY))[WEBGPU_FAILURE_KEY];
      return typeof value === 'string' && value ? value : null;
    },
    remember: (message) => session.set({ [WEBGPU_FAILURE_KEY]: message }),
  };
}
