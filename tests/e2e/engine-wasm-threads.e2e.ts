/**
 * Cross-origin isolated extension pages (the manifest's COOP/COEP), in the built extension.
 * What isolation is for, onnxruntime's WASM backend on several threads: the model host gets SharedArrayBuffer;
 * onnxruntime starts its thread workers from the shipped glue file (extension pages refuse the
 * CDN copy, and its bundled copy would start them from the page's HTML), and the answer is the
 * one a single thread computes. This machine has 2 cores, where the engine's default is one
 * thread: the wasmThreads seam asks for two.
 * What isolation must not cost: a model mirror that sends no CORS headers still serves the model
 * once the writer grants its origin (the extension has no host permissions of its own).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startModelHost, type ModelHost } from '../../scripts/model-host';
import { checkGreedyUpToTies, TINY_MODEL_ID, TINY_MODEL_ROOT } from '../support/tiny-model';
import { launchExtension, setSettings, siteAccess, type LaunchedExtension } from './support/browser';
import { continueRequest, engineRequest, generateViaPort, openLab, setTestSeams } from './support/engine-helpers';

/** Dedicated workers anywhere in the browser (the model host starts none of its own: onnxruntime's threads are the only ones). */
async function dedicatedWorkers(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { targetInfos } = await cdp.send('Target.getTargets');
    return targetInfos.filter((target) => target.type === 'worker').length;
  } finally {
    await cdp.detach();
  }
}

describe('cross-origin isolated extension pages (Chromium)', () => {
  let host: ModelHost;
  let browser: LaunchedExtension;
  let lab: Page;

  beforeAll(async () => {
    host = await startModelHost({ root: TINY_MODEL_ROOT });
    browser = await launchExtension();
    await setSettings(browser.worker, { modelHost: host.origin, modelId: TINY_MODEL_ID, variants: 1 });
    lab = await openLab(browser);
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('runs the model on two threads in an isolated model host and answers what one thread answers', async () => {
    expect(await lab.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    expect(await dedicatedWorkers(lab)).toBe(0);
    await setTestSeams(lab, { wasmThreads: 2 });
    expect(await engineRequest(lab, { type: 'engine.warmUp' })).toMatchObject({ state: 'ready', model: { backend: 'wasm', dtype: 'q8' } });

    const request = continueRequest('threads-1');
    const run = await generateViaPort(lab, request);
    const done = run.messages.at(-1);
    expect(done?.type, JSON.stringify(done)).toBe('done');
    const variants = done?.type === 'done' ? done.variants : [];
    expect(await checkGreedyUpToTies(variants[0] ?? '', request.text, 'q8', 96, host.origin)).toMatchObject({ ok: true });
    // onnxruntime keeps its thread pool (numThreads − 1 workers beside the document's own thread).
    expect(await dedicatedWorkers(lab)).toBeGreaterThan(0);
    await setTestSeams(lab, null);
  });

  it('downloads from a mirror that sends no CORS headers once the writer grants its origin on the options page', async () => {
    const mirror = await startModelHost({ root: TINY_MODEL_ROOT, cors: false });
    const fresh = await launchExtension();
    try {
      await setSettings(fresh.worker, { modelHost: mirror.origin, modelId: TINY_MODEL_ID, variants: 1 });
      const page = await openLab(fresh);
      const read = () => page.evaluate((url) => fetch(url).then(() => 'read', (error: Error) => error.name), `${mirror.origin}/${TINY_MODEL_ID}/resolve/main/config.json`);
      // Chromium lets the extension's pages read the sites its content script runs on (all, by
      // default) without CORS, host permissions or not.
      expect(await read()).toBe('read');
      // The writer limits the extension's site access (chrome://extensions, "On click"): its content
      // script then reaches no site, and neither do its pages, so only a grant reaches the mirror.
      const extensionsPage = await fresh.context.newPage();
      await extensionsPage.goto(`chrome://extensions/?id=${fresh.extensionId}`);
      await siteAccess(extensionsPage, fresh.extensionId, { hostAccess: 'ON_CLICK' });
      expect(await read()).toBe('TypeError');
      expect(await engineRequest(page, { type: 'engine.warmUp' })).toMatchObject({ state: 'error', message: expect.stringMatching(/could not be downloaded/) });
      const pattern = `${mirror.origin}/*`;
      const options = await fresh.context.newPage();
      await options.goto(`chrome-extension://${fresh.extensionId}/options.html`);
      await expect.poll(() => options.getByTestId('model-host-access').textContent()).toContain(`no permission for ${pattern}`);

      // Headless Chromium cannot answer a permission prompt: the writer grants the mirror's site in
      // chrome://extensions ("On specific sites"). "Use this host" then asks for the origin from its
      // click, the browser answers at once (no new access, so no prompt), and the page says so.
      await siteAccess(extensionsPage, fresh.extensionId, { add: pattern });
      await options.getByRole('button', { name: 'Use this host' }).click();
      await expect.poll(() => options.getByTestId('model-host-access').textContent()).toContain(`Ledgerline may download from ${pattern}`);
      const granted = (origin: string) => (globalThis as unknown as { chrome: { permissions: { contains(p: object): Promise<boolean> } } }).chrome.permissions.contains({ origins: [origin] });
      expect(await page.evaluate(granted, pattern)).toBe(true);

      // The model host document is cross-origin isolated: the model loads through that grant.
      await engineRequest(page, { type: 'engine.unload' });
      expect(await engineRequest(page, { type: 'engine.warmUp' })).toMatchObject({ state: 'ready' });
      expect(mirror.log.some((entry) => entry.path.endsWith('/onnx/model_quantized.onnx') && entry.status === 200)).toBe(true);
      const run = await generateViaPort(page, continueRequest('mirror-1'));
      expect(run.messages.at(-1)?.type).toBe('done');
    } finally {
      await fresh.close();
      await mirror.close();
    }
  });
});
