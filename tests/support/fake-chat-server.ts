/**
 * A fake OpenAI-compatible chat-completions server for fault injection only (the real path is
 * tested against llama.cpp's server, scripts/llama-server/): it answers the way Ollama, vLLM and
 * llama.cpp answer when things go wrong, and records every request it got (bodies included), so
 * a test can tell what reached it.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeChatMode =
  /** Streams `reply` word by word, then `[DONE]`. */
  | 'ok'
  /** Ollama's refusal of an origin it was not told of: 403 with an empty body. */
  | 'forbidden'
  /** A missing or wrong API key (OpenAI's body shape). */
  | 'unauthorized'
  /** Ollama's answer for a model it does not have. */
  | 'unknown-model'
  /** Streams the first two words, then (300 ms later) closes the connection without finishing. */
  | 'cut';

export interface FakeChatRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeChatServer {
  origin: string;
  mode: FakeChatMode;
  /** What an 'ok' stream says (split on spaces into chunks). */
  reply: string;
  requests: FakeChatRequest[];
  close(): Promise<void>;
}

function chunk(content: string, finish: string | null = null): string {
  return `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;
}

export async function startFakeChatServer(mode: FakeChatMode = 'ok'): Promise<FakeChatServer> {
  const state: FakeChatServer = { origin: '', mode, reply: 'The council approved the budget.', requests: [], close: async () => undefined };
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (part: Buffer) => (body += part.toString('utf8')));
    request.on('end', () => {
      state.requests.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body });
      if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
        response.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found');
        return;
      }
      const model = (JSON.parse(body) as { model?: string }).model ?? '';
      switch (state.mode) {
        case 'forbidden':
          response.writeHead(403).end();
          return;
        case 'unauthorized':
          response
            .writeHead(401, { 'Content-Type': 'application/json' })
            .end(JSON.stringify({ error: { message: 'Invalid API key', type: 'invalid_request_error', code: 'invalid_api_key' } }));
          return;
        case 'unknown-model':
          response.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { message: `model "${model}" not found, try pulling it first`, type: 'api_error' } }));
          return;
        case 'ok':
        case 'cut': {
          response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
          const words = state.reply.split(/(?<= )/);
          if (state.mode === 'cut') {
            response.write(chunk(words.slice(0, 2).join('')));
            // Mid-stream: the first words went out, then the connection drops.
            setTimeout(() => response.socket?.destroy(), 300);
            return;
          }
          words.forEach((word, i) => response.write(chunk(word, i === words.length - 1 ? 'stop' : null)));
          response.end('data: [DONE]\n\n');
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/** An origin on this machine where nothing listens (a server that is down: connection refused). */
export async function closedPortOrigin(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
