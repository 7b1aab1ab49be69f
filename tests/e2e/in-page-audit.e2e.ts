import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import AxeBuilder from '@axe-core/playwright';
import type { Frame, Locator, Page } from 'playwright-core';
import { sentenceLabel } from '../../components/AuditSentenceCard';
import type { AuditAttribution } from '../../lib/messaging';
import { buildEditorFixtures } from '../../scripts/build-editor-fixtures';
import { startModelHost } from '../../scripts/model-host';
import { startStaticServer, type StaticServer } from '../../scripts/static-server';
import { TINY_MODEL_ID, TINY_MODEL_ROOT } from '../support/tiny-model';
import { launchExtension, runAuditFieldCommand, runSuggestCommand, setSettings, type LaunchedExtension, openExtensionPage } from './support/browser';
import { EDITORS, openEditor, placeCaret, type PageWithFixture } from './support/editors';
import { waitForSuggestion } from './support/suggest';

/**
 * The in-page audit (#5), end to end with the built extension and the tiny model: suggestions
 * accepted in a textarea, a plain contenteditable and ProseMirror (one edited by typing), then
 * the overlay from the shortcut's command and from the popup button. Checked: the field's text
 * (value / the editor's model) never changes, one highlight per AI sentence with the category
 * `audit.attribute` gives, boxes on the sentences' text, the card on focus and on hover, axe,
 * and closing on Esc, on the popup again and on the next edit.
 */

interface Field {
  /** The page (or frame) holding the field and the field itself. */
  frame: Frame;
  locator: Locator;
  /** The text as the field/editor's own model holds it. */
  read: () => Promise<string>;
  /** The text the adapters read (what was attributed). */
  adapterText: () => Promise<string>;
  /** Part of the ledger document's key (path and field id) the content script files it under. */
  documentSuffix: string;
  contentEditable: boolean;
  /** The field is in a child frame (TinyMCE). */
  inFrame?: boolean;
}

describe('in-page audit (built extension, tiny model)', () => {
  let pages: StaticServer;
  let host: Awaited<ReturnType<typeof startModelHost>>;
  let browser: LaunchedExtension;
  let page: Page;
  let ext: Page;

  beforeAll(async () => {
    pages = await startStaticServer(await buildEditorFixtures());
    host = await startModelHost({ root: TINY_MODEL_ROOT });
    browser = await launchExtension();
    // Pause-to-suggest off: suggestions come only from the command, so typing never races a panel.
    await setSettings(browser.worker, { modelHost: host.origin, modelId: TINY_MODEL_ID, pauseDelayMs: 0, variants: 1 });
    page = await browser.context.newPage();
    // An extension page to ask the background what `audit.attribute` says, and the popup's button.
    ext = await openExtensionPage(browser);
    await page.bringToFront();
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await pages?.close();
  });

  const panelOpen = async () => (await page.getByTestId('suggestion-panel').count()) > 0;
  const overlay = (frame: Frame | Page = page) => frame.locator('ledgerline-audit');
  const highlights = (frame: Frame | Page = page) => frame.locator('ledgerline-audit [data-testid="in-page-highlight"]');

  /** Suggestion at the caret (the shortcut's command), accepted with Tab; returns the suggested text. */
  async function acceptSuggestion(field: Field): Promise<string> {
    const before = await field.read();
    // The panel of a field in a frame (TinyMCE's) opens in the top document: the frame is too small for it.
    const open = panelOpen;
    await expect
      .poll(
        async () => {
          if (!(await open())) await runSuggestCommand(browser.worker).catch(() => undefined);
          return open();
        },
        { timeout: 60_000, interval: 2000 },
      )
      .toBe(true)
      .catch(async (error: unknown) => {
        const state = await field.frame.evaluate(() => ({ focus: document.hasFocus(), active: document.activeElement?.outerHTML.slice(0, 80) }));
        throw new Error(`no panel: ${JSON.stringify(state)}`, { cause: error });
      });
    const suggestion = await waitForSuggestion(page, 120_000);
    await expect.poll(() => page.getByTestId('panel-status').textContent(), { timeout: 60_000 }).toMatch(/Tab accepts/);
    await page.keyboard.press('Tab');
    await expect.poll(field.read).not.toBe(before);
    await expect.poll(open).toBe(false);
    expect(suggestion.trim().length).toBeGreaterThan(0);
    return suggestion;
  }

  /** Opening line typed, Enter, suggestion, Enter, suggestion; the second edited by typing a word into it. */
  async function writeWithTwoSuggestions(field: Field, opening: string, closing: string): Promise<void> {
    await field.locator.click();
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Delete');
    await page.keyboard.type(opening);
    await page.keyboard.press('Enter');
    await acceptSuggestion(field);
    await page.keyboard.press('Enter');
    const second = (await acceptSuggestion(field)).trim();
    // Caret after the second suggestion's first word, then one word typed.
    const firstWord = /^\S+\s/.exec(second)?.[0] ?? second;
    const anchor = second.slice(0, Math.min(second.length, firstWord.length + 12));
    await field.frame.evaluate(
      ({ selector, anchor, skip, contentEditable }) => {
        const el = document.querySelector(selector) as HTMLElement;
        if (!contentEditable) {
          const control = el as HTMLTextAreaElement;
          const at = control.value.lastIndexOf(anchor) + skip;
          control.setSelectionRange(at, at);
          return;
        }
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        let found: Text | null = null;
        for (let node = walker.nextNode(); node; node = walker.nextNode()) if ((node as Text).data.includes(anchor)) found = node as Text;
        if (!found) throw new Error(`no text node holds ${anchor}`);
        const at = found.data.lastIndexOf(anchor) + skip;
        document.getSelection()!.setBaseAndExtent(found, at, found, at);
      },
      { selector: await selectorOf(field), anchor, skip: firstWord.length, contentEditable: field.contentEditable },
    );
    await page.keyboard.type('really ');
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type(closing);
    expect(await panelOpen()).toBe(false);
    expect(await field.read()).toContain('really ');
  }

  async function selectorOf(field: Field): Promise<string> {
    return field.locator.evaluate((el) => (el.id ? `#${el.id}` : '[contenteditable="true"]'));
  }

  /** What the background's `audit.attribute` answers for the field's text and document. */
  async function attribution(field: Field): Promise<AuditAttribution> {
    const text = await field.adapterText();
    return ext.evaluate(
      async ({ text, suffix }) => {
        const { chrome } = globalThis as unknown as { chrome: { runtime: { sendMessage(m: object): Promise<any> } } };
        const docs = await chrome.runtime.sendMessage({ type: 'audit.documents' });
        const key = (docs.documents as { key: string }[]).map((d) => d.key).find((k) => k.includes(suffix));
        if (!key) throw new Error(`no ledger document ends with ${suffix}: ${JSON.stringify(docs)}`);
        const answer = await chrome.runtime.sendMessage({ type: 'audit.attribute', text, documentKey: key });
        if (!answer.ok) throw new Error(answer.error);
        return answer.attribution;
      },
      { text, suffix: field.documentSuffix },
    );
  }

  /** Where a sentence's text starts in a contenteditable (first line box), measured independently of the overlay. */
  async function sentenceBox(field: Field, sentence: string): Promise<{ left: number; top: number } | null> {
    return field.frame.evaluate(
      ({ selector, sentence }) => {
        const el = document.querySelector(selector) as HTMLElement;
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        const nodes: [Text, number][] = [];
        let all = '';
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          nodes.push([node as Text, all.length]);
          all += (node as Text).data;
        }
        const at = all.replace(/\u00a0/g, ' ').indexOf(sentence);
        if (at < 0) return null;
        const point = (offset: number): [Text, number] => {
          for (let i = nodes.length - 1; i >= 0; i--) if (nodes[i]![1] <= offset) return [nodes[i]![0], offset - nodes[i]![1]];
          return [nodes[0]![0], 0];
        };
        const range = document.createRange();
        range.setStart(...point(at));
        range.setEnd(...point(at + Math.min(sentence.length, 5)));
        const rect = range.getClientRects()[0]!;
        return { left: rect.left, top: rect.top };
      },
      { selector: await selectorOf(field), sentence },
    );
  }

  /**
   * Opens the overlay from the command and checks it against `audit.attribute`: one highlight per
   * AI sentence, categories, geometry, the card on focus and hover, axe, Esc; the text never changes.
   */
  async function checkOverlay(field: Field, expectKinds: string[], { motion = true } = {}): Promise<number> {
    const { frame } = field;
    const before = await field.read();
    const expected = await attribution(field);
    const ai = expected.sentences.filter((s) => s.kind !== 'not-logged');
    if (process.env.AUDIT_E2E_LOG) console.log(JSON.stringify(await field.adapterText()), expected.sentences.map((s) => [s.kind, s.changedRatio, s.text, s.match?.suggestedSentence, s.match?.documentKey]));
    for (const kind of expectKinds) expect(ai.map((s) => s.kind)).toContain(kind);

    await field.locator.focus();
    const answer = await runAuditFieldCommand(browser.worker);
    expect(answer).toEqual({ ok: true, shown: true, highlights: ai.length });
    await expect.poll(() => highlights(frame).count()).toBe(ai.length);
    expect(await highlights(frame).evaluateAll((els) => els.map((el) => el.getAttribute('data-kind')))).toEqual(ai.map((s) => s.kind));
    const buttons = frame.locator('ledgerline-audit button.hl');
    expect(await buttons.evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')))).toEqual(
      ai.map((s) => `${sentenceLabel(s)}: ${s.text}`),
    );
    expect(await frame.getByTestId('in-page-share').textContent()).toContain(`${expected.figures.aiSentences} of ${expected.figures.sentences} sentences`);
    expect(await field.read()).toBe(before);

    // Geometry: inside the field, in text order, on the sentence's own text where the DOM can tell.
    const fieldBox = (await field.locator.boundingBox())!;
    let previousTop = -Infinity;
    for (let i = 0; i < ai.length; i++) {
      const box = (await buttons.nth(i).boundingBox())!;
      expect(box, `highlight ${i}`).not.toBeNull();
      expect(box.x).toBeGreaterThanOrEqual(fieldBox.x - 1);
      expect(box.y).toBeGreaterThanOrEqual(fieldBox.y - 1);
      expect(box.x + box.width).toBeLessThanOrEqual(fieldBox.x + fieldBox.width + 1);
      expect(box.y + box.height).toBeLessThanOrEqual(fieldBox.y + fieldBox.height + 1);
      expect(box.height).toBeGreaterThan(8);
      expect(box.y).toBeGreaterThanOrEqual(previousTop);
      previousTop = box.y;
      if (field.contentEditable) {
        // Both in the frame's own viewport coordinates.
        const text = await sentenceBox(field, ai[i]!.text);
        const own = await buttons.nth(i).evaluate((el) => el.getBoundingClientRect().toJSON() as { left: number; top: number });
        expect(text, `sentence ${JSON.stringify(ai[i]!.text)} in the DOM`).not.toBeNull();
        expect(Math.abs(own.left - text!.left)).toBeLessThan(2);
        expect(Math.abs(own.top - text!.top)).toBeLessThan(2);
      }
    }

    // Card on keyboard focus.
    const openCard = frame.locator('ledgerline-audit .card-slot.open [role="tooltip"]');
    await buttons.first().focus();
    await expect.poll(() => openCard.isVisible()).toBe(true);
    const cardText = (await openCard.textContent()) ?? '';
    expect(cardText).toContain(sentenceLabel(ai[0]!));
    expect(cardText).toContain(TINY_MODEL_ID);
    expect(cardText).toContain('Action: continue');
    if (process.env.IN_PAGE_AUDIT_SHOT) await page.screenshot({ path: `.output/in-page-audit-${field.documentSuffix.replace(/\W+/g, '-')}.png` });
    // Accessibility of the overlay with a card open.
    const scan = await new AxeBuilder({ page }).include(field.inFrame ? ['iframe', 'ledgerline-audit'] : 'ledgerline-audit').analyze();
    expect(scan.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`)).toEqual([]);

    // Card on hover: the pointer over the last highlight's text (the page still gets the pointer).
    await buttons.first().blur();
    await expect.poll(() => openCard.count()).toBe(0);
    const last = (await buttons.nth(ai.length - 1).boundingBox())!;
    await page.mouse.move(last.x + Math.min(10, last.width / 2), last.y + last.height / 2);
    await expect.poll(() => highlights(frame).nth(ai.length - 1).locator('.card-slot.open').count()).toBe(1);
    expect(await openCard.textContent()).toContain(sentenceLabel(ai[ai.length - 1]!));
    await page.mouse.move(1, 1);
    await expect.poll(() => openCard.count()).toBe(0);

    if (motion) await checkMotion(field, buttons, last.y, ai.length);

    // Esc closes; the field's text is what it was.
    await page.keyboard.press('Escape');
    await expect.poll(() => overlay(frame).count()).toBe(0);
    expect(await field.read()).toBe(before);
    return ai.length;
  }

  /** The boxes follow the page scrolling and the field being resized. */
  async function checkMotion(field: Field, buttons: Locator, lastY: number, count: number): Promise<void> {
    // Follows scrolling: the page scrolled by 40px moves the boxes with it.
    await page.evaluate(() => {
      document.body.style.minHeight = '300vh';
      window.scrollBy(0, 40);
    });
    await expect.poll(async () => Math.round((await buttons.nth(count - 1).boundingBox())!.y)).toBe(Math.round(lastY - 40));
    await page.evaluate(() => window.scrollTo(0, 0));

    // Follows resizing: a narrower field re-wraps its text, the boxes stay on it.
    const width = await field.locator.evaluate((el: HTMLElement) => el.style.width);
    await field.locator.evaluate((el: HTMLElement) => (el.style.width = '360px'));
    await expect
      .poll(async () => {
        const narrow = (await field.locator.boundingBox())!;
        const boxes = await Promise.all(Array.from({ length: count }, (_, i) => buttons.nth(i).boundingBox()));
        return boxes.every((box) => box !== null && box.x + box.width <= narrow.x + narrow.width + 1);
      })
      .toBe(true);
    await field.locator.evaluate((el: HTMLElement, value: string) => (el.style.width = value), width);
  }

  /** The popup's button opens the overlay on the page's focused field and closes it again; then the next edit closes it. */
  async function checkPopupAndEdit(field: Field, count: number): Promise<void> {
    const before = await field.read();
    await field.locator.focus();
    await ext.bringToFront();
    await ext.reload();
    await ext.getByTestId('highlight-field').click();
    await expect.poll(() => ext.getByTestId('highlight-notice').textContent()).toBe(
      count === 1
        ? '1 AI sentence highlighted on the page. Esc or typing in the field removes it.'
        : `${count} AI sentences highlighted on the page. Esc or typing in the field removes them.`,
    );
    await expect.poll(() => highlights().count()).toBe(count);
    expect(await field.read()).toBe(before);
    const popupScan = await new AxeBuilder({ page: ext }).analyze();
    expect(popupScan.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    await ext.getByTestId('highlight-field').click();
    await expect.poll(() => ext.getByTestId('highlight-notice').textContent()).toBe('Highlights removed.');
    await expect.poll(() => overlay().count()).toBe(0);

    // Once more from the popup, then the writer types in the field: the overlay goes.
    await ext.getByTestId('highlight-field').click();
    await expect.poll(() => highlights().count()).toBe(count);
    await page.bringToFront();
    await field.locator.focus();
    await page.keyboard.press('Control+End');
    expect(await overlay().count()).toBe(1);
    await page.keyboard.type('!');
    await expect.poll(() => overlay().count()).toBe(0);
  }

  it('textarea: AI sentences highlighted over the field from the command and the popup', async () => {
    await page.goto(`${pages.origin}/plain.html`);
    // The commands go to the most recently used tab.
    await page.bringToFront();
    const locator = page.locator('#textarea');
    await locator.evaluate((el: HTMLTextAreaElement) => (el.rows = 8));
    const field: Field = {
      frame: page.mainFrame(),
      locator,
      read: () => locator.inputValue(),
      adapterText: () => locator.inputValue(),
      documentSuffix: '/plain.html#textarea',
      contentEditable: false,
    };
    await writeWithTwoSuggestions(field, 'Residents packed the hall to hear the vote.', 'I wrote this closing line myself without help.');
    const count = await checkOverlay(field, ['ai-verbatim', 'ai-edited']);
    await checkPopupAndEdit(field, count);

    // The popup's audit button opens the audit page on this field's document.
    await field.locator.focus();
    await ext.bringToFront();
    await ext.reload();
    const [audit] = await Promise.all([browser.context.waitForEvent('page'), ext.getByTestId('open-audit').click()]);
    await audit.waitForLoadState();
    expect(new URL(audit.url()).searchParams.get('doc')).toBe(`${pages.origin}${field.documentSuffix}`);
    await expect.poll(() => audit.locator('[data-testid=audit-document][aria-current=true]').count()).toBe(1);
    await audit.close();

    // "Record a review…" in the overlay: the audit page opens on this field's text, at the review.
    await page.bringToFront();
    await field.locator.focus();
    const text = await field.read();
    await runAuditFieldCommand(browser.worker);
    await expect.poll(() => highlights().count()).toBe(count);
    await page.screenshot({ path: resolve('docs/screenshots/in-page-audit.png') });
    const reviewButton = overlay().getByTestId('in-page-review');
    // A page script's click opens nothing (the shipped build's closed root hides the button too).
    await reviewButton.evaluate((button: HTMLButtonElement) => button.click());
    const [review] = await Promise.all([browser.context.waitForEvent('page'), reviewButton.click()]);
    await expect.poll(() => overlay().count()).toBe(0);
    await expect.poll(() => review.getByTestId('audit-text').inputValue()).toBe(text);
    await expect.poll(() => review.evaluate(() => document.activeElement?.id)).toBe('review-name');
    const url = new URL(review.url());
    expect(url.searchParams.get('doc')).toBe(`${pages.origin}${field.documentSuffix}`);
    expect(url.searchParams.has('handoff')).toBe(false);
    expect(browser.context.pages().filter((p) => p.url().includes('/audit.html')).length).toBe(1);
    await review.keyboard.type('Ana Ruiz');
    await review.getByTestId('audit-review-submit').click();
    await expect.poll(() => review.getByTestId('audit-notice').textContent()).toMatch(new RegExp(`^Review recorded \\(entry #\\d+\\) for ${count} AI-assisted sentence`));
    const reviewed = (await review.getByTestId('audit-sentence-review').allTextContents()).filter((label) => label !== '—');
    expect(reviewed).toHaveLength(count);
    for (const label of reviewed) expect(label).toMatch(/^Checked, kept — Ana Ruiz, /);
    await review.close();
  });

  it('plain contenteditable: the same, the DOM untouched', async () => {
    await page.goto(`${pages.origin}/plain.html`);
    // The commands go to the most recently used tab.
    await page.bringToFront();
    const locator = page.locator('#ce');
    const innerHtml = () => locator.evaluate((el) => el.innerHTML);
    const field: Field = {
      frame: page.mainFrame(),
      locator,
      read: innerHtml,
      adapterText: () => locator.evaluate((el) => (el as HTMLElement).innerText.replace(/\n+/g, '\n').trim()),
      documentSuffix: '/plain.html#ce',
      contentEditable: true,
    };
    await writeWithTwoSuggestions(field, 'The school board met on Thursday night.', 'Nobody else wrote this last line for me.');
    const count = await checkOverlay(field, ['ai-verbatim', 'ai-edited']);
    await checkPopupAndEdit(field, count);
  });

  it('input: the continuation highlighted over the one-line field', async () => {
    await page.goto(`${pages.origin}/plain.html`);
    // The commands go to the most recently used tab.
    await page.bringToFront();
    const locator = page.locator('#input-text');
    const field: Field = {
      frame: page.mainFrame(),
      locator,
      read: () => locator.inputValue(),
      adapterText: () => locator.inputValue(),
      documentSuffix: '/plain.html#input-text',
      contentEditable: false,
    };
    await locator.click();
    await page.keyboard.press('End');
    await acceptSuggestion(field);
    const count = await checkOverlay(field, ['ai-verbatim']);
    expect(count).toBeGreaterThan(0);
  });

  for (const editor of EDITORS.filter((e) => e.page !== 'plain' && e.page !== 'prosemirror')) {
    it(`${editor.label}: the continuation highlighted over the editor, its model unchanged`, async () => {
      const frame = await openEditor(page, pages.origin, editor);
      await page.bringToFront();
      await placeCaret(page, frame, editor, 'end');
      const locator = frame.locator(editor.selector ?? '[contenteditable="true"]').first();
      const model = () => page.evaluate(() => (window as unknown as PageWithFixture).fixture.text());
      const keys = () => ext.evaluate(async () => {
        const { chrome } = globalThis as unknown as { chrome: { runtime: { sendMessage(m: object): Promise<any> } } };
        return ((await chrome.runtime.sendMessage({ type: 'audit.documents' })).documents as { key: string }[]).map((d) => d.key);
      });
      const known = await keys();
      const field: Field = { frame, locator, read: model, adapterText: model, documentSuffix: '', contentEditable: true, inFrame: !!editor.inFrame };
      await acceptSuggestion(field);
      // This editor's ledger document: the one the acceptance added.
      field.documentSuffix = (await keys()).find((key) => !known.includes(key)) ?? `/${editor.page}.html#`;
      const count = await checkOverlay(field, [], { motion: false });
      expect(count).toBeGreaterThan(0);
    });
  }

  it('ProseMirror: highlights over the editor, its model unchanged', async () => {
    const editor = EDITORS.find((e) => e.page === 'prosemirror')!;
    const frame = await openEditor(page, pages.origin, editor);
    await page.bringToFront();
    await placeCaret(page, frame, editor, 'end');
    const locator = page.locator('.ProseMirror');
    const model = () => page.evaluate(() => (window as unknown as PageWithFixture).fixture.text());
    const field: Field = {
      frame,
      locator,
      read: model,
      adapterText: model,
      // The editable has no id: its field id is a DOM path; the page has one document.
      documentSuffix: '/prosemirror.html#',
      contentEditable: true,
    };
    // The continuation of the last paragraph (own sentences after "budget.").
    await acceptSuggestion(field);
    const count = await checkOverlay(field, ['ai-verbatim']);
    expect(count).toBeGreaterThan(0);
  });
});
