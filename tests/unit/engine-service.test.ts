/**
 * EngineService in Node with the repository's tiny model on onnxruntime-node (device 'cpu'),
 * served by the local hub-layout model host. What a writer relies on: the model loads once, a
 * newer request for a field replaces the older, every request ends with exactly one final
 * message, a failed load is retried, and a request is bounded in time and tokens.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineService, gpuFailureSummary, type EngineDependencies, type EngineLimits } from '../../lib/engine/engine-service';
import { WEBGPU_FAILURE_KEY, webgpuFailureMemory } from '../../lib/engine/webgpu-failure-memory';
import type { EngineTestSeams } from '../../lib/engine/test-seams';
import { loadTransformersGenerator, STREAM_INTERVAL_MS, type GenerateOptions, type ModelSpec, type TextGenerator } from '../../lib/engine/text-generator';
import type { GenerateRequest, GenerateServerMessage } from '../../lib/messaging';
import { serveGeneratePort, type PortLike } from '../../lib/background/generate-port';
import { startModelHost, type ModelHost } from '../../scripts/model-host';
import { TINY_MODEL_ID, TINY_MODEL_ROOT, useModelHost } from '../support/tiny-model';

let host: ModelHost;
const cacheDirs: string[] = [];

beforeAll(async () => {
  host = await startModelHost({ root: TINY_MODEL_ROOT });
  useModelHost(host.origin);
});

afterAll(async () => {
  await host?.close();
  for (const dir of cacheDirs) rmSync(dir, { recursive: true, force: true });
});

function spec(overrides: Partial<ModelSpec> = {}): ModelSpec {
  return { host: host.origin, modelId: TINY_MODEL_ID, revision: 'main', device: 'cpu', dtype: 'q8', ...overrides };
}

/**
 * Loads on the CPU whatever device the spec names (Node has no WebGPU or WASM backend here). Asked
 * plainly: going on from a text, the tiny model's random weights end their reply within a token
 * or two, and these tests need words to stream (the reply form is tested with fakes below).
 */
async function loadOnCpu(wanted: ModelSpec, onProgress: Parameters<typeof loadTransformersGenerator>[1], seams?: EngineTestSeams) {
  const cacheDir = mkdtempSync(join(tmpdir(), 'ledgerline-engine-test-'));
  cacheDirs.push(cacheDir);
  const generator = await loadTransformersGenerator({ ...wanted, device: 'cpu' }, onProgress, { cacheDir, ...(seams ? { seams } : {}) });
  return Object.assign(Object.create(Object.getPrototypeOf(generator) as object) as TextGenerator, generator, { spec: wanted, continuesReplies: false });
}

interface Harness {
  engine: EngineService;
  loads: ModelSpec[];
  seams: EngineTestSeams;
  /** How many times the engine asked which model to run. */
  resolves: () => number;
}

function makeEngine(
  options: {
    limits?: Partial<EngineLimits>;
    resolved?: Partial<ModelSpec>;
    load?: (s: ModelSpec) => Promise<TextGenerator> | null;
    now?: () => number;
    webgpuFailures?: EngineDependencies['webgpuFailures'];
    grammarCheck?: EngineDependencies['grammarCheck'];
  } = {},
): Harness {
  const loads: ModelSpec[] = [];
  const seams: EngineTestSeams = {};
  let resolves = 0;
  const engine = new EngineService(
    {
      resolveSpec: async () => {
        resolves++;
        return { spec: spec(options.resolved), reason: 'test runtime', expectedBytes: null, availableDtypes: ['fp32', 'q8', 'q4', 'q4f16'] };
      },
      load: (wanted, onProgress) => {
        loads.push(wanted);
        return options.load?.(wanted) ?? loadOnCpu(wanted, onProgress, seams);
      },
      ...(options.now ? { now: options.now } : {}),
      ...(options.webgpuFailures ? { webgpuFailures: options.webgpuFailures } : {}),
      ...(options.grammarCheck ? { grammarCheck: options.grammarCheck } : {}),
    },
    { maxNewTokens: 64, timeoutMs: 60_000, ...options.limits },
  );
  return { engine, loads, seams, resolves: () => resolves };
}

let nextId = 0;
function request(fieldKey = 'tab1|story', variants = 1): GenerateRequest {
  const text = 'The mayor said that the council would meet';
  return {
    type: 'generate',
    requestId: `r${++nextId}`,
    fieldKey,
    action: 'continue',
    text,
    selectionStart: text.length,
    selectionEnd: text.length,
    variants,
  };
}

function run(engine: EngineService, req: GenerateRequest, tabId?: number) {
  const messages: GenerateServerMessage[] = [];
  const finished = engine.generate(req, tabId, (m) => messages.push(m));
  return { messages, finished, final: () => messages.filter((m) => m.type === 'done' || m.type === 'error') };
}

const until = async (check: () => boolean, timeoutMs = 20_000) => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

const fullGets = (file: string) => host.log.filter((e) => e.method === 'GET' && e.range === null && e.path.endsWith(`/${file}`)).length;

describe('EngineService with the tiny model (Node, cpu)', () => {
  it('loads the model once, reuses it, streams variants and ends with one done', async () => {
    const { engine, loads } = makeEngine();
    const before = fullGets('onnx/model_quantized.onnx');
    const first = run(engine, request('tab1|a', 2));
    await first.finished;
    const second = run(engine, request('tab1|b', 2));
    await second.finished;
    expect(loads).toHaveLength(1);
    expect(fullGets('onnx/model_quantized.onnx') - before).toBe(1);
    for (const r of [first, second]) {
      expect(r.final()).toHaveLength(1);
      expect(r.messages.at(-1)?.type).toBe('done');
    }
    // The first request saw the download progress, ending complete.
    const loading = first.messages.filter((m) => m.type === 'progress' && m.phase === 'loading');
    expect(loading.length).toBeGreaterThan(0);
    const last = loading.at(-1) as Extract<GenerateServerMessage, { type: 'progress' }>;
    expect(last.totalBytes).toBeGreaterThan(100_000);
    expect(last.loadedBytes).toBe(last.totalBytes);
    // The second had nothing to load.
    expect(second.messages.some((m) => m.type === 'progress' && m.phase === 'loading')).toBe(false);
    const done = second.messages.at(-1) as Extract<GenerateServerMessage, { type: 'done' }>;
    expect(done.model).toEqual({ id: TINY_MODEL_ID, revision: 'main', dtype: 'q8', backend: 'wasm' });
    expect(engine.status()).toMatchObject({ state: 'ready', reason: 'test runtime' });
  });

  it('a newer request for the same field interrupts the older one', async () => {
    const { engine, seams } = makeEngine();
    await engine.warmUp();
    seams.stepDelayMs = 40;
    const older = run(engine, request('tab1|story', 3));
    await until(() => older.messages.some((m) => m.type === 'progress' && m.phase === 'generating'));
    const newer = run(engine, request('tab1|story', 1));
    await older.finished;
    // Interrupted in its first variant, not run to the end: no variant was completed.
    expect(older.messages.some((m) => m.type === 'variant' && m.final)).toBe(false);
    expect(older.final()).toEqual([expect.objectContaining({ type: 'error', retryable: true })]);
    expect((older.final()[0] as { message: string }).message).toMatch(/newer suggestion/);
    seams.stepDelayMs = 0;
    await newer.finished;
    expect(newer.final()).toEqual([expect.objectContaining({ type: 'done' })]);
    // Nothing reached the older request after its error.
    expect(older.messages.at(-1)?.type).toBe('error');
  });

  it('runs one generation at a time and ends every request with exactly one done or error', async () => {
    const { engine, seams } = makeEngine();
    await engine.warmUp();
    seams.stepDelayMs = 5;
    const last = request('tab2|d', 1);
    const runs = [
      run(engine, request('tab1|a', 2), 1),
      run(engine, request('tab1|b', 1), 1),
      run(engine, request('tab1|a', 1), 1), // supersedes the first
      run(engine, request('tab2|c', 2), 2),
      run(engine, last, 2),
    ];
    engine.cancel(last.requestId); // cancelled while queued
    await Promise.all(runs.map((r) => r.finished));
    await new Promise((r) => setTimeout(r, 200)); // late chunks would show up here
    for (const r of runs) {
      expect(r.final()).toHaveLength(1);
      expect(['done', 'error']).toContain(r.messages.at(-1)?.type);
    }
    expect(runs.map((r) => r.messages.at(-1)?.type)).toEqual(['error', 'done', 'done', 'done', 'error']);
    // One at a time: each request's generating phase starts after the previous one finished.
    expect(engine.queueState()).toEqual({ running: false, pending: 0 });
  });

  it('a failed load gives a clear error, and the next request loads again and succeeds', async () => {
    const { engine, loads } = makeEngine();
    host.setFaults({ failures: [{ match: 'onnx/model_quantized.onnx', kind: 'status', status: 500, times: Infinity, when: 'full' }] });
    const failed = run(engine, request());
    await failed.finished;
    host.setFaults(undefined);
    expect(failed.final()).toHaveLength(1);
    const error = failed.final()[0] as Extract<GenerateServerMessage, { type: 'error' }>;
    expect(error.message).toMatch(/could not be downloaded/);
    expect(error.retryable).toBe(true);
    expect(engine.status()).toMatchObject({ state: 'error', modelId: TINY_MODEL_ID });

    const retry = run(engine, request());
    await retry.finished;
    expect(retry.final()).toEqual([expect.objectContaining({ type: 'done' })]);
    expect(loads).toHaveLength(2);
    expect(engine.status()).toMatchObject({ state: 'ready' });
  });

  it('stops a request that runs past its timeout, and the next one runs', async () => {
    const { engine, seams } = makeEngine({ limits: { timeoutMs: 400 } });
    await engine.warmUp();
    seams.stepDelayMs = 1_000; // every token takes longer than the whole timeout, however few the model writes
    const slow = run(engine, request('tab1|a', 1));
    await slow.finished;
    expect(slow.messages.some((m) => m.type === 'variant' && m.final)).toBe(false); // stopped mid-variant
    const error = slow.final()[0] as Extract<GenerateServerMessage, { type: 'error' }>;
    expect(slow.final()).toHaveLength(1);
    expect(error.message).toMatch(/took longer than/);
    seams.stepDelayMs = 0;
    const next = run(engine, request('tab1|a', 1));
    await next.finished;
    expect(next.final()).toEqual([expect.objectContaining({ type: 'done' })]);
  });

  it('caps the tokens per variant', async () => {
    const { engine } = makeEngine({ limits: { maxNewTokens: 3 } });
    const capped = run(engine, request('tab1|a', 1));
    await capped.finished;
    expect(capped.final()).toEqual([expect.objectContaining({ type: 'done' })]);
    const stats = engine.stats().at(-1)!;
    expect(stats.tokens).toBe(3);
    expect(stats.firstTokenMs).not.toBeNull();
  });

  it('drops the requests of a closed tab', async () => {
    const { engine, seams } = makeEngine();
    await engine.warmUp();
    seams.stepDelayMs = 40;
    const running = run(engine, request('tab9|a', 2), 9);
    const queued = run(engine, request('tab9|b', 1), 9);
    const other = run(engine, request('tab3|a', 1), 3);
    await until(() => running.messages.some((m) => m.type === 'progress' && m.phase === 'generating'));
    engine.dropTab(9);
    seams.stepDelayMs = 0;
    await Promise.all([running.finished, queued.finished, other.finished]);
    for (const r of [running, queued]) {
      expect(r.final()).toEqual([expect.objectContaining({ type: 'error', message: 'The tab was closed.', retryable: false })]);
    }
    expect(other.final()).toEqual([expect.objectContaining({ type: 'done' })]);
  });

  it('cancels the request of a generate port that disconnects (panel closed, tab gone)', async () => {
    const { engine, seams } = makeEngine();
    await engine.warmUp();
    seams.stepDelayMs = 40;
    const posted: GenerateServerMessage[] = [];
    const listeners: { message?: (m: unknown) => void; disconnect?: () => void } = {};
    const port: PortLike = {
      sender: { tab: { id: 4 } },
      postMessage: (m) => posted.push(m),
      onMessage: { addListener: (l) => (listeners.message = l) },
      onDisconnect: { addListener: (l) => (listeners.disconnect = l) },
    };
    serveGeneratePort(port, engine, { pagesOrigin: 'chrome-extension://test/' });
    listeners.message!({ ...request('tab4|a', 3) });
    listeners.message!({ type: 'generate', requestId: 'x'.repeat(65) }); // malformed: ignored
    await until(() => posted.some((m) => m.type === 'variant' || (m.type === 'progress' && m.phase === 'generating')));
    listeners.disconnect!();
    const count = posted.length;
    await until(() => !engine.queueState().running, 2000);
    expect(posted.length).toBe(count); // nothing posted after the disconnect
    seams.stepDelayMs = 0;
    const after = run(engine, request('tab4|a', 1));
    await after.finished;
    expect(after.final()).toEqual([expect.objectContaining({ type: 'done' })]);
  });

  it(`streams every word of a slow model, but a fast one's only at once and then every ${STREAM_INTERVAL_MS} ms`, async () => {
    // The clock advances by a fixed step each time the engine reads it (about once per word).
    const streamed = async (msPerRead: number) => {
      let clock = 0;
      const { engine } = makeEngine({ now: () => (clock += msPerRead) });
      const r = run(engine, request('tab1|a', 1));
      await r.finished;
      const updates = r.messages.filter((m): m is Extract<GenerateServerMessage, { type: 'variant' }> => m.type === 'variant' && !m.final);
      const final = r.messages.find((m): m is Extract<GenerateServerMessage, { type: 'variant' }> => m.type === 'variant' && m.final)!;
      return { updates: updates.map((m) => m.text), final: final.text };
    };
    const slow = await streamed(STREAM_INTERVAL_MS);
    const fast = await streamed(1);
    expect(fast.final).toBe(slow.final); // greedy first variant: same text either way
    const words = slow.final.split(/\s+/).length;
    expect(words).toBeGreaterThan(5);
    // Slow: an update per word (none shorter than the last). Fast: the first words at once, then the final text.
    expect(slow.updates.length).toBeGreaterThanOrEqual(words - 1);
    slow.updates.slice(1).forEach((text, k) => expect(text.length).toBeGreaterThanOrEqual(slow.updates[k]!.length));
    expect(fast.updates).toEqual([slow.updates[0]]);
  });

  it('asks which model to run once, until settings or stored models change', async () => {
    const { engine, resolves } = makeEngine();
    await run(engine, request('tab1|a', 1)).finished;
    await run(engine, request('tab1|b', 1)).finished;
    await engine.resolve();
    expect(resolves()).toBe(1);
    engine.forgetSpec(); // settings changed
    await run(engine, request('tab1|a', 1)).finished;
    expect(resolves()).toBe(2);
    await engine.warmUp(); // sent after an import
    expect(resolves()).toBe(3);
    await engine.unload(); // before a model's files are deleted
    await engine.resolve();
    expect(resolves()).toBe(4);
  });
});

describe('EngineService WebGPU fallback', () => {
  it('falls back to WASM once when WebGPU fails to load, and says so', async () => {
    const { engine, loads } = makeEngine({
      resolved: { device: 'webgpu', dtype: 'q4f16' },
      load: (wanted) => (wanted.device === 'webgpu' ? Promise.reject(new Error('no adapter: device creation failed')) : null),
    });
    const r = run(engine, request());
    await r.finished;
    expect(r.final()).toEqual([expect.objectContaining({ type: 'done' })]);
    expect(loads.map((s) => `${s.device}/${s.dtype}`)).toEqual(['webgpu/q4f16', 'wasm/q8']);
    const done = r.messages.at(-1) as Extract<GenerateServerMessage, { type: 'done' }>;
    expect(done.model.backend).toBe('wasm');
    expect(engine.status()).toMatchObject({ state: 'ready', reason: expect.stringMatching(/WebGPU failed \(no adapter/) });
    expect(engine.webgpuFallback()).toMatch(/no adapter/);
    // Once: the next request stays on WASM without trying WebGPU again.
    await run(engine, request()).finished;
    expect(loads).toHaveLength(2);
  });

  it('falls back to WASM when WebGPU fails mid-run, and the request still completes', async () => {
    const { engine, loads } = makeEngine({
      resolved: { device: 'webgpu', dtype: 'q8' },
      load: (wanted) =>
        wanted.device === 'webgpu'
          ? Promise.resolve({
              spec: wanted,
              generate: () => Promise.reject(new Error('GPU device was lost')),
              dispose: async () => undefined,
            })
          : null,
    });
    const r = run(engine, request('tab1|a', 2));
    await r.finished;
    expect(r.final()).toEqual([expect.objectContaining({ type: 'done' })]);
    expect(loads.map((s) => `${s.device}/${s.dtype}`)).toEqual(['webgpu/q8', 'wasm/q8']);
    // The panel hears which model writes the variants before any of them, and again after the fallback.
    const started = r.messages.filter((m): m is Extract<GenerateServerMessage, { type: 'started' }> => m.type === 'started');
    expect(started.map((m) => m.model.backend)).toEqual(['webgpu', 'wasm']);
    const firstFinal = r.messages.findIndex((m) => m.type === 'variant' && m.final);
    expect(r.messages.lastIndexOf(started[1]!)).toBeLessThan(firstFinal);
    const done = r.messages.at(-1) as Extract<GenerateServerMessage, { type: 'done' }>;
    expect(started[1]).toMatchObject({ replace: done.replace, model: done.model });
    expect(engine.status()).toMatchObject({ state: 'ready', model: { backend: 'wasm' }, reason: expect.stringMatching(/device was lost/) });
  });

  /** A generator whose every run fails (what onnxruntime-web does after a device loss, on any device). */
  const failing = (spec: ModelSpec, message: string): Promise<TextGenerator> =>
    Promise.resolve({ spec, generate: () => Promise.reject(new Error(message)), dispose: async () => undefined });
  const ORT_DEVICE_LOST =
    "failed to call OrtRun(). ERROR_CODE: 1, ERROR_MESSAGE: buffer_manager.cc:643 Failed to download data from buffer. message: Failed to execute 'mapAsync' on 'GPUBuffer': The Device was lost before mapping was resolved.";

  it('after a device loss that the CPU cannot recover from in the same worker, says suggestions pause, and the next worker starts on WASM', async () => {
    const session = new Map<string, unknown>();
    const area = {
      get: async (key: string) => (session.has(key) ? { [key]: session.get(key) } : {}),
      set: async (items: Record<string, unknown>) => void Object.entries(items).forEach(([k, v]) => session.set(k, v)),
    };
    const lostHere = makeEngine({
      resolved: { device: 'webgpu', dtype: 'q4' },
      load: (wanted) => failing(wanted, ORT_DEVICE_LOST),
      webgpuFailures: webgpuFailureMemory(area),
    });
    const r = run(lostHere.engine, request('tab1|a', 1));
    await r.finished;
    expect(r.final()).toEqual([
      expect.objectContaining({ type: 'error', retryable: true, message: expect.stringMatching(/graphics processor stopped working.*restarts on the CPU/) }),
    ]);
    expect(lostHere.loads.map((s) => s.device)).toEqual(['webgpu', 'wasm']);
    expect(session.get(WEBGPU_FAILURE_KEY)).toBe('the GPU device was lost');
    // The same worker keeps saying so rather than showing onnxruntime's trace.
    const again = run(lostHere.engine, request('tab1|a', 1));
    await again.finished;
    expect((again.final()[0] as { message: string }).message).toMatch(/graphics processor stopped working/);

    // A fresh worker (new engine, same session storage) never tries WebGPU and answers on WASM.
    const fresh = makeEngine({ resolved: { device: 'webgpu', dtype: 'q4' }, webgpuFailures: webgpuFailureMemory(area) });
    const next = run(fresh.engine, request('tab1|a', 1));
    await next.finished;
    expect(next.final()).toEqual([expect.objectContaining({ type: 'done', model: expect.objectContaining({ backend: 'wasm' }) })]);
    expect(fresh.loads.map((s) => s.device)).toEqual(['wasm']);
    expect((await fresh.engine.resolve()).reason).toMatch(/WebGPU failed \(the GPU device was lost\), so the model runs on the CPU.*when the browser restarts/);
  });

  it("keeps the field's language: a variant written in another leaves the list, and the panel hears which languages the model writes", async () => {
    const answers = [
      'Les tarifs resteront les mêmes cette année, selon le maire, et le service sera assuré par deux navires.',
      'The fares will stay the same this year, the mayor said, and the service will be run by two ships.',
    ];
    let call = 0;
    const { engine } = makeEngine({
      resolved: { modelId: 'HuggingFaceTB/SmolLM2-135M-Instruct' },
      load: (wanted) => Promise.resolve({ spec: wanted, generate: async () => answers[call++ % answers.length]!, dispose: async () => undefined }),
    });
    const text = 'Le conseil municipal a annoncé mardi que les nouveaux horaires du ferry entreront en vigueur en mars et que les tarifs';
    const r = run(engine, { ...request('tab1|fr', 2), text, selectionStart: text.length, selectionEnd: text.length });
    await r.finished;
    const started = r.messages.find((m): m is Extract<GenerateServerMessage, { type: 'started' }> => m.type === 'started')!;
    expect(started).toMatchObject({ fieldLanguage: 'fr', modelLanguages: ['en'] });
    const done = r.messages.at(-1) as Extract<GenerateServerMessage, { type: 'done' }>;
    expect(done.variants).toHaveLength(1);
    expect(done.variants[0]).toMatch(/^ ?Les tarifs resteront/);
    expect(done.otherLanguage).toBe(1);
  });

  it('continue goes on from the writer\'s text where the backend can, and asks plainly when that gives nothing usable', async () => {
    const asked: GenerateOptions[] = [];
    // Going on from the text: first nothing usable (the text read as finished), then the rest of a word.
    const answers = [' , ,', 'They crossed the line at noon.', 'ers crossed the line.'];
    const { engine } = makeEngine({
      load: (wanted) =>
        Promise.resolve({
          spec: wanted,
          continuesReplies: true,
          generate: async (options: GenerateOptions) => {
            asked.push(options);
            return answers[asked.length - 1] ?? '';
          },
          dispose: async () => undefined,
        }),
    });
    const text = 'Thousands of runn';
    const r = run(engine, { ...request('tab1|race', 2), text, selectionStart: text.length, selectionEnd: text.length });
    await r.finished;
    expect(asked.map((options) => options.continuation?.reply ?? null)).toEqual(['Thousands of runn', null, 'Thousands of runn']);
    // The plain request still carries the text; the reply form carries only the task.
    expect(asked[1]!.messages.at(-1)!.content).toContain('Thousands of runn');
    expect(asked[0]!.continuation!.messages.at(-1)!.content).not.toContain('Thousands of runn');
    const done = r.messages.at(-1) as Extract<GenerateServerMessage, { type: 'done' }>;
    // The plain answer starts a word of its own (a space before it); going on from the text, the
    // answer finishes the caret's word.
    expect(done.variants).toEqual([' they crossed the line at noon.', 'ers crossed the line.']);
  });

  it('a backend that cannot continue a reply gets the plain request only', async () => {
    const asked: GenerateOptions[] = [];
    const { engine } = makeEngine({
      load: (wanted) =>
        Promise.resolve({
          spec: wanted,
          generate: async (options: GenerateOptions) => {
            asked.push(options);
            return 'The council will vote next week.';
          },
          dispose: async () => undefined,
        }),
    });
    const r = run(engine, request('tab1|plain', 1));
    await r.finished;
    expect(asked).toHaveLength(1);
    expect(asked[0]!.continuation).toBeUndefined();
    expect((r.messages.at(-1) as Extract<GenerateServerMessage, { type: 'done' }>).variants).toEqual([' the council will vote next week.']);
  });

  describe('"Fix grammar" variants checked by the grammar checker', () => {
    const passage = 'The council have approved the plan on Tuesday.';
    // A stand-in checker: "have" after "council" is an agreement finding, "there" a spelling one.
    const check = async (text: string) => [
      ...(/council have/.test(text) ? [{ kind: 'Agreement', problem: 'council have' }] : []),
      ...(/\bthere plan\b/.test(text) ? [{ kind: 'Spelling', problem: 'there plan' }] : []),
    ];
    const fixWith = async (answers: string[], grammarCheck?: (text: string) => Promise<{ kind: string; problem: string }[]>) => {
      let call = 0;
      const { engine } = makeEngine({
        load: (wanted) => Promise.resolve({ spec: wanted, generate: async () => answers[call++ % answers.length]!, dispose: async () => undefined }),
        ...(grammarCheck ? { grammarCheck } : {}),
      });
      const r = run(engine, { ...request('tab1|g', answers.length), action: 'grammar', text: passage, selectionStart: 0, selectionEnd: passage.length });
      await r.finished;
      return (r.messages.at(-1) as Extract<GenerateServerMessage, { type: 'done' }>).variants;
    };

    it('leaves out a variant that adds a finding the passage did not have, when another adds none', async () => {
      const added = 'The council have approved there plan on Tuesday.';
      const fixed = 'The council has approved the plan on Tuesday.';
      expect(await fixWith([added, fixed], check)).toEqual([fixed]);
      // Without a checker, both are offered.
      expect(await fixWith([added, fixed])).toEqual([added, fixed]);
    });

    it('offers the held variants, fewest new findings first, when every one adds some; a failing checker holds nothing back', async () => {
      const two = 'The council have approved there plan, there plan on Tuesday.';
      const one = 'The council has approved there plan on Tuesday.';
      const twice = async (text: string) => [...(await check(text)), ...(/, there plan/.test(text) ? [{ kind: 'Spelling', problem: 'there plan' }] : [])];
      expect(await fixWith([two, one], twice)).toEqual([one, two]);
      expect(
        await fixWith([two, one], async () => {
          throw new Error('checker failed');
        }),
      ).toEqual([two, one]);
    });
  });

  it('names GPU failures in words, not onnxruntime traces', () => {
    expect(gpuFailureSummary(new Error(ORT_DEVICE_LOST))).toBe('the GPU device was lost');
    expect(gpuFailureSummary(new Error('GPUDevice: out of memory allocating 512 MB'))).toBe('the GPU ran out of memory');
    expect(gpuFailureSummary(new Error('shader compilation failed'))).toBe('shader compilation failed');
  });
});
