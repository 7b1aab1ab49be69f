import { browser } from 'wxt/browser';
import {
  GENERATE_PORT_NAME,
  parseGenerateServerMessage,
  type GenerateRequest,
  type GenerateServerMessage,
} from '@/lib/messaging/generate';

export interface GenerationHandlers {
  onMessage: (message: GenerateServerMessage) => void;
  /** The channel ended before a final message: the background stopped or the extension reloaded. */
  onLost: () => void;
}

export interface GenerationHandle {
  cancel(): void;
}

/**
 * Runs one suggestion request over its own port. Each request gets a fresh port so that a
 * service worker that dies mid-generation is noticed through `onDisconnect` — the panel then
 * offers a retry instead of waiting forever.
 */
export function requestGeneration(request: Omit<GenerateRequest, 'type'>, handlers: GenerationHandlers): GenerationHandle {
  let settled = false;
  let port: ReturnType<typeof browser.runtime.connect>;
  try {
    port = browser.runtime.connect({ name: GENERATE_PORT_NAME });
  } catch {
    // The extension was reloaded or removed: this content script is orphaned.
    queueMicrotask(() => handlers.onLost());
    return { cancel() {} };
  }
  port.onMessage.addListener((raw: unknown) => {
    const message = parseGenerateServerMessage(raw);
    if (!message || message.requestId !== request.requestId || settled) return;
    if (message.type === 'done' || message.type === 'error') settled = true;
    handlers.onMessage(message);
    if (settled) port.disconnect();
  });
  port.onDisconnect.addListener(() => {
    if (settled) return;
    settled = true;
    handlers.onLost();
  });
  port.postMessage({ type: 'generate', ...request } satisfies GenerateRequest);
  return {
    cancel() {
      if (settled) return;
      settled = true;
      try {
        port.postMessage({ type: 'cancel', requestId: request.requestId });
        port.disconnect();
      } catch {
        // Already disconnected: nothing left to cancel.
      }
    },
  };
}
