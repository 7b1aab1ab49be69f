import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { startModelHost } from '../../scripts/model-host';
import { buildEditorFixtures } from '../../scripts/build-editor-fixtures';
import { startStaticServer, type StaticServer } from '../../scripts/static-server';
import { TINY_MODEL_ID, TINY_MODEL_ROOT } from '../support/tiny-model';
import { launchExtension, runSuggestCommand, setSettings, type LaunchedExtension } from './support/browser';
import { moveIntoList, waitForSuggestion } from './support/suggest';

/**
 * Text fields end to end with the built extension and the tiny model: textarea and input types,
 * React-controlled fields, discovery (late fields, shadow roots, iframes of every kind), the
 * fields never read, a site turned off, bad input, and where the panel sits relative to the caret.
 */

const PAUSE_MS = 400;
const REPEAT = 3;

describe('text fields, discovery, exclusions, bad input, placement (built extension, tiny model)', () => {
  let pages: StaticServer;
  let host: Awaited<ReturnType<typeof startModelHost>>;
  let browser: LaunchedExtension;
  let page: Page;
  let cspServer: Server;
  let cspOrigin = '';
  let fieldsSource = '';
  const pageErrors: string[] = [];
  const baseSettings = () => ({ modelHost: host.origin, modelId: TINY_MODEL_ID, pauseDelayMs: PAUSE_MS, variants: 1 });

  beforeAll(async () => {
    const dir = await buildEditorFixtures();
    fieldsSource = await readFile(join(dir, 'fields.js'), 'utf8');
    pages = await startStaticServer(dir);
    host = await startModelHost({ root: TINY_MODEL_ROOT });
    // A page that allows nothing: no scripts, no styles, no connections, no frames.
    cspServer = createServer((_request, response) => {
      response.setHeader('Content-Security-Policy', "default-src 'none'; script-src 'none'; style-src 'none'; connect-src 'none'; frame-src 'none'");
      response.setHeader('Content-Type', 'text/html; charset=utf-8');
      response.end('<!doctype html><title>CSP</title><textarea id="csp" rows="4" cols="60">The council met on Monday.</textarea>');
    });
    await new Promise<void>((resolve) => cspServer.listen(0, '127.0.0.1', resolve));
    cspOrigin = `http://127.0.0.1:${(cspServer.address() as AddressInfo).port}`;
    browser = await launchExtension();
    await setSettings(browser.worker, baseSettings());
    page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(String(error)));
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await pages?.close();
    await new Promise((resolve) => cspServer?.close(resolve));
  });

  async function open(name: string): Promise<void> {
    await page.goto(`${pages.origin}/${name}.html`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
  }

  const valueOf = (frame: Frame | Page, selector: string) =>
    frame.locator(selector).evaluate((el) => ('value' in el ? (el as HTMLInputElement).value : (el as HTMLElement).innerText.replace(/\n+/g, '\n').trim()));

  async function frameOf(selector: string): Promise<Frame> {
    const handle = await page.waitForSelector(selector);
    const frame = await handle.contentFrame();
    if (!frame) throw new Error(`no frame for ${selector}`);
    return frame;
  }

  /**
   * Clicks the field, puts the caret at its end (or end of its first line), types, asks with the
   * shortcut (so Tab accepts: a panel that opened on a pause leaves Tab to the page) and waits for
   * a suggestion. The panel of a field in a same-origin frame is in the top document.
   */
  async function typeAndSuggest(frame: Frame | Page, selector: string, typed: string, where: 'end' | 'end-of-first-line' = 'end') {
    await frame.locator(selector).click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press(where === 'end' ? 'Control+End' : 'End');
    await page.keyboard.type(typed, { delay: 15 });
    const before = await valueOf(frame, selector);
    await runSuggestCommand(browser.worker);
    const suggestion = await waitForSuggestion(page);
    expect(suggestion.trim().length).toBeGreaterThan(0);
    return { before, suggestion };
  }

  async function expectNoPanel(frame: Frame | Page, selector: string) {
    await frame.locator(selector).click();
    await page.keyboard.press('End');
    await page.keyboard.type(' More', { delay: 15 });
    // Neither a pause nor the shortcut opens anything here.
    await runSuggestCommand(browser.worker);
    await page.waitForTimeout(PAUSE_MS + 1200);
    expect(await page.getByTestId('suggestion-panel').count(), selector).toBe(0);
  }

  describe('textarea and inputs', () => {
    for (const selector of ['#textarea', '#input-text', '#input-search', '#input-url', '#input-email']) {
      it(`${selector}: caret at the end, Tab inserts at the caret, Ctrl+Z undoes it in one step`, async () => {
        for (let round = 0; round < REPEAT; round++) {
          await open('plain');
          const { before, suggestion } = await typeAndSuggest(page, selector, ' Then');
          await page.keyboard.press('Tab');
          // type=email sanitizes its value (no leading/trailing whitespace).
          const expected = selector === '#input-email' ? (before + suggestion).trim() : before + suggestion;
          await expect.poll(() => valueOf(page, selector)).toBe(expected);
          await page.keyboard.press('Control+z');
          await expect.poll(() => valueOf(page, selector)).toBe(before);
        }
      });
    }

    it('#textarea: caret mid-text (end of the first line) inserts there, not at the end', async () => {
      for (let round = 0; round < REPEAT; round++) {
        await open('plain');
        const { before, suggestion } = await typeAndSuggest(page, '#textarea', ' Then', 'end-of-first-line');
        await page.keyboard.press('Tab');
        const at = before.indexOf(' Then') + ' Then'.length;
        await expect.poll(() => valueOf(page, '#textarea')).toBe(before.slice(0, at) + suggestion + before.slice(at));
        await page.keyboard.press('Control+z');
        await expect.poll(() => valueOf(page, '#textarea')).toBe(before);
      }
    });

    it('plain contenteditable in the same page: inserted at the caret', async () => {
      await open('plain');
      const { before, suggestion } = await typeAndSuggest(page, '#ce', ' Then', 'end-of-first-line');
      await page.keyboard.press('Tab');
      await expect.poll(() => valueOf(page, '#ce')).toBe(before.replace(' Then', ` Then${suggestion}`).replace(/\u00a0/g, ' '));
    });

    for (const id of ['react-textarea', 'react-input']) {
      it(`React-controlled ${id}: React state holds the insertion and keeps it on the next render; Ctrl+Z undoes it`, async () => {
        for (let round = 0; round < REPEAT; round++) {
          await open('react-inputs');
          const { before, suggestion } = await typeAndSuggest(page, `#${id}`, ' Then');
          await page.keyboard.press('Tab');
          const reactValue = () => page.evaluate((key) => (window as unknown as { reactValues: Record<string, string> }).reactValues[key], id);
          await expect.poll(reactValue).toBe(before + suggestion);
          expect(await valueOf(page, `#${id}`)).toBe(before + suggestion);
          await page.keyboard.press('Control+z');
          await expect.poll(reactValue).toBe(before);
          expect(await valueOf(page, `#${id}`)).toBe(before);
          // React re-renders from its state on the next keystroke: the field and state agree.
          await page.keyboard.type('!');
          await expect.poll(reactValue).toBe(`${before}!`);
          expect(await valueOf(page, `#${id}`)).toBe(`${before}!`);
        }
      });
    }
  });

  describe('discovery', () => {
    const cases: Array<{ name: string; frame?: string; field: string }> = [
      { name: 'a field added after load', field: '#late' },
      { name: 'a textarea inside an open shadow root', field: '#in-shadow' },
      { name: 'a contenteditable inside nested open shadow roots', field: '#ce-nested-shadow' },
      { name: 'a same-origin iframe', frame: '#same-origin', field: '#in-frame' },
      { name: 'a srcdoc iframe', frame: '#srcdoc', field: '#in-srcdoc' },
      { name: 'an about:blank iframe written by script', frame: '#blank', field: '#ce-in-blank' },
    ];
    for (const item of cases) {
      it(`${item.name}: suggestion appears and Tab inserts it`, async () => {
        await open('discovery');
        const frame = item.frame ? await frameOf(item.frame) : page.mainFrame();
        const { before, suggestion } = await typeAndSuggest(frame, item.field, ' Then');
        await page.keyboard.press('Tab');
        await expect.poll(() => valueOf(frame, item.field).then((text) => text.replace(/\u00a0/g, ' '))).toBe((before + suggestion).replace(/\u00a0/g, ' ').trim());
      });
    }
  });

  describe('fields never read', () => {
    for (const selector of ['#password', '#cc-number', '#cc-name', '#otp', '#gramm-off', '#grammarly-off', '#codemirror', '#monaco']) {
      it(`${selector}: no suggestion`, async () => {
        await open('exclusions');
        await expectNoPanel(page, selector);
      });
    }

    it('a normal field on the same page still gets suggestions (control)', async () => {
      await open('exclusions');
      await typeAndSuggest(page, '#allowed', ' Then');
    });

    it('a site turned off in settings gets nothing, and gets suggestions again when turned back on', async () => {
      await setSettings(browser.worker, { ...baseSettings(), disabledSites: ['127.0.0.1'] });
      try {
        await open('plain');
        await expectNoPanel(page, '#textarea');
      } finally {
        await setSettings(browser.worker, baseSettings());
      }
      await open('plain');
      await typeAndSuggest(page, '#textarea', ' Then');
    });
  });

  describe('bad input', () => {
    it('field removed while the suggestion streams: nothing crashes, other fields still work', async () => {
      await open('bad-input');
      await page.locator('#doomed').click();
      await page.keyboard.press('End');
      await page.keyboard.type(' Then', { delay: 15 });
      await runSuggestCommand(browser.worker);
      await page.getByTestId('suggestion-panel').waitFor({ state: 'visible', timeout: 30_000 });
      await page.evaluate(() => document.getElementById('doomed')!.remove());
      // The panel closes by itself: there is nothing left to insert into, and it must not cover the page.
      await expect.poll(() => page.getByTestId('suggestion-panel').count(), { timeout: 30_000 }).toBe(0);
      expect(await valueOf(page, '#other')).toBe('The budget was approved.');
      const { before, suggestion } = await typeAndSuggest(page, '#other', ' Then');
      await page.keyboard.press('Tab');
      await expect.poll(() => valueOf(page, '#other')).toBe(before + suggestion);
      expect(pageErrors).toEqual([]);
    });

    it('text changed by the page before accept: nothing is inserted, the writer is told', async () => {
      await open('bad-input');
      await typeAndSuggest(page, '#changing', ' Then');
      await page.evaluate(() => {
        (document.getElementById('changing') as HTMLTextAreaElement).value = 'A different text entirely.';
      });
      await page.keyboard.press('Tab');
      await expect.poll(() => page.getByTestId('panel-notice').count()).toBeGreaterThan(0);
      expect(await valueOf(page, '#changing')).toBe('A different text entirely.');
    });

    it('a 1 MB field: suggestion at the end, inserted once, nothing lost', async () => {
      await open('bad-input');
      const length = await page.locator('#huge').evaluate((el: HTMLTextAreaElement) => el.value.length);
      expect(length).toBe(1_048_576 - 1);
      const { before, suggestion } = await typeAndSuggest(page, '#huge', ' Then');
      await page.keyboard.press('Tab');
      await expect.poll(() => page.locator('#huge').evaluate((el: HTMLTextAreaElement) => el.value.length)).toBe(before.length + suggestion.length);
      expect(await page.locator('#huge').evaluate((el: HTMLTextAreaElement, tail) => el.value.endsWith(tail), ` Then${suggestion}`)).toBe(true);
    });

    it('mixed RTL/LTR text with a ZWJ emoji sequence: inserted at the caret, the emoji intact', async () => {
      await open('bad-input');
      const { before, suggestion } = await typeAndSuggest(page, '#bidi', ' OK');
      expect(before).toContain('👩‍👩‍👧‍👦');
      await page.keyboard.press('Tab');
      await expect.poll(() => valueOf(page, '#bidi').then((text) => text.replace(/\u00a0/g, ' '))).toBe((before + suggestion).replace(/\u00a0/g, ' ').trim());
    });

    it('a page that stops propagation of every key, input and focus event: suggestion and Tab still work', async () => {
      await open('hostile');
      for (const selector of ['#hostile', '#hostile-ce']) {
        const { before, suggestion } = await typeAndSuggest(page, selector, ' Then');
        await page.keyboard.press('Tab');
        await expect.poll(() => valueOf(page, selector).then((text) => text.replace(/\u00a0/g, ' '))).toBe((before + suggestion).replace(/\u00a0/g, ' '));
      }
    });

    it('a page with a hostile CSP (nothing allowed): the panel shows and Tab inserts', async () => {
      await page.goto(`${cspOrigin}/`);
      const { before, suggestion } = await typeAndSuggest(page, '#csp', ' Then');
      await page.keyboard.press('Tab');
      await expect.poll(() => valueOf(page, '#csp')).toBe(before + suggestion);
    });
  });

  describe('panel placement', () => {
    type Box = { x: number; y: number; width: number; height: number };

    async function caretAndPanel(selector: string): Promise<{ caret: Box; panel: Box }> {
      const caret = await page.evaluate((sel) => {
        const fields = (window as unknown as { LedgerlineFields: typeof import('../../lib/fields') }).LedgerlineFields;
        const element = document.querySelector(sel) as HTMLElement;
        const rect = fields.adapterFor(element)!.caretRect(element)!;
        return { x: rect.x, y: rect.y, width: rect.width, height: rect.height };
      }, selector);
      const panel = (await page.getByTestId('suggestion-panel').boundingBox())!;
      return { caret, panel };
    }

    const coversCaretLine = (caret: Box, panel: Box) => panel.y < caret.y + caret.height - 1 && panel.y + panel.height > caret.y + 1;

    async function openPlacement() {
      await open('placement');
      await page.addScriptTag({ content: fieldsSource });
    }

    it('below the caret, next to it, never over the caret line; follows scrolling', async () => {
      await openPlacement();
      await typeAndSuggest(page, '#top', ' Then');
      const { caret, panel } = await caretAndPanel('#top');
      expect(coversCaretLine(caret, panel)).toBe(false);
      expect(panel.y).toBeGreaterThanOrEqual(caret.y + caret.height - 1);
      expect(panel.y - (caret.y + caret.height)).toBeLessThan(30);
      expect(Math.abs(panel.x - caret.x)).toBeLessThan(40);
      await page.evaluate(() => window.scrollBy(0, 60));
      await expect.poll(async () => Math.round((await page.getByTestId('suggestion-panel').boundingBox())!.y - panel.y), { timeout: 5_000 }).toBeLessThanOrEqual(-55);
    });

    it('flips above the caret at the bottom edge of the viewport', async () => {
      await openPlacement();
      await typeAndSuggest(page, '#bottom', ' Then');
      const { caret, panel } = await caretAndPanel('#bottom');
      expect(coversCaretLine(caret, panel)).toBe(false);
      expect(panel.y + panel.height).toBeLessThanOrEqual(caret.y + 1);
    });

    it('RTL text: next to the caret, inside the viewport, not over the caret line', async () => {
      await openPlacement();
      await typeAndSuggest(page, '#rtl', ' אז');
      const { caret, panel } = await caretAndPanel('#rtl');
      expect(coversCaretLine(caret, panel)).toBe(false);
      const viewport = page.viewportSize()!;
      expect(panel.x).toBeGreaterThanOrEqual(0);
      expect(panel.x + panel.width).toBeLessThanOrEqual(viewport.width);
      expect(panel.y - (caret.y + caret.height)).toBeLessThan(30);
      // The panel's own strings keep the extension's direction: the bidi algorithm does not reorder them.
      const title = page.getByTestId('panel-title');
      expect(await title.evaluate((element) => getComputedStyle(element).direction)).toBe('ltr');
      expect(await page.getByTestId('suggestion-panel').getAttribute('lang')).toBe('en');
      await page.screenshot({ path: resolve('docs/screenshots/panel-rtl.png') });
    });

    it('at 200 % zoom, with the caret mid-screen: header on screen, panel inside the viewport and off the caret line, the list scrolls', async () => {
      // 200 % browser zoom on a 1280×720 window lays pages out in a 640×360 CSS-pixel viewport.
      const window = page.viewportSize()!;
      const viewport = { width: 640, height: 360 };
      await page.setViewportSize(viewport);
      await setSettings(browser.worker, { ...baseSettings(), variants: 3 });
      try {
        await openPlacement();
        await page.locator('#middle').evaluate((element) => element.scrollIntoView({ block: 'center' }));
        await typeAndSuggest(page, '#middle', ' Then');
        await expect.poll(() => page.getByTestId('accept-variant').count()).toBe(3);
        const { caret, panel } = await caretAndPanel('#middle');
        expect(coversCaretLine(caret, panel)).toBe(false);
        expect(panel.y).toBeGreaterThanOrEqual(0);
        expect(panel.y + panel.height).toBeLessThanOrEqual(viewport.height);
        expect(panel.x + panel.width).toBeLessThanOrEqual(viewport.width);
        // The title and the close button are on screen, whatever is cut.
        for (const part of [page.getByTestId('panel-title'), page.getByRole('button', { name: 'Dismiss' })]) {
          const box = (await part.boundingBox())!;
          expect(box.y).toBeGreaterThanOrEqual(panel.y);
          expect(box.y + box.height).toBeLessThanOrEqual(Math.min(viewport.height, panel.y + panel.height));
        }
        // What does not fit scrolls inside the panel, and the keyboard brings the last variant into view.
        const body = page.getByTestId('suggestion-panel').locator('.body');
        expect(await body.evaluate((element) => element.scrollHeight > element.clientHeight)).toBe(true);
        await moveIntoList(page);
        await page.keyboard.press('End');
        const last = page.getByTestId('accept-variant').nth(2);
        await expect.poll(() => last.evaluate((button) => button.matches(':focus'))).toBe(true);
        const lastBox = (await last.boundingBox())!;
        const bodyBox = (await body.boundingBox())!;
        expect(lastBox.y).toBeGreaterThanOrEqual(bodyBox.y - 1);
        expect(lastBox.y + lastBox.height).toBeLessThanOrEqual(bodyBox.y + bodyBox.height + 1);
        await page.screenshot({ path: resolve('docs/screenshots/panel-zoom-200.png') });
      } finally {
        await page.keyboard.press('Escape');
        await setSettings(browser.worker, baseSettings());
        await page.setViewportSize(window);
      }
    });

    it('Accept sits at the same place in every variant, whatever its length', async () => {
      await setSettings(browser.worker, { ...baseSettings(), variants: 3 });
      try {
        await openPlacement();
        await typeAndSuggest(page, '#top', ' Then');
        const accepts = page.getByTestId('accept-variant');
        await expect.poll(() => accepts.count()).toBe(3);
        const variants = page.getByTestId('suggestion-variant');
        for (let index = 0; index < 3; index++) {
          const [variant, text, accept] = await Promise.all([variants.nth(index).boundingBox(), variants.nth(index).locator('.text').boundingBox(), accepts.nth(index).boundingBox()]);
          // Below the variant's text, at its end edge.
          expect(accept!.y).toBeGreaterThanOrEqual(text!.y + text!.height - 1);
          expect(Math.abs(variant!.x + variant!.width - (accept!.x + accept!.width))).toBeLessThan(12);
        }
        const ends = await Promise.all([0, 1, 2].map(async (index) => Math.round((await accepts.nth(index).boundingBox())!.x)));
        expect(new Set(ends).size).toBe(1);
      } finally {
        await page.keyboard.press('Escape');
        await setSettings(browser.worker, baseSettings());
      }
    });

    it('a field in a 240 px frame: the panel goes to the top document, below the caret line, every variant in view; Enter accepts into the frame; gone with the frame', async () => {
      await setSettings(browser.worker, { ...baseSettings(), variants: 3 });
      try {
        await openPlacement();
        const frame = await frameOf('#small-frame');
        await frame.addScriptTag({ content: fieldsSource });
        const { before } = await typeAndSuggest(frame, '#in-small-frame', ' Then');
        const accepts = page.getByTestId('accept-variant');
        await expect.poll(() => accepts.count()).toBe(3);
        // Nothing of the panel in the frame: the frame's 240 px would cut it.
        expect(await frame.locator('ledgerline-panel').count()).toBe(0);
        expect(await page.locator('ledgerline-panel').count()).toBe(1);
        // The caret in the top page's coordinates: the frame's content box plus the caret in it.
        const inFrame = await frame.evaluate(() => {
          const fields = (window as unknown as { LedgerlineFields: typeof import('../../lib/fields') }).LedgerlineFields;
          const element = document.querySelector('#in-small-frame') as HTMLElement;
          const rect = fields.adapterFor(element)!.caretRect(element)!;
          return { x: rect.x, y: rect.y, height: rect.height };
        });
        const content = await page.locator('#small-frame').evaluate((element) => {
          const box = element.getBoundingClientRect();
          const style = getComputedStyle(element);
          return { x: box.x + element.clientLeft + parseFloat(style.paddingLeft), y: box.y + element.clientTop + parseFloat(style.paddingTop) };
        });
        const caret = { x: content.x + inFrame.x, y: content.y + inFrame.y, width: 1, height: inFrame.height };
        const panel = (await page.getByTestId('suggestion-panel').boundingBox())!;
        const frameBox = (await page.locator('#small-frame').boundingBox())!;
        expect(panel.height).toBeGreaterThan(frameBox.y + frameBox.height - (caret.y + caret.height));
        expect(coversCaretLine(caret, panel)).toBe(false);
        expect(panel.y).toBeGreaterThanOrEqual(caret.y + caret.height - 1);
        expect(panel.y - (caret.y + caret.height)).toBeLessThan(30);
        expect(Math.abs(panel.x - caret.x)).toBeLessThan(40);
        const viewport = page.viewportSize()!;
        for (let index = 0; index < 3; index++) {
          const box = (await accepts.nth(index).boundingBox())!;
          expect(box.y + box.height).toBeLessThanOrEqual(Math.min(viewport.height, panel.y + panel.height));
        }
        await page.screenshot({ path: resolve('docs/screenshots/panel-small-frame.png') });
        // The keyboard reaches the panel from the frame's field, and the choice lands in the frame.
        // Focus crosses from the frame into the top document's panel before the next key goes there.
        await moveIntoList(page);
        await page.keyboard.press('End');
        await expect.poll(() => accepts.nth(2).evaluate((button) => button.matches(':focus'))).toBe(true);
        const chosen = await page.getByTestId('suggestion-variant').nth(2).locator('.text').textContent();
        await page.keyboard.press('Enter');
        await expect.poll(() => valueOf(frame, '#in-small-frame')).toBe(`${before}${chosen}`);
        expect(await page.locator('ledgerline-panel').count()).toBe(0);
        // A panel open when its frame goes leaves with it.
        await typeAndSuggest(frame, '#in-small-frame', ' And');
        await page.locator('#small-frame').evaluate((element) => element.remove());
        await expect.poll(() => page.locator('ledgerline-panel').count()).toBe(0);
      } finally {
        await setSettings(browser.worker, baseSettings());
      }
    });

    it('CSS zoom on an ancestor: still below the caret line and next to it', async () => {
      await openPlacement();
      await typeAndSuggest(page, '#zoomed-ce', ' Then');
      const { caret, panel } = await caretAndPanel('#zoomed-ce');
      expect(coversCaretLine(caret, panel)).toBe(false);
      expect(panel.y - (caret.y + caret.height)).toBeLessThan(30);
      expect(panel.y).toBeGreaterThanOrEqual(caret.y + caret.height - 1);
    });
  });
});
