/**
 * Service-worker lifetime, through the full path (content script → background → panel): the
 * worker is stopped mid-generation (CDP `ServiceWorker.stopAllWorkers`, what Chrome does to an
 * idle worker; content scripts stay alive), the panel shows a clear error with "Try again", and
 * the retry starts a fresh worker that reloads the model from the cache and answers. Requests of
 * a closed tab are dropped.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startModelHost, type ModelHost } from '../../scripts/model-host';
import { startStaticServer, type StaticServer } from '../../scripts/static-server';
import { TINY_MODEL_ID, TINY_MODEL_ROOT } from '../support/tiny-model';
import { launchExtension, setSettings, type LaunchedExtension } from './support/browser';
import { continueRequest, engineRequest, fullGets, generateViaPort, openLab, setTestSeams } from './support/engine-helpers';

async function typeAndPause(page: Page): Promise<void> {
  const story = page.locator('#story');
  await story.click();
  await page.keyboard.press('End');
  await page.keyboard.type(' The mayor said');
}

describe('service worker lifetime (Chromium)', () => {
  let pages: StaticServer;
  let host: ModelHost;
  let browser: LaunchedExtension;
  let lab: Page;

  beforeAll(async () => {
    pages = await startStaticServer(resolve('scripts/demo'));
    host = await startModelHost({ root: TINY_MODEL_ROOT });
    browser = await launchExtension();
    // Any pause after new words opens the panel (pauseMinWords 0, after 3× the delay mid-sentence):
    // this file is not about when it opens (tests/e2e/quiet-panel.e2e.ts is).
    await setSettings(browser.worker, { modelHost: host.origin, modelId: TINY_MODEL_ID, pauseDelayMs: 300, variants: 2, pauseMinWords: 0 });
    lab = await openLab(browser);
    expect(await engineRequest(lab, { type: 'engine.warmUp' })).toMatchObject({ state: 'ready' });
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await pages?.close();
  });

  it('a worker stopped mid-generation gives the panel a clear error, and "Try again" works', async () => {
    // ~30 tokens × 150 ms per variant: the worker is stopped well inside the generation.
    await setTestSeams(lab, { stepDelayMs: 150 });
    const page = await browser.context.newPage();
    await page.goto(`${pages.origin}/index.html`);
    await typeAndPause(page);
    const variant = page.getByTestId('suggestion-variant').first();
    await expect.poll(() => variant.isVisible(), { timeout: 60_000 }).toBe(true); // streaming has begun

    const cdp = await browser.context.newCDPSession(lab);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');

    const error = page.getByTestId('panel-error');
    await expect.poll(() => error.isVisible(), { timeout: 10_000 }).toBe(true);
    expect((await error.textContent())?.trim().length).toBeGreaterThan(10);
    expect(await page.getByTestId('accept-variant').count()).toBe(0);

    await setTestSeams(lab, null); // storage works while the worker is stopped
    const graphGets = fullGets(host.log, 'onnx/model_quantized.onnx');
    await page.getByTestId('panel-retry').click();
    const accept = page.getByTestId('accept-variant').first();
    await accept.waitFor({ state: 'visible', timeout: 60_000 });
    await expect.poll(() => error.count()).toBe(0);
    // The fresh worker reloaded the model from the cache, not the network.
    expect(fullGets(host.log, 'onnx/model_quantized.onnx')).toBe(graphGets);
    expect(await engineRequest(lab, { type: 'engine.status' })).toMatchObject({ state: 'ready' });
    await page.close();
  });

  it('drops the request of a tab that is closed', async () => {
    await setTestSeams(lab, { stepDelayMs: 200 });
    const page = await browser.context.newPage();
    await page.goto(`${pages.origin}/index.html`);
    await typeAndPause(page);
    await expect.poll(() => page.getByTestId('suggestion-panel').isVisible(), { timeout: 30_000 }).toBe(true);
    await expect
      .poll(async () => {
        const runtime = await engineRequest(lab, { type: 'engine.runtime' });
        return runtime.ok && runtime.queue.running;
      })
      .toBe(true);
    await page.close();
    // Dropped at once, not run to the end (that would take seconds).
    await expect
      .poll(
        async () => {
          const runtime = await engineRequest(lab, { type: 'engine.runtime' });
          return runtime.ok && runtime.queue;
        },
        { timeout: 2_000 },
      )
      .toEqual({ running: false, pending: 0 });
    await setTestSeams(lab, null);
    const run = await generateViaPort(lab, continueRequest('after-close'));
    expect(run.messages.at(-1)?.type).toBe('done');
  });
});
