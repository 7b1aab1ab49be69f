/**
 * Download and cache, in Chromium with the built extension and the tiny model on a local host:
 * one progress figure while downloading, files already fetched are not fetched again after a
 * failed download or a browser restart, storage used, delete; and an offline folder import that
 * loads with no network at all.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startModelHost, type ModelHost } from '../../scripts/model-host';
import type { EngineStatus } from '../../lib/messaging';
import { TINY_MODEL_DIR, TINY_MODEL_ID, TINY_MODEL_ROOT } from '../support/tiny-model';
import { launchExtension, requestsLeavingMachine, setSettings, type LaunchedExtension } from './support/browser';
import { continueRequest, engineRequest, fullGets, generateViaPort, openLab } from './support/engine-helpers';

const MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx'];

describe('engine download and cache (Chromium)', () => {
  let host: ModelHost;
  let browser: LaunchedExtension | null = null;
  let profile = '';

  beforeAll(async () => {
    host = await startModelHost({ root: TINY_MODEL_ROOT });
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('reports one progress figure, and after a cut download fetches only the missing file', async () => {
    browser = await launchExtension();
    profile = browser.userDataDir;
    await setSettings(browser.worker, { modelHost: host.origin, modelId: TINY_MODEL_ID, variants: 1 });
    const lab = await openLab(browser);

    // The graph download is cut halfway: the load fails with a clear error.
    host.setFaults({ failures: [{ match: 'onnx/model_quantized.onnx', kind: 'cut', when: 'full', times: 1 }] });
    const failed = await engineRequest(lab, { type: 'engine.warmUp' });
    expect(failed).toMatchObject({ state: 'error', modelId: TINY_MODEL_ID });
    expect((failed as Extract<EngineStatus, { state: 'error' }>).message).toMatch(/model/i);

    // Retry, throttled so the page can watch the progress figure move.
    host.setFaults({ throttle: [{ match: 'onnx/model_quantized.onnx', bytesPerSecond: 100_000 }] });
    const samples: EngineStatus[] = [];
    const warm = engineRequest(lab, { type: 'engine.warmUp' });
    let ready: EngineStatus | null = null;
    void warm.then((s) => (ready = s));
    while (ready === null) {
      samples.push(await engineRequest(lab, { type: 'engine.status' }));
      await new Promise((r) => setTimeout(r, 100));
    }
    host.setFaults(undefined);
    expect(ready).toMatchObject({ state: 'ready', model: { id: TINY_MODEL_ID, dtype: 'q8', backend: 'wasm' } });
    const loading = samples.filter((s): s is Extract<EngineStatus, { state: 'loading' }> => s.state === 'loading');
    const moving = loading.filter((s) => s.loadedBytes > 0 && s.loadedBytes < s.totalBytes);
    expect(moving.length).toBeGreaterThan(2);
    // Bytes done only grow, and the total covers the graph (134 KB) plus the tokenizer files.
    for (let i = 1; i < loading.length; i++) expect(loading[i]!.loadedBytes).toBeGreaterThanOrEqual(loading[i - 1]!.loadedBytes);
    expect(Math.max(...loading.map((s) => s.totalBytes))).toBeGreaterThan(133_848);

    // Support files were fetched once (before the cut) and not again; the graph twice (cut + retry).
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) expect(fullGets(host.log, file), file).toBe(1);
    // The graph: cut halfway, then only the missing bytes were fetched (transformers.js resumes
    // with a range request), so no byte of it crossed the network twice.
    const graph = host.log.filter((e) => e.method === 'GET' && e.path.endsWith('/onnx/model_quantized.onnx') && e.bytesSent > 1);
    expect(graph[0]).toMatchObject({ range: null, fault: 'cut' });
    expect(graph.reduce((sum, e) => sum + e.bytesSent, 0)).toBe(133_848);

    const run = await generateViaPort(lab, continueRequest('after-retry'));
    expect(run.messages.at(-1)?.type).toBe('done');
    await lab.close();
  });

  it('after a browser restart loads from the cache without fetching any file again', async () => {
    await browser!.close({ keepProfile: true });
    const before = host.log.length;
    browser = await launchExtension({ userDataDir: profile });
    const lab = await openLab(browser);
    const ready = await engineRequest(lab, { type: 'engine.warmUp' });
    expect(ready).toMatchObject({ state: 'ready', model: { id: TINY_MODEL_ID } });
    const run = await generateViaPort(lab, continueRequest('after-restart'));
    expect(run.messages.at(-1)?.type).toBe('done');
    // Not a single request reached the host: no download, no size probe.
    expect(host.log.slice(before)).toEqual([]);
    await lab.close();
  });

  it('shows storage used and deletes a model', async () => {
    const lab = await openLab(browser!);
    const storage = await engineRequest(lab, { type: 'engine.storage' });
    expect(storage).toMatchObject({ ok: true });
    const stored = (storage as Extract<typeof storage, { ok: true }>).models;
    const tiny = stored.find((m) => m.modelId === TINY_MODEL_ID)!;
    expect(tiny).toMatchObject({ revision: 'main', imported: false });
    expect(tiny.files).toBeGreaterThanOrEqual(MODEL_FILES.length);
    expect(tiny.bytes).toBeGreaterThan(133_848);
    expect((storage as Extract<typeof storage, { ok: true }>).usage).toBeGreaterThan(0);

    const deleted = await engineRequest(lab, { type: 'engine.deleteModel', modelId: TINY_MODEL_ID });
    expect(deleted).toEqual({ ok: true, removedFiles: tiny.files });
    expect(await engineRequest(lab, { type: 'engine.status' })).toEqual({ state: 'idle' });
    const after = await engineRequest(lab, { type: 'engine.storage' });
    expect((after as Extract<typeof after, { ok: true }>).models).toEqual([]);

    // The next load downloads again.
    const graphGets = fullGets(host.log, 'onnx/model_quantized.onnx');
    expect(await engineRequest(lab, { type: 'engine.warmUp' })).toMatchObject({ state: 'ready' });
    expect(fullGets(host.log, 'onnx/model_quantized.onnx')).toBe(graphGets + 1);
    await lab.close();
  });
});

describe('offline model import (Chromium)', () => {
  let browser: LaunchedExtension | null = null;
  let lab: Page;

  afterAll(async () => {
    await browser?.close();
  });

  it('imports a picked model folder and loads it with no network', async () => {
    browser = await launchExtension();
    // A model host nobody serves: any download attempt would fail (and show in the NetLog).
    const unreachable = 'http://127.0.0.1:9';
    await setSettings(browser.worker, { modelHost: unreachable, modelId: 'newsroom/tiny-chat', variants: 1 });
    lab = await openLab(browser);
    await lab.fill('#model-id', 'newsroom/tiny-chat');
    await lab.setInputFiles('#folder', TINY_MODEL_DIR);
    await lab.waitForSelector('#result[data-state="done"]', { timeout: 30_000 });
    const imported = JSON.parse((await lab.textContent('#result')) ?? '{}') as { modelId: string; files: number; dtypes: string[] };
    expect(imported).toMatchObject({ modelId: 'newsroom/tiny-chat', files: 8, dtypes: ['fp32', 'q8', 'q4', 'q4f16'] });

    const runtime = await engineRequest(lab, { type: 'engine.runtime' });
    expect(runtime).toMatchObject({ ok: true, modelId: 'newsroom/tiny-chat', device: 'wasm', dtype: 'q8' });
    const run = await generateViaPort(lab, continueRequest('imported'));
    expect(run.messages.at(-1)).toMatchObject({ type: 'done', model: { id: 'newsroom/tiny-chat', backend: 'wasm' } });
    const storage = await engineRequest(lab, { type: 'engine.storage' });
    expect((storage as Extract<typeof storage, { ok: true }>).models).toEqual([
      expect.objectContaining({ modelId: 'newsroom/tiny-chat', imported: true, files: 8 }),
    ]);

    const requests = await browser.close();
    browser = null;
    expect(requests.filter((r) => r.url.startsWith(unreachable))).toEqual([]);
    expect(requestsLeavingMachine(requests)).toEqual([]);
  });
});
