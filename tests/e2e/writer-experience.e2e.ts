import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from 'playwright-core';
import { countX } from '../../lib/platforms/counting';
import { startModelHost } from '../../scripts/model-host';
import { startStaticServer, type StaticServer } from '../../scripts/static-server';
import { TINY_MODEL_ID, TINY_MODEL_ROOT } from '../support/tiny-model';
import { launchExtension, runSuggestCommand, setSettings, type LaunchedExtension } from './support/browser';
import { contrastInBothSchemes } from './support/contrast';
import { acceptFromList, FINISHED_SENTENCE, moveIntoList } from './support/suggest';

/**
 * The writer's experience with the panel: how it opens, keyboard navigation, whole and
 * one-sentence accept, Esc, fit-to-limit on a 280-character composer, per-site off,
 * accessibility (axe) and the README screenshots.
 */
const SCREENSHOTS = resolve('docs/screenshots');

describe('writer experience in Chromium', () => {
  let demo: StaticServer;
  let fixtures: StaticServer;
  let host: Awaited<ReturnType<typeof startModelHost>>;
  let browser: LaunchedExtension;
  let page: Page;

  const settings = () => ({ modelHost: host.origin, modelId: TINY_MODEL_ID, pauseDelayMs: 300, variants: 3 });

  beforeAll(async () => {
    demo = await startStaticServer(resolve('scripts/demo'));
    fixtures = await startStaticServer(resolve('tests/fixtures/pages'));
    host = await startModelHost({ root: TINY_MODEL_ROOT });
    browser = await launchExtension();
    await setSettings(browser.worker, settings());
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await demo?.close();
    await fixtures?.close();
  });

  beforeEach(async () => {
    await setSettings(browser.worker, settings());
    page = await browser.context.newPage();
    await page.goto(`${demo.origin}/index.html`);
  });

  // Each test's page closes with it. Left open, the composer test's page (after its colour-scheme
  // emulation) kept the next test's pause from opening a panel: not understood yet, noted on #14.
  afterEach(async () => {
    await page?.close();
  });

  const panel = () => page.getByTestId('suggestion-panel');
  const variants = () => page.getByTestId('suggestion-variant');

  async function typeAndWaitForVariants(field: Locator, text: string): Promise<void> {
    await field.click();
    await page.keyboard.press('End');
    await page.keyboard.type(text);
    await page.getByTestId('accept-variant').first().waitFor({ state: 'visible', timeout: 60_000 });
    // Wait for the final list, not the first streamed variant.
    await expect.poll(() => panel().getByTestId('panel-status').textContent(), { timeout: 60_000 }).toMatch(/^\d+ suggestions?\./);
  }

  async function variantText(index: number): Promise<string> {
    return (await variants().nth(index).getByTestId('variant-text').textContent()) ?? '';
  }

  it('opens on a pause after a finished sentence and lists several distinct variants, announced politely', async () => {
    const story = page.locator('#story');
    await typeAndWaitForVariants(story, FINISHED_SENTENCE);
    const count = await variants().count();
    expect(count).toBeGreaterThanOrEqual(2);
    const texts = await Promise.all(Array.from({ length: count }, (_, index) => variantText(index)));
    expect(new Set(texts).size).toBe(count);
    expect(await panel().getByRole('status').getAttribute('aria-live')).toBe('polite');
    // The panel never took focus from the field.
    expect(await story.evaluate((el) => document.activeElement === el)).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}/panel-textarea.png` });
  });

  it('opens with the suggest shortcut (commands API) with pause-to-suggest off', async () => {
    await setSettings(browser.worker, { ...settings(), pauseDelayMs: 0 });
    await page.reload();
    const story = page.locator('#story');
    await story.click();
    await page.keyboard.press('End');
    await page.keyboard.type(' Later');
    await page.waitForTimeout(800);
    expect(await panel().count()).toBe(0);
    await runSuggestCommand(browser.worker);
    await page.getByTestId('accept-variant').first().waitFor({ state: 'visible', timeout: 60_000 });
    // The command is declared for the writer to rebind, with Alt+Shift+S suggested.
    const commands = await browser.worker.evaluate(async () => {
      const { chrome } = globalThis as unknown as { chrome: { commands: { getAll(): Promise<{ name?: string; shortcut?: string }[]> } } };
      return chrome.commands.getAll();
    });
    expect(commands.find((command) => command.name === 'suggest')?.shortcut).toBe('Alt+Shift+S');
  });

  it('a selection offers “Rewrite…”, by pointer and by keyboard, which opens the rewrites for that selection', async () => {
    await setSettings(browser.worker, { ...settings(), pauseDelayMs: 0 });
    await page.reload();
    const story = page.locator('#story');
    const rewrite = page.getByTestId('selection-rewrite');
    const selectionOf = () => story.evaluate((el: HTMLTextAreaElement) => [el.selectionStart, el.selectionEnd]);
    const currentAction = () => panel().locator('[aria-pressed="true"]').getAttribute('data-action');

    // Pointer: a double-click selects a word; the affordance appears without taking focus.
    await story.dblclick({ position: { x: 30, y: 12 } });
    await rewrite.waitFor();
    const selected = await selectionOf();
    expect(selected[1]).toBeGreaterThan(selected[0]!);
    expect(await panel().count()).toBe(0);
    expect(await story.evaluate((el) => document.activeElement === el)).toBe(true);
    expect(await rewrite.getAttribute('aria-label')).toContain('Alt+↓');
    await page.screenshot({ path: `${SCREENSHOTS}/selection-rewrite.png` });
    // Its text reads in both schemes (WCAG AA for small text: 4.5).
    for (const [scheme, ratio] of Object.entries(await contrastInBothSchemes(page, rewrite, story))) expect(ratio, scheme).toBeGreaterThanOrEqual(4.5);
    await rewrite.click();
    await panel().waitFor();
    expect(await currentAction()).toBe('rephrase');
    expect(await panel().locator('[data-action="continue"]').count()).toBe(0);
    expect(await selectionOf()).toEqual(selected);
    expect(await rewrite.count()).toBe(0);
    await page.keyboard.press('Escape');
    await expect.poll(() => panel().count()).toBe(0);

    // Keyboard: Shift+End selects, Alt+↓ reaches the affordance, Enter opens; focus and selection come back to the field.
    await story.click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Shift+End');
    await rewrite.waitFor();
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(() => rewrite.evaluate((button) => button.matches(':focus'))).toBe(true);
    await page.keyboard.press('Enter');
    await panel().waitFor();
    expect(await currentAction()).toBe('rephrase');
    expect(await story.evaluate((el) => document.activeElement === el)).toBe(true);
    const line = await story.evaluate((el: HTMLTextAreaElement) => el.value.indexOf('\n') === -1 ? el.value.length : el.value.indexOf('\n'));
    expect(await selectionOf()).toEqual([0, line]);
    await page.keyboard.press('Escape');
    await expect.poll(() => panel().count()).toBe(0);

    // A collapsed selection takes it away.
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+Home');
    await rewrite.waitFor();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => rewrite.count()).toBe(0);

    // In a contenteditable, the selection is a DOM range: it survives the trip onto the affordance.
    const notes = page.locator('#notes');
    await notes.click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Shift+End');
    const range = await notes.evaluate(() => getSelection()!.toString());
    expect(range.length).toBeGreaterThan(0);
    await rewrite.waitFor();
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(() => rewrite.evaluate((button) => button.matches(':focus'))).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => rewrite.count()).toBe(0);
    expect(await notes.evaluate((el) => document.activeElement === el && getSelection()!.toString())).toBe(range);
    await page.keyboard.press('Shift+End');
    await rewrite.waitFor();
    await page.keyboard.press('Alt+ArrowDown');
    await page.keyboard.press('Enter');
    await panel().waitFor();
    expect(await currentAction()).toBe('rephrase');
    expect(await notes.evaluate(() => getSelection()!.toString())).toBe(range);
  });

  it('moves into the list with Alt+↓, chooses with the arrows and accepts with Enter', async () => {
    const story = page.locator('#story');
    await typeAndWaitForVariants(story, FINISHED_SENTENCE);
    const before = await story.inputValue();
    const second = await variantText(1);
    await moveIntoList(page);
    await page.keyboard.press('ArrowDown');
    await expect.poll(focusedLabel).toMatch(/^Accept suggestion 2 of \d$/);
    await page.keyboard.press('Enter');
    await expect.poll(() => story.inputValue()).toBe(before + second);
    await expect.poll(() => panel().count()).toBe(0);
  });

  it('accepts only the first sentence of a variant with Alt+→', async () => {
    const story = page.locator('#story');
    await typeAndWaitForVariants(story, FINISHED_SENTENCE);
    const before = await story.inputValue();
    const sentences = await variants().first().getByTestId('variant-sentence').allTextContents();
    await page.keyboard.press('Alt+ArrowRight');
    const expected = before + (/\s$/.test(before) ? '' : ' ') + sentences[0]!.trim();
    await expect.poll(() => story.inputValue()).toBe(expected);
    if (sentences.length > 1) expect(await story.inputValue()).not.toContain(sentences[1]!.trim());
  });

  /**
   * Slow decoding (a test seam) so the later variants are still being written: asks for a
   * continuation of the story and runs `check` once the first variant can be accepted, with the
   * field's text as it was asked.
   */
  async function whileVariantsStream(check: (before: string) => Promise<void>): Promise<void> {
    const seams = (value: Record<string, unknown> | null) =>
      browser.worker.evaluate((v) => (globalThis as unknown as { chrome: { storage: { local: { set(x: object): Promise<void> } } } }).chrome.storage.local.set({ engineTestSeams: v }), value);
    await seams({ stepDelayMs: 250 });
    try {
      await setSettings(browser.worker, { ...settings(), pauseDelayMs: 0 });
      await page.reload();
      const story = page.locator('#story');
      await story.click();
      await page.keyboard.press('End');
      await page.keyboard.type(' Officials said');
      const before = await story.inputValue();
      await runSuggestCommand(browser.worker);
      await page.getByTestId('accept-variant').first().waitFor({ state: 'visible', timeout: 60_000 });
      await check(before);
    } finally {
      await page.keyboard.press('Escape');
      await seams(null);
    }
  }

  const focusedLabel = () => page.evaluate(() => document.querySelector('ledgerline-panel')?.shadowRoot?.activeElement?.getAttribute('aria-label') ?? null);

  it('a finished variant can be taken with Tab while the next ones still stream', async () => {
    await whileVariantsStream(async (before) => {
      const status = panel().getByTestId('panel-status');
      await expect.poll(() => status.textContent()).toMatch(/^1 ready, more coming\. Tab takes the selected one/);
      // The variant still being written is marked busy and offers no Accept.
      expect(await variants().nth(1).getAttribute('aria-busy')).toBe('true');
      expect(await page.getByTestId('accept-variant').count()).toBe(1);
      const first = await variantText(0);
      await page.keyboard.press('Tab');
      await expect.poll(() => page.locator('#story').inputValue()).toBe(before + first);
      await expect.poll(() => panel().count()).toBe(0);
    });
  });

  it('End in the list while the last variant still streams: its Accept takes the focus as soon as it is ready', async () => {
    await whileVariantsStream(async () => {
      // The last variant's first words are on screen, its Accept is not there yet.
      await expect.poll(() => variants().count(), { timeout: 120_000 }).toBe(3);
      await page.keyboard.press('Alt+ArrowDown');
      await expect.poll(focusedLabel).toMatch(/^Accept suggestion 1 of 3$/);
      await page.keyboard.press('End');
      // The last one was still being written when End was pressed.
      expect(await variants().nth(2).getAttribute('aria-busy')).toBe('true');
      await expect.poll(focusedLabel, { timeout: 60_000 }).toBe('Accept suggestion 3 of 3');
    });
  });

  it('Esc from inside the list closes it and puts the caret back where it was', async () => {
    const story = page.locator('#story');
    await story.click();
    await page.keyboard.press('End');
    await page.keyboard.type(' Officials said');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await runSuggestCommand(browser.worker);
    await page.getByTestId('accept-variant').first().waitFor({ state: 'visible', timeout: 60_000 });
    const caret = await story.evaluate((el: HTMLTextAreaElement) => [el.selectionStart, el.selectionEnd]);
    const value = await story.inputValue();
    await page.keyboard.press('Alt+ArrowDown');
    // Focus moves into the list (the panel renders, then focuses the selected variant).
    await expect.poll(() => story.evaluate((el) => document.activeElement === el)).toBe(false);
    await page.keyboard.press('Escape');
    await expect.poll(() => panel().count()).toBe(0);
    expect(await story.evaluate((el: HTMLTextAreaElement) => [document.activeElement === el, el.selectionStart, el.selectionEnd])).toEqual([
      true,
      ...caret,
    ]);
    expect(await story.inputValue()).toBe(value);
  });

  it('on a composer over its limit, the count shows while writing, and the shortcut opens on "Fit", offered first', async () => {
    await page.goto(`${fixtures.origin}/x-composer.html`);
    const post = page.locator('#post');
    await post.click();
    await page.keyboard.press('End');
    const count = page.getByTestId('field-limit-count');
    const expected = async () => `${countX(await post.inputValue())} / 280`;
    // No panel yet: the writer sees how far over the post is as they write.
    await expect.poll(() => count.textContent()).toBe(await expected());
    expect(await panel().count()).toBe(0);
    expect(await count.getAttribute('class')).toBe('count over');
    await page.keyboard.type(' Ok', { delay: 20 });
    await expect.poll(() => count.textContent()).toBe(await expected());
    // In the field's corner, not over the page elsewhere.
    const [field, badge] = await Promise.all([post.boundingBox(), count.boundingBox()]);
    expect(badge!.x).toBeGreaterThanOrEqual(field!.x);
    expect(badge!.x + badge!.width).toBeLessThanOrEqual(field!.x + field!.width);
    expect(badge!.y + badge!.height).toBeLessThanOrEqual(field!.y + field!.height);
    expect(badge!.y).toBeGreaterThanOrEqual(field!.y);
    await page.screenshot({ path: `${SCREENSHOTS}/composer-count.png` });
    for (const [scheme, ratio] of Object.entries(await contrastInBothSchemes(page, count, post))) expect(ratio, scheme).toBeGreaterThanOrEqual(4.5);

    await runSuggestCommand(browser.worker);
    await panel().waitFor();
    const actions = panel().getByRole('toolbar').getByRole('button');
    expect(await actions.first().getAttribute('data-action')).toBe('fit');
    expect(await actions.first().getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('Escape');

    // Within the limit again, the count calms down and the panel opens on Continue.
    await post.fill('A short post about the transit budget.');
    await post.click();
    await page.keyboard.press('End');
    await page.keyboard.type(' Ok', { delay: 20 });
    await expect.poll(() => count.textContent()).toBe(await expected());
    expect(await count.getAttribute('class')).toBe('count');
    for (const [scheme, ratio] of Object.entries(await contrastInBothSchemes(page, count, post))) expect(ratio, `calm count, ${scheme}`).toBeGreaterThanOrEqual(4.5);
    await runSuggestCommand(browser.worker);
    await panel().waitFor();
    expect(await actions.first().getAttribute('data-action')).toBe('continue');
    expect(await panel().locator('[data-action="continue"]').getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('Escape');

    // Leaving the field takes the count away; coming back brings it.
    await page.mouse.click(5, 5);
    expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
    await expect.poll(() => count.count()).toBe(0);
    await post.click();
    await expect.poll(() => count.textContent()).toBe(await expected());
  });

  it('on a 280-character composer, "Fit to limit" offers only variants within the limit', async () => {
    await page.goto(`${fixtures.origin}/x-composer.html`);
    const post = page.locator('#post');
    expect(countX(await post.inputValue())).toBeGreaterThan(280);
    await post.click();
    await page.keyboard.press('End');
    await runSuggestCommand(browser.worker);
    await expect.poll(() => panel().getByTestId('limit-count').textContent(), { timeout: 60_000 }).toMatch(/^\d+ \/ 280$/);
    await panel().locator('[data-action="fit"]').click();
    await expect
      .poll(async () => (await page.getByTestId('accept-variant').count()) > 0 || (await page.getByTestId('panel-error').count()) > 0, { timeout: 60_000 })
      .toBe(true);
    await expect.poll(() => panel().getByTestId('panel-status').textContent()).not.toMatch(/Writing/);
    const lengths = await variants().locator('.length').allTextContents();
    for (const length of lengths) expect(Number(length.split(' ')[0])).toBeLessThanOrEqual(280);
    if ((await page.getByTestId('accept-variant').count()) > 0) {
      await page.getByTestId('accept-variant').first().click();
      await expect.poll(async () => countX(await post.inputValue())).toBeLessThanOrEqual(280);
    } else {
      expect(await page.getByTestId('panel-error').textContent()).toContain('280');
    }
  });

  it('passes axe (no serious or critical violations) on the panel, popup, options and onboarding pages', async () => {
    await typeAndWaitForVariants(page.locator('#story'), FINISHED_SENTENCE);
    const serious = (violations: { impact?: string | null; id: string }[]) =>
      violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => violation.id);
    const panelScan = await new AxeBuilder({ page }).include('ledgerline-panel').analyze();
    expect(serious(panelScan.violations)).toEqual([]);
    // Axe cannot tell the panel's contrast (it hangs from a fixed 0×0 host): each kind of text in it, in both schemes.
    const parts = { title: '.title', status: '.status', action: '.actions button', variant: '.text', accept: '.accept', keys: '.keys', disclosure: '.disclosure', 'not in this field': '.field-off' };
    for (const [name, selector] of Object.entries(parts)) {
      const part = panel().locator(selector).first();
      await part.waitFor();
      for (const [scheme, ratio] of Object.entries(await contrastInBothSchemes(page, part))) expect(ratio, `${name}, ${scheme}`).toBeGreaterThanOrEqual(4.5);
    }
    for (const name of ['popup', 'options', 'onboarding']) {
      const extensionPage = await browser.context.newPage();
      await extensionPage.goto(`chrome-extension://${browser.extensionId}/${name}.html`);
      await extensionPage.locator('h1').waitFor();
      await extensionPage.waitForTimeout(300);
      const scan = await new AxeBuilder({ page: extensionPage }).analyze();
      expect(serious(scan.violations), name).toEqual([]);
      // The popup is shown at its own size, the full pages whole.
      if (name === 'popup') await extensionPage.locator('main').screenshot({ path: `${SCREENSHOTS}/${name}.png` });
      else await extensionPage.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
      await extensionPage.close();
    }
  });

  it('shows the panel in a rich text field (contenteditable) and inserts there', async () => {
    const notes = page.locator('#notes');
    await notes.click();
    await page.keyboard.press('End');
    await page.keyboard.type(FINISHED_SENTENCE);
    await page.getByTestId('accept-variant').first().waitFor({ state: 'visible', timeout: 60_000 });
    await page.screenshot({ path: `${SCREENSHOTS}/panel-contenteditable.png` });
    const first = await variantText(0);
    const before = await notes.innerText();
    await acceptFromList(page);
    await expect.poll(async () => (await notes.innerText()).replace(/\u00a0/g, ' ')).toBe((before + first).replace(/\u00a0/g, ' '));
  });

  it('turned off for a site from the popup, it stays silent there', async () => {
    const popup = await browser.context.newPage();
    await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    const toggle = popup.getByTestId('site-toggle');
    await expect.poll(() => toggle.isChecked()).toBe(true);
    await toggle.uncheck();
    await expect
      .poll(() => browser.worker.evaluate(async () => {
        const { chrome } = globalThis as unknown as { chrome: { storage: { local: { get(key: string): Promise<Record<string, { disabledSites?: string[] }>> } } } };
        return (await chrome.storage.local.get('settings')).settings?.disabledSites ?? [];
      }))
      .toEqual(['127.0.0.1']);
    await popup.close();
    await page.reload();
    const story = page.locator('#story');
    await story.click();
    await page.keyboard.press('End');
    await page.keyboard.type(' Quiet please');
    await runSuggestCommand(browser.worker);
    await page.waitForTimeout(1500);
    expect(await panel().count()).toBe(0);
  });
});
