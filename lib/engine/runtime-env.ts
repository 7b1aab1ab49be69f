import { env } from '@huggingface/transformers';
import type { ModelFileCache } from './model-file-cache';

/**
 * Points transformers.js at our model host and cache. Called before every load: the host is a
 * setting the writer can change. The onnxruntime .wasm needs no path: the build emits it as one
 * asset and rewrites onnxruntime's own reference to it (an extension URL), so nothing is fetched
 * from a CDN, which the extension's CSP would refuse anyway.
 */
export function configureTransformersEnv(options: { remoteHost: string; cache: ModelFileCache }): void {
  env.remoteHost = options.remoteHost.replace(/\/+$/, '') + '/';
  env.allowRemoteModels = true;
  env.allowLocalModels = false;
  // The Cache API refuses chrome-extension:// keys and we want host-independent keys: our cache.
  env.useBrowserCache = false;
  env.useCustomCache = true;
  env.customCache = options.cache;
  // The runtime is part of the extension; caching it again would only copy 20+ MB.
  env.useWasmCache = false;
  const wasm = env.backends.onnx.wasm;
  // Service workers are not cross-origin isolated: no SharedArrayBuffer, so no threads.
  if (wasm) wasm.numThreads = 1;
}
