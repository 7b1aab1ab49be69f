import type { EngineService } from '../engine/engine-service';
import { parseGenerateClientMessage, type GenerateServerMessage } from '../messaging';
import { senderSite, type MessageSenderLike } from './sender-scope';

/** The parts of a runtime Port this module uses (so Node tests can pass a fake). */
export interface PortLike {
  sender?: MessageSenderLike & { tab?: { id?: number } };
  postMessage(message: GenerateServerMessage): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

/**
 * Serves one `generate` port: validates each message, runs the request on the engine and streams
 * results back. When the panel goes away (port disconnected), its request is cancelled.
 */
export function serveGeneratePort(port: PortLike, engine: EngineService, own: { pagesOrigin: string }): void {
  // Which site asked decides the engine (on the device, or the newsroom server for the sites sent there).
  const site = senderSite(port.sender, own);
  const requests = new Set<string>();
  let open = true;
  const send = (message: GenerateServerMessage) => {
    if (open) port.postMessage(message);
  };
  port.onDisconnect.addListener(() => {
    open = false;
    for (const id of requests) engine.cancel(id);
  });
  port.onMessage.addListener((raw) => {
    const message = parseGenerateClientMessage(raw);
    if (!message) return;
    if (message.type === 'cancel') {
      engine.cancel(message.requestId);
      return;
    }
    requests.add(message.requestId);
    void engine.generate(message, port.sender?.tab?.id, send, site).finally(() => requests.delete(message.requestId));
  });
}
