/**
 * The onboarding page a writer sees on first install: it offers the model download, shows its
 * progress, says when the model is ready, and then stops asking the background for news (a page
 * asking every second would keep the worker, and the model in it, from ever being stopped).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelHost, type ModelHost } from '../../scripts/model-host';
import { TINY_MODEL_ID, TINY_MODEL_ROOT } from '../support/tiny-model';
import { launchExtension, setSettings, type LaunchedExtension } from './support/browser';

describe('onboarding download (Chromium)', () => {
  let host: ModelHost;
  let browser: LaunchedExtension;

  beforeAll(async () => {
    host = await startModelHost({ root: TINY_MODEL_ROOT });
    browser = await launchExtension();
    // A first run: the writer has agreed to nothing yet; the Download button is their decision.
    await setSettings(browser.worker, { modelHost: host.origin, modelId: TINY_MODEL_ID, variants: 1 }, { downloadConsent: false });
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('downloads the model with a progress bar, says it is ready, then stops polling the background', async () => {
    host.setFaults({ throttle: [{ match: 'onnx/model_quantized.onnx', bytesPerSecond: 60_000 }] });
    const page = await browser.context.newPage();
    // Count the page's requests to the background.
    await page.addInitScript(() => {
      const scope = globalThis as unknown as { chrome: { runtime: { sendMessage: (...args: unknown[]) => unknown } }; asked: number };
      const send = scope.chrome.runtime.sendMessage.bind(scope.chrome.runtime);
      scope.asked = 0;
      scope.chrome.runtime.sendMessage = (...args: unknown[]) => {
        scope.asked++;
        return send(...args);
      };
    });
    await page.goto(`chrome-extension://${browser.extensionId}/onboarding.html`);
    await expect.poll(() => page.getByTestId('onboarding-model').textContent()).toContain(TINY_MODEL_ID);
    expect(host.requests).toEqual([]);
    await page.getByTestId('onboarding-download').click();

    const status = page.getByTestId('engine-status');
    await expect.poll(() => page.locator('progress').count(), { timeout: 20_000 }).toBe(1);
    expect(await status.textContent()).toMatch(/^Loading ledgerline-test\/tiny-chat \(.+ of .+\)$/);
    await expect.poll(() => status.textContent(), { timeout: 60_000 }).toBe(`Ready: ${TINY_MODEL_ID} on WASM (q8)`);
    host.setFaults(undefined);

    const asked = await page.evaluate(() => (globalThis as unknown as { asked: number }).asked);
    expect(asked).toBeGreaterThan(2); // it did follow the download
    await page.waitForTimeout(3_000);
    expect(await page.evaluate(() => (globalThis as unknown as { asked: number }).asked)).toBe(asked);
  });
});
