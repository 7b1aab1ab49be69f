import { MODEL_HOST_CONNECT, MODEL_HOST_PORT_NAME } from '../messaging/model-host';
import type { ModelHostAccess, ModelHostPort } from './remote-generator';
import type { EngineTestSeams } from './test-seams';

/** The page the model runs in (entrypoints/model-host). */
export const MODEL_HOST_PAGE = 'model-host.html';

/** The parts of `chrome.offscreen` and `chrome.runtime` used here (Chromium only; Firefox has no offscreen documents). */
export interface OffscreenApi {
  createDocument(parameters: { url: string; reasons: string[]; justification: string }): Promise<void>;
  closeDocument(): Promise<void>;
}
export interface HostRuntimeApi {
  getURL(path: string): string;
  getContexts(filter: { contextTypes: string[] }): Promise<unknown[]>;
  sendMessage(message: unknown): Promise<unknown>;
}

/** How long the document may take to open its port, and how often to try. */
const CONNECT_TIMEOUT_MS = 10_000;
const CONNECT_ATTEMPTS = 3;

export interface OffscreenModelHost extends ModelHostAccess {
  /** Give it every `model-host` port the background receives; false when it is not the document's. */
  accept(port: ModelHostPort & { sender?: { url?: string } }): boolean;
}

/**
 * The model host as an offscreen document. Why one: it is a page, so onnxruntime runs there at a
 * page's speed (in a service worker the same WASM decodes measurably slower, see bench:engine);
 * a model loaded there outlives the service worker's idle stops; and closing it discards a
 * runtime that lost its GPU device, which a service worker cannot do to itself. Document
 * operations are serialised; the last port released closes the document.
 */
export function offscreenModelHost(offscreen: OffscreenApi, runtime: HostRuntimeApi, seams: () => EngineTestSeams): OffscreenModelHost {
  const pageUrl = runtime.getURL(MODEL_HOST_PAGE);
  let open = 0;
  let queue: Promise<unknown> = Promise.resolve();
  let waiting: ((port: ModelHostPort) => void) | null = null;
  const serial = <T>(operation: () => Promise<T>): Promise<T> => {
    const result = queue.then(operation, operation);
    queue = result.catch(() => undefined);
    return result;
  };
  const documentExists = async () => (await runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] })).length > 0;

  /** Starts the document (it connects when it loads) or asks the running one to connect. */
  const nextPort = () =>
    new Promise<ModelHostPort | null>((resolve) => {
      const timer = setTimeout(() => {
        waiting = null;
        resolve(null);
      }, CONNECT_TIMEOUT_MS);
      waiting = (port) => {
        clearTimeout(timer);
        waiting = null;
        resolve(port);
      };
      void (async () => {
        if (await documentExists()) await runtime.sendMessage(MODEL_HOST_CONNECT).catch(() => undefined);
        else
          await offscreen.createDocument({
            url: MODEL_HOST_PAGE,
            reasons: ['WORKERS'],
            justification: 'Runs the on-device language model (WebAssembly or WebGPU) that writes suggestions; no text leaves the machine.',
          });
      })().catch(() => undefined);
    });

  return {
    accept(port) {
      if (port.sender?.url !== pageUrl || !waiting) return false;
      waiting(port);
      return true;
    },
    connect: () =>
      serial(async () => {
        for (let attempt = 1; attempt <= CONNECT_ATTEMPTS; attempt++) {
          const port = await nextPort();
          if (port) {
            open += 1;
            return port;
          }
        }
        throw new Error('The on-device model host did not start.');
      }),
    release: () =>
      serial(async () => {
        open = Math.max(0, open - 1);
        if (open === 0 && (await documentExists())) await offscreen.closeDocument();
      }),
    seams,
  };
}
