import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { startModelHost } from '../../scripts/model-host';
import { startStaticServer, type StaticServer } from '../../scripts/static-server';
import { TINY_MODEL_ID, TINY_MODEL_ROOT } from '../support/tiny-model';
import { launchExtension, runSuggestCommand, setSettings, type LaunchedExtension } from './support/browser';

/**
 * The extension in a German and a French browser: the panel, the popup and the options page
 * speak the browser's language, and the longer German and French labels still fit (header
 * inside the viewport, no action label clipped). Writes the README's screenshots of both.
 */
const SCREENSHOTS = resolve('docs/screenshots');

type Messages = Record<string, { message: string }>;
const readMessages = (locale: string): Messages => JSON.parse(readFileSync(resolve(`public/_locales/${locale}/messages.json`), 'utf8'));
const english = readMessages('en');

/** A message as a pattern: its $1…$9 stand for any text. */
function messagePattern(message: string): RegExp {
  const escaped = message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\$[1-9]/g, '.+?');
  return new RegExp(`^${escaped}$`);
}

describe.each(['de', 'fr'])('the UI in a %s browser', (locale) => {
  const messages = readMessages(locale);
  let demo: StaticServer;
  let host: Awaited<ReturnType<typeof startModelHost>>;
  let browser: LaunchedExtension;

  beforeAll(async () => {
    demo = await startStaticServer(resolve('scripts/demo'));
    host = await startModelHost({ root: TINY_MODEL_ROOT });
    browser = await launchExtension({ locale });
    // Pause-to-suggest off: the panel opens with the shortcut command only.
    await setSettings(browser.worker, { modelHost: host.origin, modelId: TINY_MODEL_ID, pauseDelayMs: 0, variants: 3 });
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await demo?.close();
  });

  async function openPanelWithShortcut(page: Page): Promise<void> {
    await page.goto(`${demo.origin}/index.html`);
    await page.locator('#story').click();
    await page.keyboard.press('End');
    await page.keyboard.type(' Officials said');
    await runSuggestCommand(browser.worker);
    await page.getByTestId('accept-variant').first().waitFor({ state: 'visible', timeout: 60_000 });
  }

  it('the suggestion panel speaks the language, and its labels fit', async () => {
    const page = await browser.context.newPage();
    await openPanelWithShortcut(page);
    const panel = page.getByTestId('suggestion-panel');

    // The final status, for one or several suggestions, in this language.
    const ready = new RegExp(`${messagePattern(messages.statusReady!.message).source}|${messagePattern(messages.statusReadyOne!.message).source}`);
    await expect.poll(() => panel.getByTestId('panel-status').textContent(), { timeout: 60_000 }).toMatch(ready);
    expect(await panel.getAttribute('aria-label')).toBe(messages.panelLabel!.message);
    expect(await panel.locator('.title').textContent()).toBe(messages.panelTitle!.message);
    expect(await panel.locator('.close').getAttribute('aria-label')).toBe(messages.dismiss!.message);
    expect(await panel.getByTestId('accept-variant').first().textContent()).toBe(messages.accept!.message);

    const actions = panel.locator('.action');
    const count = await actions.count();
    expect(count).toBeGreaterThan(5);
    for (let index = 0; index < count; index++) {
      const action = actions.nth(index);
      const id = (await action.getAttribute('data-action'))!;
      const key = `action${id[0]!.toUpperCase()}${id.slice(1)}`;
      expect(messages[key]!.message, `${key} is translated`).not.toBe(english[key]!.message);
      expect(await action.textContent(), key).toBe(messages[key]!.message);
      // Not clipped: the label's full width is shown.
      const fits = await action.evaluate((button) => button.scrollWidth <= button.clientWidth && button.scrollHeight <= button.clientHeight);
      expect(fits, `${key} "${messages[key]!.message}" is clipped`).toBe(true);
    }

    // The header (title and close button) lies wholly inside the viewport.
    const viewport = page.viewportSize()!;
    for (const part of ['.title', '.close']) {
      const box = (await panel.locator(part).boundingBox())!;
      expect(box.x, part).toBeGreaterThanOrEqual(0);
      expect(box.y, part).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, part).toBeLessThanOrEqual(viewport.width);
      expect(box.y + box.height, part).toBeLessThanOrEqual(viewport.height);
    }
    await page.screenshot({ path: `${SCREENSHOTS}/panel-${locale}.png` });
    await page.close();
  });

  it('the popup and the options page speak the language', async () => {
    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
    await expect.poll(() => options.locator('h1').textContent()).toBe(messages.optionsTitle!.message);
    expect(messages.optionsTitle!.message).not.toBe(english.optionsTitle!.message);
    expect(await options.title()).toBe(messages.optionsTitle!.message);
    await options.close();

    const popup = await browser.context.newPage();
    await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    await expect.poll(() => popup.locator('#ledger-heading').textContent()).toBe(messages.popupLedgerHeading!.message);
    expect(messages.popupLedgerHeading!.message).not.toBe(english.popupLedgerHeading!.message);
    await expect.poll(() => popup.getByRole('button', { name: messages.popupOpenOptions!.message }).count()).toBe(1);
    await popup.close();
  });
});
