import { env } from '@huggingface/transformers';
import { parseHubFileUrl, type ModelFileCache } from './model-file-cache';
import { THREADED_WASM_PATHS, wasmThreadCount } from './wasm-threads';

type Fetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * Points transformers.js at our model host and cache. Called before every load: the host is a
 * setting the writer can change. Nothing of onnxruntime is fetched from a CDN (the extension's CSP
 * would refuse it): on one thread the build's rewrite of onnxruntime's own reference to its .wasm
 * (an extension URL) suffices; on several threads it loads the shipped glue file (wasm-threads.ts).
 */
export function configureTransformersEnv(options: { remoteHost: string; cache: ModelFileCache; fetch?: Fetch; forcedWasmThreads?: number }): void {
  env.remoteHost = options.remoteHost.replace(/\/+$/, '') + '/';
  env.allowRemoteModels = true;
  env.allowLocalModels = false;
  // The Cache API refuses chrome-extension:// keys and we want host-independent keys: our cache.
  env.useBrowserCache = false;
  env.useCustomCache = true;
  env.customCache = options.cache;
  // Imported models never touch the network (see modelFetch).
  env.fetch = modelFetch(options.cache, options.fetch ?? globalThis.fetch.bind(globalThis));
  // The runtime is part of the extension; caching it again would only copy 20+ MB.
  env.useWasmCache = false;
  const wasm = env.backends.onnx.wasm;
  if (wasm) {
    wasm.numThreads = wasmThreadCount({
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      cores: globalThis.navigator?.hardwareConcurrency ?? 1,
      forced: options.forcedWasmThreads,
    });
    if (wasm.numThreads > 1) {
      wasm.wasmPaths = { ...THREADED_WASM_PATHS };
      return;
    }
    // In a document (an extension page, Firefox's event page) transformers.js points onnxruntime
    // at a CDN copy of the .wasm; the CSP forbids it and the extension ships its own: undo that,
    // so onnxruntime uses the bundled asset URL the build wrote into it.
    const paths = wasm.wasmPaths as { wasm?: unknown } | string | undefined;
    const url = typeof paths === 'string' ? paths : typeof paths?.wasm === 'string' ? paths.wasm : '';
    if (/^https?:\/\/cdn\.jsdelivr\.net\//.test(url)) delete wasm.wasmPaths;
  }
}

/**
 * transformers.js' fetch. A model stored by an offline import is complete by definition: a file
 * its folder lacks (an optional `generation_config.json`, a dtype it does not have) is answered
 * "404" here without a request, and its files' size probes are answered from the cache. Every
 * other request goes to the network as usual.
 */
export function modelFetch(cache: ModelFileCache, base: Fetch): Fetch {
  return async (input, init) => {
    const ref = parseHubFileUrl(String(input));
    if (ref) {
      const manifest = await cache.manifest(ref.modelId, ref.revision);
      if (manifest) {
        const stored = manifest.files.includes(ref.file) ? await cache.match(String(input)) : undefined;
        if (stored) return stored;
        return new Response(JSON.stringify({ error: `${ref.file} is not part of the imported model ${ref.modelId}` }), {
          status: 404,
          headers: { 'content-type': 'application/json', 'x-error-code': 'EntryNotFound' },
        });
      }
    }
    return base(input, init);
  };
}
