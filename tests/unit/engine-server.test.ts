/**
 * The newsroom server engine in Node against a fake OpenAI-compatible server (fault injection):
 * what goes to the server (the same prompt, the variant plan, the key only there), what the
 * writer reads when it fails, and that the engine service sends only the chosen sites there.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EngineService } from '../../lib/engine/engine-service';
import { preparePrompt } from '../../lib/engine/prompts';
import { serverSpec, type ServerConfig } from '../../lib/engine/server-config';
import { loadServerGenerator, type ServerAccess } from '../../lib/engine/server-engine';
import type { ModelSpec, TextGenerator } from '../../lib/engine/text-generator';
import type { GenerateRequest, GenerateServerMessage } from '../../lib/messaging';
import { closedPortOrigin, startFakeChatServer, type FakeChatServer } from '../support/fake-chat-server';

const EXTENSION_ORIGIN = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
let server: FakeChatServer;

beforeAll(async () => {
  server = await startFakeChatServer();
});
afterAll(() => server?.close());
beforeEach(() => {
  server.mode = 'ok';
  server.requests.length = 0;
});

function config(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return { url: server.origin, model: 'smollm2', apiKey: '', sites: ['cms.example.org'], ...overrides };
}

function access(overrides: Partial<ServerAccess> = {}): ServerAccess {
  return { apiKey: () => '', granted: async () => true, extensionOrigin: EXTENSION_ORIGIN, ...overrides };
}

/** A stand-in for the on-device model (its own tests are engine-service.test.ts). */
function deviceGenerator(): TextGenerator {
  return {
    spec: { host: 'https://huggingface.co', modelId: 'device/model', revision: 'main', device: 'wasm', dtype: 'q4' },
    generate: async ({ onText, onToken }) => {
      onToken?.();
      onText?.(' on the device.');
      return ' on the device.';
    },
    dispose: async () => undefined,
  };
}

function engineFor(cfg: ServerConfig, serverAccess = access()) {
  const loads: ModelSpec[] = [];
  const engine = new EngineService(
    {
      resolveSpec: async (site) =>
        site !== null && cfg.sites.includes(site)
          ? { spec: serverSpec(cfg), reason: 'server' }
          : { spec: deviceGenerator().spec, reason: 'device' },
      load: async (spec) => {
        loads.push(spec);
        return spec.device === 'server' ? loadServerGenerator(spec, { ...serverAccess, apiKey: () => cfg.apiKey }) : deviceGenerator();
      },
    },
    { maxNewTokens: 32, timeoutMs: 10_000 },
  );
  return { engine, loads };
}

const TEXT = 'The mayor said that the council would meet on Tuesday.';
function request(id: string, variants = 1): GenerateRequest {
  return { type: 'generate', requestId: id, fieldKey: `f|${id}`, action: 'continue', text: TEXT, selectionStart: TEXT.length, selectionEnd: TEXT.length, variants };
}

async function run(engine: EngineService, req: GenerateRequest, site: string | null): Promise<GenerateServerMessage[]> {
  const messages: GenerateServerMessage[] = [];
  await engine.generate(req, 1, (m) => messages.push(m), site);
  return messages;
}

describe('the server engine', () => {
  it('sends the same prompt and variant plan to the chosen site’s server, streams the reply, and names the server and model', async () => {
    server.reply = ' The budget passed by seven votes to two.';
    const { engine } = engineFor(config());
    const messages = await run(engine, request('ok-1', 2), 'cms.example.org');
    const done = messages.at(-1);
    expect(done?.type, JSON.stringify(done)).toBe('done');
    expect(done).toMatchObject({ variants: [' The budget passed by seven votes to two.'], model: { id: 'smollm2', backend: 'server', server: server.origin } });
    expect(messages.find((m) => m.type === 'started')).toMatchObject({ model: { backend: 'server', server: server.origin } });
    // Streamed before the end: at least one partial variant.
    expect(messages.some((m) => m.type === 'variant' && !m.final)).toBe(true);
    const posts = server.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/chat/completions']);
    const [greedy, sampled] = posts.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(greedy).toMatchObject({ model: 'smollm2', stream: true, max_tokens: expect.any(Number), temperature: 0, messages: preparePrompt({ action: 'continue', text: TEXT, caret: TEXT.length, selection: null }).messages });
    expect(sampled!.temperature).toBeGreaterThan(0);
    expect(sampled!.seed).not.toBe(greedy!.seed);
    // No key set: no Authorization header, no cookies.
    expect(posts.every((r) => r.headers.authorization === undefined && r.headers.cookie === undefined)).toBe(true);
  });

  it('sends the API key as a bearer token to the server, and nowhere in what the engine reports', async () => {
    const { engine } = engineFor(config({ apiKey: 'sk-newsroom-secret' }));
    const messages = await run(engine, request('key-1'), 'cms.example.org');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-newsroom-secret');
    expect(JSON.stringify(messages)).not.toContain('sk-newsroom-secret');
    expect(JSON.stringify(engine.stats())).not.toContain('sk-newsroom-secret');
  });

  it('keeps every other site, and the extension’s own pages, on the device without unloading its model', async () => {
    const { engine, loads } = engineFor(config());
    expect((await run(engine, request('dev-1'), 'news.example.com')).at(-1)).toMatchObject({ type: 'done', model: { backend: 'wasm' } });
    expect((await run(engine, request('srv-1'), 'cms.example.org')).at(-1)).toMatchObject({ type: 'done', model: { backend: 'server' } });
    expect((await run(engine, request('dev-2'), null)).at(-1)).toMatchObject({ type: 'done', model: { backend: 'wasm' } });
    expect(server.requests).toHaveLength(1);
    // One load each: going to the server did not unload the on-device model.
    expect(loads.map((s) => s.device)).toEqual(['wasm', 'server']);
  });

  it('sends nothing when the browser has not granted the server’s origin, and says how to grant it', async () => {
    const { engine } = engineFor(config(), access({ granted: async () => false }));
    const error = (await run(engine, request('grant-1'), 'cms.example.org')).at(-1);
    expect(error).toMatchObject({ type: 'error', retryable: false });
    expect(error?.type === 'error' && error.message).toBe(`Ledgerline may not send text to ${server.origin} yet: open the settings and choose “Use this server” to grant access to it.`);
    expect(server.requests).toHaveLength(0);
  });

  const failures: [string, FakeChatServer['mode'], RegExp][] = [
    ['Ollama’s 403 for an extension origin', 'forbidden', /refused requests from this extension \(HTTP 403\)\. If it is Ollama, its admin must allow the extension's origin: start Ollama with OLLAMA_ORIGINS=chrome-extension:\/\/abcdefghijklmnopabcdefghijklmnop$/],
    ['a 401', 'unauthorized', /refused the API key \(HTTP 401\)\. Enter the key your newsroom gave you in the settings\./],
    ['a model the server does not have', 'unknown-model', /has no model named “smollm2”\. Check the model name in the settings/],
    ['a stream cut mid-way', 'cut', /stopped in the middle of a suggestion/],
  ];
  it.each(failures)('%s: the writer reads what happened and what to do', async (_what, mode, message) => {
    server.mode = mode;
    const { engine } = engineFor(config());
    const error = (await run(engine, request(`fail-${mode}`), 'cms.example.org')).at(-1);
    expect(error?.type, JSON.stringify(error)).toBe('error');
    expect(error?.type === 'error' && error.message).toMatch(message);
    expect(error?.type === 'error' && error.message).toContain(server.origin);
  });

  it('a server that is down (connection refused)', async () => {
    const origin = await closedPortOrigin();
    const { engine } = engineFor(config({ url: origin }));
    const error = (await run(engine, request('down-1'), 'cms.example.org')).at(-1);
    expect(error).toMatchObject({ type: 'error', retryable: true });
    expect(error?.type === 'error' && error.message).toBe(
      `Could not reach the server at ${origin} (connection refused or no answer). Is it running, and is the address in the settings right?`,
    );
  });

  it('an address with no chat API behind it (a 404 that is not about the model)', async () => {
    const { engine } = engineFor(config({ url: `${server.origin}/wrong/v1` }));
    const error = (await run(engine, request('path-1'), 'cms.example.org')).at(-1);
    expect(error?.type === 'error' && error.message).toBe(
      `Nothing answers at ${server.origin}/wrong/v1/chat/completions (HTTP 404). Check the server address in the settings: it should be the server's address or its OpenAI-compatible base URL (ending in /v1).`,
    );
  });

  it('a cancelled request stops the stream and ends as cancelled, not as a server failure', async () => {
    server.mode = 'cut'; // the stream would stay open for a while
    const { engine } = engineFor(config());
    const messages: GenerateServerMessage[] = [];
    const done = engine.generate(request('cancel-1'), 1, (m) => {
      messages.push(m);
      if (m.type === 'variant') engine.cancel('cancel-1');
    }, 'cms.example.org');
    await done;
    expect(messages.at(-1)).toMatchObject({ type: 'error', message: expect.stringMatching(/cancel/i) });
  });
});
