/**
 * WebGPU, in Chromium's SwiftShader adapter (WebGPU on the CPU: slow, but the real WebGPU code
 * path): generation through the full path gives the same greedy text as onnxruntime-node; a GPU
 * device lost mid-generation still gives the writer a suggestion, from WASM, once; a browser without WebGPU
 * refuses the 'webgpu' override and runs on WASM, saying why.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelHost, type ModelHost } from '../../scripts/model-host';
import { startStaticServer, type StaticServer } from '../../scripts/static-server';
import { checkGreedyUpToTies, TINY_MODEL_ID, TINY_MODEL_ROOT, type TinyDtype } from '../support/tiny-model';
import { launchExtension, setSettings, type LaunchedExtension } from './support/browser';
import { continueRequest, engineRequest, generateViaPort, openLab, setTestSeams } from './support/engine-helpers';

describe('WebGPU through SwiftShader (Chromium)', () => {
  let pages: StaticServer;
  let host: ModelHost;
  let browser: LaunchedExtension;

  beforeAll(async () => {
    pages = await startStaticServer(resolve('scripts/demo'));
    host = await startModelHost({ root: TINY_MODEL_ROOT });
    browser = await launchExtension({ webgpu: 'swiftshader' });
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await pages?.close();
  });

  /**
   * Opens the demo page and types after its story text: the panel will ask for a continuation
   * (the settings' pauseMinWords 0 opens it on the long pause mid-sentence).
   */
  async function typeInDemoPage() {
    const page = await browser.context.newPage();
    await page.goto(`${pages.origin}/index.html`);
    const story = page.locator('#story');
    await story.click();
    await page.keyboard.press('End');
    await page.keyboard.type(' The mayor said');
    return { page, story, typed: await story.inputValue() };
  }

  it('auto picks WASM on a software adapter; forced WebGPU generates the same greedy text as Node', async () => {
    const lab = await openLab(browser);
    await setSettings(browser.worker, { modelHost: host.origin, modelId: TINY_MODEL_ID, pauseDelayMs: 300, pauseMinWords: 0, variants: 1 });
    const auto = await engineRequest(lab, { type: 'engine.runtime' });
    expect(auto).toMatchObject({ ok: true, device: 'wasm', reason: expect.stringMatching(/software fallback/) });

    await setSettings(browser.worker, { modelHost: host.origin, modelId: TINY_MODEL_ID, pauseDelayMs: 300, pauseMinWords: 0, variants: 1, device: 'webgpu' });
    const runtime = await engineRequest(lab, { type: 'engine.runtime' });
    expect(runtime).toMatchObject({ ok: true, device: 'webgpu', reason: expect.stringMatching(/WebGPU was chosen in settings/) });
    const dtype = (runtime as { dtype: TinyDtype }).dtype;

    // Full path: type in a page, the panel shows the greedy continuation.
    const { page, story, typed } = await typeInDemoPage();
    const accept = page.getByTestId('accept-variant').first();
    await accept.waitFor({ state: 'visible', timeout: 150_000 });
    const shown = (await page.getByTestId('variant-text').first().textContent()) ?? '';

    const status = await engineRequest(lab, { type: 'engine.status' });
    expect(status).toMatchObject({ state: 'ready', model: { backend: 'webgpu', dtype } });
    expect(shown.length).toBeGreaterThan(0);
    expect(await checkGreedyUpToTies(shown, typed, dtype, 96, host.origin)).toMatchObject({ ok: true });
    await page.close();
  });

  it('a GPU device lost mid-generation: the suggestion still comes, from WASM in a fresh model host, and the extension says so', async () => {
    const lab = await openLab(browser);
    await setSettings(browser.worker, { modelHost: host.origin, modelId: TINY_MODEL_ID, pauseDelayMs: 300, pauseMinWords: 0, variants: 1, device: 'webgpu' });
    // The device is destroyed (a real device loss) before the third forward pass of a generation.
    await setTestSeams(lab, { loseWebgpuDeviceAtStep: 3 });
    const { page, story, typed } = await typeInDemoPage();

    // onnxruntime-web cannot run any model in a document whose device was lost, WASM included:
    // the engine closes that model host and continues in a new one, on WASM.
    await page.getByTestId('accept-variant').first().waitFor({ state: 'visible', timeout: 150_000 });
    expect(await page.getByTestId('panel-error').count()).toBe(0);
    expect(await story.inputValue()).toBe(typed);
    await setTestSeams(lab, null);
    const runtime = await engineRequest(lab, { type: 'engine.runtime' });
    expect(runtime).toMatchObject({
      ok: true,
      device: 'wasm',
      webgpuFailure: 'the GPU device was lost',
      reason: expect.stringMatching(/^WASM \(CPU\) with .+: WebGPU failed \(the GPU device was lost\), so the model runs on the CPU/),
    });
    expect(await engineRequest(lab, { type: 'engine.status' })).toMatchObject({ state: 'ready', model: { backend: 'wasm' } });

    // Once, and remembered: a restarted worker does not try WebGPU again in this browser session.
    const cdp = await browser.context.newCDPSession(lab);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    const next = await generateViaPort(lab, continueRequest('after-restart'));
    expect(next.messages.at(-1)).toMatchObject({ type: 'done', model: { backend: 'wasm' } });
    await page.close();
  });
});

describe('WebGPU unavailable (Chromium without WebGPU flags)', () => {
  let host: ModelHost;
  let browser: LaunchedExtension;

  beforeAll(async () => {
    host = await startModelHost({ root: TINY_MODEL_ROOT });
    browser = await launchExtension();
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('refuses the webgpu override, runs on WASM and says why', async () => {
    const lab = await openLab(browser);
    await setSettings(browser.worker, { modelHost: host.origin, modelId: TINY_MODEL_ID, variants: 1, device: 'webgpu' });
    const hasAdapter = await browser.worker.evaluate(async () => {
      const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
      return Boolean(gpu && (await gpu.requestAdapter()));
    });
    const runtime = await engineRequest(lab, { type: 'engine.runtime' });
    if (hasAdapter) {
      // This Chromium build gives an adapter even without flags: then the load-time seam stands in.
      await setTestSeams(lab, { webgpuLoadFailure: 'test seam: no WebGPU device' });
    } else {
      expect(runtime).toMatchObject({ ok: true, device: 'wasm', reason: expect.stringMatching(/device webgpu refused: WebGPU is not available/) });
    }
    const run = await generateViaPort(lab, continueRequest('no-webgpu'));
    expect(run.messages.at(-1)).toMatchObject({ type: 'done', model: { backend: 'wasm' } });
    if (hasAdapter) {
      expect(await engineRequest(lab, { type: 'engine.runtime' })).toMatchObject({ ok: true, device: 'wasm', webgpuFailure: 'test seam: no WebGPU device' });
      await setTestSeams(lab, null);
    }
  });
});
