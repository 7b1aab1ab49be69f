import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { startModelHost } from '../../scripts/model-host';
import { startStaticServer, type StaticServer } from '../../scripts/static-server';
import { checkGreedyUpToTies, TINY_MODEL_ID, TINY_MODEL_ROOT } from '../support/tiny-model';
import { isLocal, launchExtension, requestsLeavingMachine, setSettings, type LaunchedExtension } from './support/browser';
import { acceptFromList, FINISHED_SENTENCE } from './support/suggest';

/**
 * The walking skeleton, end to end: finish a sentence in a field, pause, a suggestion streams from the tiny
 * model (downloaded from the local hub-layout host, cached, loaded in the service worker), the
 * writer accepts it from the list (Alt+↓, Enter) and it is inserted with native undo, and the
 * ledger records it.
 */
describe('walking skeleton in Chromium', () => {
  let pages: StaticServer;
  let host: Awaited<ReturnType<typeof startModelHost>>;
  let browser: LaunchedExtension;
  let page: Page;
  let closed = false;
  let extensionId = '';

  beforeAll(async () => {
    pages = await startStaticServer(resolve('scripts/demo'));
    host = await startModelHost({ root: TINY_MODEL_ROOT });
    browser = await launchExtension();
    extensionId = browser.extensionId;
    await setSettings(browser.worker, { modelHost: host.origin, modelId: TINY_MODEL_ID, pauseDelayMs: 400, variants: 2 });
    page = await browser.context.newPage();
    await page.goto(`${pages.origin}/index.html`);
  });

  /** The engine's status, as the popup asks for it. */
  async function extensionStatus(): Promise<unknown> {
    const popup = await browser.context.newPage();
    await popup.goto(`chrome-extension://${extensionId}/popup.html`);
    const status = await popup.evaluate(() => {
      const { chrome } = globalThis as unknown as { chrome: { runtime: { sendMessage(message: object): Promise<unknown> } } };
      return chrome.runtime.sendMessage({ type: 'engine.status' });
    });
    await popup.close();
    return status;
  }

  afterAll(async () => {
    if (!closed) await browser?.close();
    await host?.close();
    await pages?.close();
  });

  it('suggests on a pause, inserts from the list, records the sentences; one Ctrl+Z undoes it and records the withdrawal', async () => {
    const story = page.locator('#story');
    const before = await story.inputValue();
    await story.click();
    await page.keyboard.press('End');
    // A writer ends a sentence and pauses.
    await page.keyboard.type(FINISHED_SENTENCE);
    const typed = before + FINISHED_SENTENCE;

    const panel = page.getByTestId('suggestion-panel');
    await expect.poll(() => panel.isVisible(), { timeout: 60_000 }).toBe(true);
    const accept = page.getByTestId('accept-variant').first();
    await accept.waitFor({ state: 'visible', timeout: 120_000 });
    const suggestion = (await page.getByTestId('suggestion-variant').first().locator('.text').textContent()) ?? '';
    expect(suggestion.trim().length).toBeGreaterThan(0);
    // The first variant is greedy: token for token what onnxruntime-node gives for the same
    // prompt (here on WASM, q8, the default without WebGPU), up to a near-tie where the two
    // runtimes' rounding may choose differently.
    const status = await extensionStatus();
    expect(status).toMatchObject({ state: 'ready', model: { id: TINY_MODEL_ID, backend: 'wasm', dtype: 'q8' } });
    expect(await checkGreedyUpToTies(suggestion, typed, 'q8', 96, host.origin)).toMatchObject({ ok: true });

    // The panel opened on a pause: Tab keeps its page meaning, the writer moves into the list to accept.
    await acceptFromList(page);
    await expect.poll(() => story.inputValue()).toBe(typed + suggestion);
    await expect.poll(() => panel.count()).toBe(0);
    // Our own insertion is not the writer typing: no new suggestion pops up after the pause.
    await page.waitForTimeout(1200);
    expect(await panel.count()).toBe(0);
    // Still focused in the field, caret after the insertion.
    expect(await story.evaluate((el: HTMLTextAreaElement) => [document.activeElement === el, el.selectionEnd])).toEqual([
      true,
      (typed + suggestion).length,
    ]);

    const popup = await browser.context.newPage();
    await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    await expect.poll(() => popup.getByTestId('ledger-entries').textContent()).toBe('1');
    const recorded = await popup.getByTestId('ledger-entry').first().textContent();
    expect(recorded).toContain(TINY_MODEL_ID);
    expect(recorded).toContain('continue');
    expect(recorded).toContain(`${new URL(pages.origin).host}/index.html#story`);
    const sentenceCount = Number(await popup.getByTestId('ledger-sentences').textContent());
    expect(sentenceCount).toBeGreaterThan(0);

    // One Ctrl+Z right after accepting takes it back: the text goes, and the ledger says so.
    await page.bringToFront();
    await page.keyboard.press('Control+z');
    await expect.poll(() => story.inputValue()).toBe(typed);
    await popup.reload();
    await expect.poll(() => popup.getByTestId('ledger-entries').textContent()).toBe('0');
    expect(await popup.getByTestId('ledger-sentences').textContent()).toBe('0');
    expect(await popup.getByTestId('ledger-withdrawal').first().textContent()).toMatch(/^Withdraws #1 \(undone\)/);
    await popup.close();
  });

  it('made no network request beyond this machine (Chromium NetLog)', async () => {
    const requests = await browser.close();
    closed = true;
    // The log is live: it saw the extension fetch the model files from the local host.
    const modelFetches = requests.filter((request) => request.url.startsWith(`${host.origin}/${TINY_MODEL_ID}/resolve/main/`));
    expect(modelFetches.length).toBeGreaterThan(0);
    expect(new Set(modelFetches.map((request) => request.initiator))).toEqual(new Set([`chrome-extension://${extensionId}`]));
    // Everything a page or the extension asked for stayed on this machine.
    expect(requests.filter((request) => request.initiator !== null && !isLocal(request.url))).toEqual([]);
    expect(requestsLeavingMachine(requests)).toEqual([]);
  });
});
