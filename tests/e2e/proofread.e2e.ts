import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Locator, Page } from 'playwright-core';
import { buildEditorFixtures } from '../../scripts/build-editor-fixtures';
import { startStaticServer, type StaticServer } from '../../scripts/static-server';
import { askBackground, entriesBesidesTyping, launchExtension, setSettings, type LaunchedExtension, openExtensionPage } from './support/browser';
import { EDITORS, modelText, openEditor, placeCaret } from './support/editors';

/**
 * Proofreading (#14 part 3), end to end with the built extension and no model at all (none
 * stored, no model host, no consent): Harper in the background lints the focused field after a
 * pause, the overlay underlines the finding over its word, the mark's card offers the fix, the
 * fix lands through the editor's adapter as one undo step, and the ledger stays empty.
 */

const MISTAKE = 'This is an test.';
const FIXED = 'This is a test.';

interface Case {
  label: string;
  open: (page: Page) => Promise<{ frame: Frame; field: Locator; read: () => Promise<string> }>;
}

describe('proofreading (built extension, no model)', () => {
  let pages: StaticServer;
  let browser: LaunchedExtension;
  let page: Page;
  let ext: Page;

  beforeAll(async () => {
    pages = await startStaticServer(await buildEditorFixtures());
    browser = await launchExtension();
    // The defaults, and no model: proofreading needs none.
    await setSettings(browser.worker, {}, { downloadConsent: false });
    page = await browser.context.newPage();
    ext = await openExtensionPage(browser);
    await page.bringToFront();
  });

  afterAll(async () => {
    await browser?.close();
    await pages?.close();
  });

  const marks = (frame: Frame) => frame.locator('ledgerline-proofread [data-testid="proofread-mark"]');

  /**
   * The word under the first mark's centre, found with the overlay out of the way (in one
   * evaluation: the overlay redraws its marks on every layout).
   */
  async function wordUnderMark(frame: Frame): Promise<{ inField: boolean; word: string }> {
    return frame.evaluate(() => {
      const host = document.querySelector('ledgerline-proofread') as HTMLElement;
      const box = host.shadowRoot!.querySelector('[data-testid="proofread-mark"]')!.getBoundingClientRect();
      host.style.display = 'none';
      try {
        const at = document.caretPositionFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        if (!at) return { inField: false, word: '' };
        const node = at.offsetNode;
        const text = node instanceof HTMLTextAreaElement ? node.value : (node.textContent ?? '');
        const before = text.slice(0, at.offset).match(/\S*$/)![0];
        const after = text.slice(at.offset).match(/^\S*/)![0];
        const inField = node instanceof HTMLTextAreaElement || (node.parentElement?.closest('[contenteditable="true"]') ?? null) !== null;
        return { inField, word: before + after };
      } finally {
        host.style.display = '';
      }
    });
  }

  /** Acceptances in the ledger (the writer's typing is recorded apart, as typing). */
  const ledgerEntries = async () => (await entriesBesidesTyping(ext)).length;

  const cases: Case[] = [
    {
      label: 'textarea',
      open: async (p) => {
        await p.goto(`${pages.origin}/plain.html`);
        const field = p.locator('#textarea');
        await field.fill('');
        await field.click();
        return { frame: p.mainFrame(), field, read: () => field.inputValue() };
      },
    },
    {
      label: 'plain contenteditable',
      open: async (p) => {
        await p.goto(`${pages.origin}/plain.html`);
        const field = p.locator('#ce');
        await field.evaluate((el) => (el.textContent = ''));
        await field.click();
        return { frame: p.mainFrame(), field, read: () => field.evaluate((el) => (el as HTMLElement).innerText.trim()) };
      },
    },
    ...EDITORS.filter((e) => e.page === 'prosemirror' || e.page === 'lexical').map(
      (editor): Case => ({
        label: editor.label,
        open: async (p) => {
          const frame = await openEditor(p, pages.origin, editor);
          await placeCaret(p, frame, editor, 'end');
          await p.keyboard.press('Enter');
          return { frame, field: frame.locator(editor.selector ?? '[contenteditable="true"]').first(), read: () => modelText(p, editor) };
        },
      }),
    ),
  ];

  for (const c of cases) {
    it(`${c.label}: underline over the mistake, the fix in one undo step, nothing in the ledger`, async () => {
      const { frame, read } = await c.open(page);
      await page.keyboard.type(MISTAKE);
      // The underline comes after the pause, over the word Harper flags.
      await expect.poll(() => marks(frame).count(), { timeout: 20_000 }).toBeGreaterThan(0);
      const mark = marks(frame).first();
      expect(await mark.getAttribute('aria-label')).toMatch(/article/i);
      expect(await wordUnderMark(frame)).toEqual({ inField: true, word: 'an' });
      // The page's field is untouched by the overlay.
      const typed = await read();
      expect(typed).toContain(MISTAKE);

      await mark.click();
      const fix = frame.locator('ledgerline-proofread [data-testid="proofread-fix"]', { hasText: /^a$/ });
      await fix.click();
      await expect.poll(read).toContain(FIXED);
      expect(await read()).not.toContain(MISTAKE);
      // The overlay closes once the fix is in (the adapter may still be verifying it before).
      await expect.poll(() => marks(frame).count()).toBe(0);

      // One undo step brings the writer's text back, and the mistake is underlined again.
      await page.keyboard.press('Control+z');
      await expect.poll(read).toBe(typed);
      await expect.poll(() => marks(frame).count(), { timeout: 20_000 }).toBeGreaterThan(0);

      // A Harper fix is the writer's edit: nothing is recorded.
      expect(await ledgerEntries()).toBe(0);
    });
  }

  it('keyboard: Alt+↓ from the text reaches the mark, a button named by the message; Esc goes back; Enter opens its fixes, Tab reaches them', async () => {
    const { frame, field, read } = await cases[0]!.open(page);
    await page.keyboard.type(MISTAKE);
    await expect.poll(() => marks(frame).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    const mark = marks(frame).first();
    const markFocused = () => mark.evaluate((element) => element.matches(':focus'));
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(markFocused).toBe(true);
    expect(await mark.getAttribute('aria-label')).toMatch(/\w/);
    await page.keyboard.press('Escape');
    await expect.poll(() => field.evaluate((element) => document.activeElement === element)).toBe(true);
    expect(await markFocused()).toBe(false);
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(markFocused).toBe(true);
    await page.keyboard.press('Enter');
    const fix = frame.locator('ledgerline-proofread [data-testid="proofread-fix"]').first();
    await expect.poll(() => fix.count()).toBe(1);
    await page.keyboard.press('Tab');
    await expect.poll(() => fix.evaluate((element) => element.matches(':focus'))).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(read).toBe(FIXED);
    expect(await ledgerEntries()).toBe(0);
  });

  it('the setting turns it off', async () => {
    await setSettings(browser.worker, { proofread: false }, { downloadConsent: false });
    const { frame, read } = await cases[0]!.open(page);
    await page.keyboard.type(MISTAKE);
    // Three times the pause, then a second lint would have answered long since.
    await page.waitForTimeout(2500);
    expect(await marks(frame).count()).toBe(0);
    expect(await read()).toBe(MISTAKE);
    await setSettings(browser.worker, {}, { downloadConsent: false });
  });
});
