/**
 * Helpers for the engine's end-to-end tests: talk to the background from an extension page the
 * way the options page and the content script do (one-shot messages, the `generate` port).
 */
import type { Page } from 'playwright-core';
import type { EngineResponses, GenerateRequest, GenerateServerMessage, Request } from '../../../lib/messaging';
import type { LaunchedExtension } from './browser';

/** Opens the extension's engine lab page (an extension page: it may message the background). */
export async function openLab(browser: LaunchedExtension): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/engine-lab.html`);
  return page;
}

type Chrome = {
  runtime: {
    sendMessage(message: unknown): Promise<unknown>;
    connect(info: { name: string }): {
      postMessage(message: unknown): void;
      disconnect(): void;
      onMessage: { addListener(l: (m: unknown) => void): void };
      onDisconnect: { addListener(l: () => void): void };
    };
  };
  storage: { local: { set(items: object): Promise<void> } };
};

export async function engineRequest<T extends Request['type']>(
  page: Page,
  message: Extract<Request, { type: T }>,
): Promise<EngineResponses[T & keyof EngineResponses]> {
  return page.evaluate((m) => (globalThis as unknown as { chrome: Chrome }).chrome.runtime.sendMessage(m), message) as Promise<
    EngineResponses[T & keyof EngineResponses]
  >;
}

export interface PortRun {
  messages: GenerateServerMessage[];
  /** True when the port disconnected before a final message (the background stopped). */
  lost: boolean;
}

/** One request over a `generate` port, as the content script sends it; resolves at the final message or a disconnect. */
export async function generateViaPort(page: Page, request: Omit<GenerateRequest, 'type'>): Promise<PortRun> {
  return page.evaluate(generateInPage, request);
}

/** The in-page half of `generateViaPort` (self-contained: it is also sent as source over CDP). */
export function generateInPage(request: Omit<GenerateRequest, 'type'>): Promise<PortRun> {
  return new Promise<PortRun>((resolve) => {
    const { chrome } = globalThis as unknown as { chrome: Chrome };
    const messages: GenerateServerMessage[] = [];
    const port = chrome.runtime.connect({ name: 'generate' });
    port.onMessage.addListener((m) => {
      const message = m as GenerateServerMessage;
      messages.push(message);
      if (message.type === 'done' || message.type === 'error') {
        port.disconnect();
        resolve({ messages, lost: false });
      }
    });
    port.onDisconnect.addListener(() => resolve({ messages, lost: true }));
    port.postMessage({ type: 'generate', ...request });
  });
}

export function continueRequest(requestId: string, text = 'The mayor said that the council would meet', variants = 1): Omit<GenerateRequest, 'type'> {
  return { requestId, fieldKey: `lab|${requestId}`, action: 'continue', text, selectionStart: text.length, selectionEnd: text.length, variants };
}

export async function setTestSeams(page: Page, seams: Record<string, unknown> | null): Promise<void> {
  await page.evaluate(
    (value) => (globalThis as unknown as { chrome: Chrome }).chrome.storage.local.set({ engineTestSeams: value }),
    seams,
  );
}

/** Full (non-range) GET requests the model host served for one file. */
export function fullGets(log: { method: string; path: string; range: string | null }[], file: string): number {
  return log.filter((e) => e.method === 'GET' && e.range === null && e.path.endsWith(`/${file}`)).length;
}
