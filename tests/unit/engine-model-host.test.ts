/**
 * The model host (the offscreen document in Chromium) and the background's RemoteGenerator,
 * joined by an in-memory port that copies messages like the browser does, with the repository's
 * tiny model on onnxruntime-node. And the offscreen document's lifecycle, against fake APIs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InterruptableStoppingCriteria } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelHost, type HostPort } from '../../lib/engine/model-host-server';
import { offscreenModelHost } from '../../lib/engine/offscreen-model-host';
import { preparePrompt } from '../../lib/engine/prompts';
import { loadRemoteGenerator, type ModelHostAccess, type ModelHostPort } from '../../lib/engine/remote-generator';
import type { EngineTestSeams } from '../../lib/engine/test-seams';
import { loadTransformersGenerator, type ModelSpec } from '../../lib/engine/text-generator';
import { variantPlans } from '../../lib/engine/variants';
import { MODEL_HOST_CONNECT } from '../../lib/messaging/model-host';
import { startModelHost, type ModelHost } from '../../scripts/model-host';
import { TINY_MODEL_ID, TINY_MODEL_ROOT, useModelHost } from '../support/tiny-model';

let hub: ModelHost;
const cacheDirs: string[] = [];
beforeAll(async () => {
  hub = await startModelHost({ root: TINY_MODEL_ROOT });
  useModelHost(hub.origin);
});
afterAll(async () => {
  await hub?.close();
  for (const dir of cacheDirs) rmSync(dir, { recursive: true, force: true });
});

/** Two connected port ends: messages are copied and delivered later, a disconnect reaches the other end only. */
function portPair(): [ModelHostPort, HostPort & { disconnect(): void }] {
  let open = true;
  const ends = [0, 1].map(() => ({ message: new Set<(m: unknown) => void>(), disconnect: new Set<() => void>() }));
  const side = (self: number) => {
    const other = ends[1 - self]!;
    return {
      postMessage(message: unknown) {
        if (!open) return;
        const copy = structuredClone(message);
        setTimeout(() => other.message.forEach((listener) => listener(copy))); // in order, even if disconnected after
      },
      disconnect() {
        if (!open) return;
        open = false;
        setTimeout(() => other.disconnect.forEach((listener) => listener()));
      },
      onMessage: { addListener: (listener: (m: unknown) => void) => void ends[self]!.message.add(listener) },
      onDisconnect: { addListener: (listener: () => void) => void ends[self]!.disconnect.add(listener) },
    };
  };
  return [side(0), side(1)];
}

const spec: ModelSpec = { host: '', modelId: TINY_MODEL_ID, revision: 'main', device: 'wasm', dtype: 'q8' };

function harness(seams: EngineTestSeams = {}, hostOptions: Parameters<typeof createModelHost>[1] = {}) {
  const loads: ModelSpec[] = [];
  const serve = createModelHost((wanted, onProgress, liveSeams) => {
    loads.push(wanted);
    const cacheDir = mkdtempSync(join(tmpdir(), 'ledgerline-host-test-'));
    cacheDirs.push(cacheDir);
    return loadTransformersGenerator({ ...wanted, device: 'cpu' }, onProgress, { cacheDir, seams: liveSeams });
  }, hostOptions);
  let released = 0;
  const hostEnds: (HostPort & { disconnect(): void })[] = [];
  const backgroundEnds: ModelHostPort[] = [];
  const access: ModelHostAccess = {
    async connect() {
      const [background, document] = portPair();
      hostEnds.push(document);
      backgroundEnds.push(background);
      serve(document);
      return background;
    },
    async release() {
      released++;
    },
    seams: () => seams,
  };
  return {
    access,
    loads,
    hostEnds,
    /** What the host sees when the service worker holding port `k` is stopped. */
    stopWorker: (k: number) => backgroundEnds[k]!.disconnect(),
    released: () => released,
  };
}

const prompt = preparePrompt({ action: 'continue', text: 'The mayor said that the council would meet', caret: 42, selection: null });
const greedy = variantPlans(1, 1)[0]!;

describe('model host ↔ RemoteGenerator (tiny model, Node)', () => {
  it('loads with progress, generates the same greedy text as in-process, and reports tokens and text as they come', async () => {
    const { access, loads } = harness();
    const progress: string[] = [];
    const remote = await loadRemoteGenerator({ ...spec, host: hub.origin }, (info) => progress.push(info.status), access);
    expect(loads).toHaveLength(1);
    expect(progress).toContain('done');

    let tokens = 0;
    const texts: string[] = [];
    const text = await remote.generate({
      messages: prompt.messages,
      plan: greedy,
      maxNewTokens: 40,
      stopping: new InterruptableStoppingCriteria(),
      onToken: () => void tokens++,
      onText: (soFar) => texts.push(soFar),
    });
    const local = await loadTransformersGenerator({ ...spec, host: hub.origin, device: 'cpu' }, undefined, { cacheDir: cacheDirs[0]! });
    let localTokens = 0;
    const expected = await local.generate({
      messages: prompt.messages,
      plan: greedy,
      maxNewTokens: 40,
      stopping: new InterruptableStoppingCriteria(),
      onToken: () => void localTokens++,
    });
    expect(text).toBe(expected);
    expect(tokens).toBe(localTokens);
    expect(texts.length).toBeGreaterThan(0);
    texts.forEach((t) => expect(expected.startsWith(t)).toBe(true));
  });

  it('keeps the model loaded for the next port (a restarted worker), and frees it only on dispose', async () => {
    const { access, loads, stopWorker, released } = harness();
    await loadRemoteGenerator({ ...spec, host: hub.origin }, () => undefined, access);
    stopWorker(0);
    const second = await loadRemoteGenerator({ ...spec, host: hub.origin }, () => undefined, access);
    expect(loads).toHaveLength(1);
    const text = await second.generate({ messages: prompt.messages, plan: greedy, maxNewTokens: 8, stopping: new InterruptableStoppingCriteria() });
    expect(text.length).toBeGreaterThan(0);
    expect(second.lastReusedTokens).toBe(0);
    // The same prompt again (the next variant): the host's kept prefix spares all but its last token, and says so.
    expect(await second.generate({ messages: prompt.messages, plan: greedy, maxNewTokens: 8, stopping: new InterruptableStoppingCriteria() })).toBe(text);
    expect(second.lastReusedTokens).toBeGreaterThan(10);
    await second.dispose();
    expect(released()).toBe(1);
    const third = await loadRemoteGenerator({ ...spec, host: hub.origin }, () => undefined, access);
    expect(loads).toHaveLength(2); // disposed, so loaded again
    await third.dispose();
  });

  it('when the model host goes away, the background is told at once', async () => {
    const { access, hostEnds } = harness({ stepDelayMs: 50 });
    const remote = await loadRemoteGenerator({ ...spec, host: hub.origin }, () => undefined, access);
    const running = remote.generate({ messages: prompt.messages, plan: greedy, maxNewTokens: 40, stopping: new InterruptableStoppingCriteria() });
    hostEnds[0]!.disconnect(); // the document was closed
    await expect(running).rejects.toThrow(/model host closed/);
    await expect(remote.generate({ messages: prompt.messages, plan: greedy, maxNewTokens: 4, stopping: new InterruptableStoppingCriteria() })).rejects.toThrow(/closed/);
  });

  it('frees the model once no background has been connected for the idle period', async () => {
    const { access, loads, stopWorker } = harness({}, { idleUnloadMs: 100 });
    await loadRemoteGenerator({ ...spec, host: hub.origin }, () => undefined, access);
    stopWorker(0);
    await loadRemoteGenerator({ ...spec, host: hub.origin }, () => undefined, access); // back within the period
    expect(loads).toHaveLength(1);
    stopWorker(1);
    await new Promise((r) => setTimeout(r, 300));
    await loadRemoteGenerator({ ...spec, host: hub.origin }, () => undefined, access);
    expect(loads).toHaveLength(2); // freed meanwhile, so loaded again
  });

  it('an interrupt from the background stops the generation early, and the host runs the next one', async () => {
    const { access } = harness({ stepDelayMs: 30 });
    const remote = await loadRemoteGenerator({ ...spec, host: hub.origin }, () => undefined, access);
    let interrupt: () => void = () => undefined;
    let tokens = 0;
    const text = await remote.generate({
      messages: prompt.messages,
      plan: greedy,
      maxNewTokens: 40,
      stopping: new InterruptableStoppingCriteria(),
      onInterrupt: (hook) => {
        interrupt = hook;
        return () => undefined;
      },
      onToken: () => {
        if (++tokens === 3) interrupt();
      },
    });
    expect(tokens).toBeLessThan(10);
    expect(typeof text).toBe('string');
    const next = await remote.generate({ messages: prompt.messages, plan: greedy, maxNewTokens: 4, stopping: new InterruptableStoppingCriteria() });
    expect(next.length).toBeGreaterThan(0);
    await remote.dispose();
  });

  it('a load that fails is reported with its message, and the next load tries again', async () => {
    const { access, loads, released } = harness();
    await expect(loadRemoteGenerator({ ...spec, host: hub.origin, modelId: 'nobody/nothing' }, () => undefined, access)).rejects.toThrow(/Could not locate|nothing|404/i);
    await expect(loadRemoteGenerator({ ...spec, host: hub.origin, modelId: 'nobody/nothing' }, () => undefined, access)).rejects.toThrow();
    expect(loads).toHaveLength(2);
    expect(released()).toBe(2); // each failed load gave its port back (the last one closes the document)
  });

  it('ignores malformed requests', async () => {
    const { access, hostEnds } = harness();
    const port = await access.connect();
    const events: unknown[] = [];
    port.onMessage.addListener((e) => events.push(e));
    (port as unknown as { postMessage(m: unknown): void }).postMessage({ type: 'generate', id: 'x'.repeat(100) });
    (port as unknown as { postMessage(m: unknown): void }).postMessage({ type: 'load', spec: { ...spec, device: 'cpu' }, seams: {} });
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toEqual([]);
    hostEnds[0]!.disconnect();
  });
});

describe('offscreen model host lifecycle', () => {
  function fakeChrome() {
    let documents = 0;
    const calls: string[] = [];
    let onDocumentConnects: () => void = () => undefined;
    const offscreen = {
      async createDocument() {
        calls.push('create');
        documents = 1;
        setTimeout(() => onDocumentConnects()); // the document connects when it loads
      },
      async closeDocument() {
        calls.push('close');
        documents = 0;
      },
    };
    const runtime = {
      getURL: (path: string) => `chrome-extension://id/${path}`,
      getContexts: async () => Array.from({ length: documents }, () => ({})),
      async sendMessage(message: unknown) {
        calls.push(`ask:${(message as { type: string }).type}`);
        setTimeout(() => onDocumentConnects());
      },
    };
    return { offscreen, runtime, calls, setOnConnect: (f: () => void) => (onDocumentConnects = f) };
  }
  const fakePort = (url: string) => ({ ...portPair()[0], sender: { url } });

  it('creates the document when there is none, asks a running one to connect, and closes it when the last port is released', async () => {
    const chrome = fakeChrome();
    const host = offscreenModelHost(chrome.offscreen, chrome.runtime, () => ({}));
    chrome.setOnConnect(() => host.accept(fakePort('chrome-extension://id/model-host.html')));
    await host.connect();
    expect(chrome.calls).toEqual(['create']);
    await host.connect();
    expect(chrome.calls).toEqual(['create', `ask:${MODEL_HOST_CONNECT.type}`]);
    await host.release();
    expect(chrome.calls).not.toContain('close');
    await host.release();
    expect(chrome.calls.at(-1)).toBe('close');
    // Ports from anything but the document are not taken.
    expect(host.accept(fakePort('chrome-extension://id/options.html'))).toBe(false);
  });
});
