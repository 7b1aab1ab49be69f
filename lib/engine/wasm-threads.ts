// onnxruntime's own glue script and binary, emitted as files of the extension (the glue is also
// what each thread worker loads; the binary is the same file transformers.js' bundle references).
import ortGlueUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';

/** onnxruntime's own default stops at four too; the writer's other tabs still need cores. */
export const MAX_WASM_THREADS = 4;

export interface WasmThreadContext {
  /** `crossOriginIsolated` of the document that runs the model: threads need SharedArrayBuffer. */
  crossOriginIsolated: boolean;
  /** `navigator.hardwareConcurrency`. */
  cores: number;
  /** A test seam: this many threads wherever threads are possible. */
  forced?: number;
}

/**
 * How many threads onnxruntime's WASM backend gets: half the cores (the page, the browser and the
 * writer's typing keep the rest), at most MAX_WASM_THREADS, and one where the document is not
 * cross-origin isolated (a service worker, Firefox's event page).
 */
export function wasmThreadCount({ crossOriginIsolated, cores, forced }: WasmThreadContext): number {
  if (!crossOriginIsolated) return 1;
  if (forced !== undefined) return forced;
  return Math.max(1, Math.min(MAX_WASM_THREADS, Math.floor(cores / 2)));
}

/**
 * Where onnxruntime loads its glue and binary from when it runs threads. Its bundled copy of the
 * glue (inside transformers.js) would start each thread worker from the page's own URL, which is
 * HTML; the shipped glue file starts them from itself.
 */
export const THREADED_WASM_PATHS = { mjs: ortGlueUrl, wasm: ortWasmUrl } as const;
