import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { startModelHost } from '../../scripts/model-host';
import { startStaticServer, type StaticServer } from '../../scripts/static-server';
import { TINY_MODEL_ID, TINY_MODEL_ROOT } from '../support/tiny-model';
import { launchExtension, runSuggestCommand, setSettings, type LaunchedExtension } from './support/browser';

/** What the writer sees when things go wrong: never a hang, never lost text. */
describe('bad input and failures', () => {
  let demo: StaticServer;
  let host: Awaited<ReturnType<typeof startModelHost>>;
  let browser: LaunchedExtension;
  let page: Page;

  const settings = (modelId: string) => ({ modelHost: host.origin, modelId, pauseDelayMs: 0, variants: 2 });

  beforeAll(async () => {
    demo = await startStaticServer(resolve('scripts/demo'));
    host = await startModelHost({ root: TINY_MODEL_ROOT });
    browser = await launchExtension();
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await demo?.close();
  });

  async function openDemo(): Promise<void> {
    page = await browser.context.newPage();
    await page.goto(`${demo.origin}/index.html`);
    await page.locator('#story').click();
    await page.keyboard.press('End');
  }

  it('a model that cannot be downloaded gives a plain error with a retry, and the page is untouched', async () => {
    await setSettings(browser.worker, settings('ledgerline-test/no-such-model'));
    await openDemo();
    const before = await page.locator('#story').inputValue();
    await runSuggestCommand(browser.worker);
    const error = page.getByTestId('panel-error');
    await error.waitFor({ state: 'visible', timeout: 60_000 });
    expect(await error.textContent()).toMatch(/could not be downloaded/i);
    expect(await page.locator('#story').inputValue()).toBe(before);

    // The writer fixes the model in the settings and retries from the panel.
    await setSettings(browser.worker, settings(TINY_MODEL_ID));
    await page.getByTestId('panel-retry').click();
    await page.getByTestId('accept-variant').first().waitFor({ state: 'visible', timeout: 60_000 });
    await page.close();
  });

  it("choosing the browser's built-in model where Chrome cannot run it gives a clear error, not a hang", async () => {
    await setSettings(browser.worker, { ...settings(TINY_MODEL_ID), device: 'builtin' });
    await openDemo();
    const before = await page.locator('#story').inputValue();
    await runSuggestCommand(browser.worker);
    const error = page.getByTestId('panel-error');
    await error.waitFor({ state: 'visible', timeout: 60_000 });
    // Headless Chromium here has the Prompt API but no model it can run.
    expect(await error.textContent()).toMatch(/built-in (language )?model/);
    expect(await error.textContent()).toMatch(/Choose "Automatic"/);
    expect(await page.locator('#story').inputValue()).toBe(before);
    await page.close();
  });

  it('when the ledger cannot write, the writer is told and nothing is inserted without a record', async () => {
    await setSettings(browser.worker, settings(TINY_MODEL_ID));
    // Storage full, as IndexedDB reports it (until the test puts the real methods back).
    await browser.worker.evaluate(() => {
      const store = IDBObjectStore.prototype as IDBObjectStore & { realAdd?: IDBObjectStore['add']; realPut?: IDBObjectStore['put'] };
      store.realAdd = store.add;
      store.realPut = store.put;
      store.add = store.put = function () {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
    });
    try {
      await openDemo();
      const story = page.locator('#story');
      const before = await story.inputValue();
      await runSuggestCommand(browser.worker);
      await page.getByTestId('accept-variant').first().waitFor({ state: 'visible', timeout: 60_000 });
      await page.keyboard.press('Tab');
      const notice = page.getByTestId('panel-notice');
      await notice.waitFor({ state: 'visible', timeout: 30_000 });
      expect(await notice.textContent()).toMatch(/^Not inserted: the disclosure ledger could not record it \(The browser storage is full/);
      // The field is as the writer left it; the panel stays, so nothing of the suggestion is lost.
      expect(await story.inputValue()).toBe(before);
      expect(await page.getByTestId('accept-variant').count()).toBeGreaterThan(0);
    } finally {
      await browser.worker.evaluate(() => {
        const store = IDBObjectStore.prototype as IDBObjectStore & { realAdd?: IDBObjectStore['add']; realPut?: IDBObjectStore['put'] };
        store.add = store.realAdd!;
        store.put = store.realPut!;
      });
      await page.close();
    }
  });

  it('a 1 MB field of mixed scripts and emoji still gets a suggestion at the caret', async () => {
    await setSettings(browser.worker, settings(TINY_MODEL_ID));
    await openDemo();
    const story = page.locator('#story');
    const chunk = 'The council met. 市議会が開かれた。 اجتمع المجلس. שלום 👩🏽‍💻 🇫🇷 e\u0301 ';
    await story.evaluate((el: HTMLTextAreaElement, unit: string) => {
      el.value = unit.repeat(Math.ceil(1_000_000 / unit.length));
      el.setSelectionRange(el.value.length, el.value.length);
    }, chunk);
    const before = await story.inputValue();
    expect(before.length).toBeGreaterThanOrEqual(1_000_000);
    await runSuggestCommand(browser.worker);
    await page.getByTestId('accept-variant').first().waitFor({ state: 'visible', timeout: 60_000 });
    const suggestion = (await page.getByTestId('variant-text').first().textContent()) ?? '';
    await page.keyboard.press('Tab');
    await expect.poll(() => story.inputValue()).toBe(before + suggestion);
    await page.close();
  });
});
