import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { startModelHost, type ModelHost } from '../../scripts/model-host';
import { startStaticServer, type StaticServer } from '../../scripts/static-server';
import { TINY_MODEL_ID, TINY_MODEL_ROOT } from '../support/tiny-model';
import { launchExtension, runSuggestCommand, setSettings, type LaunchedExtension } from './support/browser';
import { FINISHED_SENTENCE, waitForSuggestion } from './support/suggest';

/**
 * The panel is quiet until useful (#14): a pause never downloads a model (the panel the writer
 * summons offers it, with its size and where it runs), and it opens on its own only at a natural
 * point after enough new words, never again on text the writer dismissed, never after an Esc
 * that came before it.
 */
const PAUSE_MS = 300;
/** Longer than the long pause (3 × PAUSE_MS) plus a generation with the tiny model (~0.1 s). */
const QUIET_MS = 3 * PAUSE_MS + 1500;

let demo: StaticServer;
let host: ModelHost;

beforeAll(async () => {
  demo = await startStaticServer(resolve('scripts/demo'));
  host = await startModelHost({ root: TINY_MODEL_ROOT });
});

afterAll(async () => {
  await host?.close();
  await demo?.close();
});

const settings = () => ({ modelHost: host.origin, modelId: TINY_MODEL_ID, pauseDelayMs: PAUSE_MS, variants: 1 });
const panel = (page: Page) => page.getByTestId('suggestion-panel');

async function typeInStory(page: Page, text: string): Promise<void> {
  await page.locator('#story').click();
  await page.keyboard.press('End');
  await page.keyboard.type(text);
}

describe('the model download is the writer’s decision', () => {
  let browser: LaunchedExtension;

  beforeAll(async () => {
    browser = await launchExtension();
    await setSettings(browser.worker, settings(), { downloadConsent: false });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('a pause downloads nothing and opens nothing; the shortcut offers the download, and the panel’s Download starts it', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${demo.origin}/index.html`);
    await typeInStory(page, FINISHED_SENTENCE);
    await page.waitForTimeout(QUIET_MS);
    expect(await panel(page).count()).toBe(0);
    expect(host.requests).toEqual([]);

    await runSuggestCommand(browser.worker);
    const offer = page.getByTestId('panel-offer');
    await offer.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await offer.textContent()).toContain('Nothing is downloaded until you choose one.');
    expect(await page.getByTestId('offer-model').textContent()).toBe(
      `${TINY_MODEL_ID} (download size unknown) runs in this browser on the processor (WASM). Your text never leaves the device.`,
    );
    // A made-up model has no catalogued size, so no smaller one can be told apart from it.
    expect(await page.getByTestId('offer-smaller').count()).toBe(0);
    expect(host.requests).toEqual([]);
    const scan = await new AxeBuilder({ page }).include('ledgerline-panel').analyze();
    expect(scan.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((v) => v.id)).toEqual([]);

    // Keyboard only: Alt+↓ reaches the offer, Enter takes it.
    await page.keyboard.press('Alt+ArrowDown');
    const focused = () => page.getByTestId('offer-download').evaluate((button) => button.matches(':focus'));
    await expect.poll(focused).toBe(true);
    await page.keyboard.press('Enter');
    const suggestion = await waitForSuggestion(page);
    expect(suggestion.length).toBeGreaterThan(0);
    expect(host.requests.some((path) => path.endsWith('/onnx/model_quantized.onnx'))).toBe(true);
    // The consent is the writer's, kept for this model.
    const consent = await browser.worker.evaluate(async () => {
      const { chrome } = globalThis as unknown as { chrome: { storage: { local: { get(key: string): Promise<Record<string, unknown>> } } } };
      return (await chrome.storage.local.get('modelDownloadConsent')).modelDownloadConsent;
    });
    expect(consent).toEqual([TINY_MODEL_ID.toLowerCase()]);
    await page.close();
  });
});

describe('when the panel opens on its own', () => {
  let browser: LaunchedExtension;
  let page: Page;

  beforeAll(async () => {
    browser = await launchExtension();
  });

  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    await setSettings(browser.worker, settings());
    page = await browser.context.newPage();
    await page.goto(`${demo.origin}/index.html`);
  });

  it('not on a pause mid-sentence after a few words, however long; at the end of a sentence with enough new words', async () => {
    await typeInStory(page, ' Officials said that the');
    await page.waitForTimeout(QUIET_MS);
    expect(await panel(page).count()).toBe(0);
    await page.keyboard.type(FINISHED_SENTENCE);
    await waitForSuggestion(page);
    // Opened by the pause, not summoned: Tab keeps its page meaning.
    expect(await panel(page).getByTestId('panel-status').textContent()).toMatch(/Tab keeps its usual meaning/);
    await page.close();
  });

  it('not again on the same text after the writer dismissed it; again after a new sentence', async () => {
    await typeInStory(page, FINISHED_SENTENCE);
    await panel(page).waitFor({ state: 'visible', timeout: 60_000 });
    await page.keyboard.press('Escape');
    await expect.poll(() => panel(page).count()).toBe(0);
    // An edit that leaves the text as it was, then a pause.
    await page.keyboard.type('x');
    await page.keyboard.press('Backspace');
    await page.waitForTimeout(QUIET_MS);
    expect(await panel(page).count()).toBe(0);
    await page.keyboard.type(FINISHED_SENTENCE);
    await panel(page).waitFor({ state: 'visible', timeout: 60_000 });
    await page.close();
  });

  it('“Not in this field” switches it off for that field of the site, by keyboard; the options list it to turn on again', async () => {
    const storedFields = () =>
      browser.worker.evaluate(async () => {
        const { chrome } = globalThis as unknown as { chrome: { storage: { local: { get(key: string): Promise<Record<string, { disabledFields?: string[] }>> } } } };
        return (await chrome.storage.local.get('settings')).settings?.disabledFields ?? [];
      });
    const summoned = async () => {
      await runSuggestCommand(browser.worker);
      await page.waitForTimeout(QUIET_MS);
      return panel(page).count();
    };
    await typeInStory(page, FINISHED_SENTENCE);
    await waitForSuggestion(page);
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(() => page.getByTestId('accept-variant').first().evaluate((button) => button.matches(':focus'))).toBe(true);
    await page.keyboard.press('Tab');
    await expect.poll(() => page.getByTestId('field-off').evaluate((button) => button.matches(':focus'))).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(storedFields).toEqual([`${new URL(demo.origin).hostname}|story`]);
    await expect.poll(() => panel(page).count()).toBe(0);
    // Back in the field, which now gets nothing, not even from the shortcut; after a reload too.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('story');
    expect(await summoned()).toBe(0);
    await page.reload();
    await typeInStory(page, FINISHED_SENTENCE);
    expect(await summoned()).toBe(0);
    // The other fields of the site still work.
    await page.locator('#notes').click();
    await runSuggestCommand(browser.worker);
    await panel(page).waitFor({ state: 'visible', timeout: 60_000 });
    await page.keyboard.press('Escape');

    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
    const listed = options.getByTestId('disabled-fields');
    await expect.poll(() => listed.textContent()).toContain(`story on ${new URL(demo.origin).hostname}`);
    await listed.getByRole('button', { name: `Turn on again: story on ${new URL(demo.origin).hostname}` }).click();
    await expect.poll(storedFields).toEqual([]);
    await options.close();
    await page.bringToFront();
    await page.locator('#story').click();
    await runSuggestCommand(browser.worker);
    await waitForSuggestion(page);
    await page.close();
  });

  it('Esc pressed before it opens cancels it, and stays the page’s key', async () => {
    // A pause long enough that Esc surely comes first.
    await setSettings(browser.worker, { ...settings(), pauseDelayMs: 1500 });
    await page.reload();
    await page.evaluate(() => {
      const scope = window as unknown as { escapes: number };
      scope.escapes = 0;
      document.addEventListener('keydown', (event) => event.key === 'Escape' && !event.defaultPrevented && scope.escapes++);
    });
    await typeInStory(page, FINISHED_SENTENCE);
    await page.keyboard.press('Escape');
    await page.waitForTimeout(3 * 1500 + 1500);
    expect(await panel(page).count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { escapes: number }).escapes)).toBe(1);
    // The shortcut still works.
    await runSuggestCommand(browser.worker);
    await waitForSuggestion(page);
    await page.close();
  });
});
