import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startModelHost } from '../../scripts/model-host';
import { buildEditorFixtures } from '../../scripts/build-editor-fixtures';
import { startStaticServer, type StaticServer } from '../../scripts/static-server';
import { TINY_MODEL_ID, TINY_MODEL_ROOT } from '../support/tiny-model';
import { askBackground, entriesBesidesTyping, launchExtension, setSettings, type LaunchedExtension, openExtensionPage } from './support/browser';
import { FIRST } from './support/editors';
import { acceptFromList, norm, waitForSuggestion } from './support/suggest';

/**
 * Editors nobody named that keep their own undo history and cancel the browser's undo
 * (tests/fixtures/editors/src/history-*.ts), end to end with the built extension and the tiny
 * model. The writer types a sentence (the last word still in the editor's pending step, or the
 * whole sentence inside its merge window), maybe selects the line, pauses, accepts the suggestion
 * (a continuation or a rewrite) from the panel and presses Ctrl+Z once: the field holds exactly
 * what the writer typed, the ledger has the acceptance withdrawn, and no panel opens after the
 * undo. A redo brings the suggestion back and records it again, again without a panel.
 */

const PAUSE_MS = 600;
/** Long enough for a pause, even the long one (3× the delay), to open the panel if it were going to (generation ~0.1 s here). */
const QUIET_MS = 3 * PAUSE_MS + 1500;

const CASES = [
  { page: 'history-keystep', history: 'a step on each space, Enter or Backspace; undo rewrites the field silently' },
  { page: 'history-timewindow', history: 'changes less than 2 s apart merged; undo rewrites the field through editing commands' },
] as const;
const FIELDS = [
  { selector: '#history-textarea', kind: 'textarea' },
  { selector: '#history-editable', kind: 'contenteditable' },
] as const;
/** A continuation at the caret, or a rewrite of the line the writer selected (Shift+Home) before the pause. */
const EDITS = ['continuation', 'rewrite'] as const;

describe('editors with their own undo history (built extension, tiny model)', () => {
  let pages: StaticServer;
  let host: Awaited<ReturnType<typeof startModelHost>>;
  let browser: LaunchedExtension;
  let page: Page;
  let ext: Page;

  beforeAll(async () => {
    pages = await startStaticServer(await buildEditorFixtures());
    host = await startModelHost({ root: TINY_MODEL_ROOT });
    browser = await launchExtension();
    // Any pause after new words opens the panel (pauseMinWords 0, after 3× the delay mid-sentence):
    // this file is not about when it opens (tests/e2e/quiet-panel.e2e.ts is).
    await setSettings(browser.worker, { modelHost: host.origin, modelId: TINY_MODEL_ID, pauseDelayMs: PAUSE_MS, variants: 1, pauseMinWords: 0 });
    ext = await openExtensionPage(browser);
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await pages?.close();
  });

  /** A request from an extension page (what the audit page and the popup ask the background). */
  const ask = async (message: object): Promise<any> => {
    const answer = (await askBackground(ext, message)) as { ok: boolean; error?: string };
    if (!answer.ok) throw new Error(answer.error);
    return answer;
  };
  /** Acceptances and withdrawals in the chain. */
  const chainLength = async () => (await entriesBesidesTyping(ext)).length;
  const panelCount = () => page.getByTestId('suggestion-panel').count();

  for (const { page: name, history } of CASES) {
    for (const { selector, kind } of FIELDS) {
      for (const edit of EDITS) {
        it(`${name} ${kind}, ${edit} (${history}): one Ctrl+Z takes back exactly the suggestion and withdraws it; no panel after undo or redo`, async () => {
          await page.goto(`${pages.origin}/${name}.html`);
          await page.bringToFront();
          await page.waitForFunction(() => document.body.dataset.ready === 'true');
          const field = page.locator(selector);
          const text = () => (kind === 'textarea' ? field.inputValue() : field.innerText()).then(norm);
          await field.click();
          await page.keyboard.press('Control+End');
          // Words with spaces, as a writer types them: the last word is still in the editor's pending step.
          await page.keyboard.type(' The mayor spoke', { delay: 30 });
          // Selected before the pause ends: the pause then asks for a rewrite of the selection.
          if (edit === 'rewrite') await page.keyboard.press('Shift+Home');
          const before = await text();
          expect(before).toBe(`${FIRST} The mayor spoke`);
          const start = await chainLength();

          const suggestion = await waitForSuggestion(page);
          expect(suggestion.trim().length).toBeGreaterThan(0);
          await acceptFromList(page);
          const accepted = norm(edit === 'rewrite' ? suggestion : before + suggestion);
          await expect.poll(text, { timeout: 10_000 }).toBe(accepted);
          await expect.poll(panelCount).toBe(0);
          await expect.poll(chainLength).toBe(start + 1);

          await page.keyboard.press('Control+z');
          await expect.poll(text, { timeout: 5_000 }).toBe(before);
          await expect.poll(chainLength).toBe(start + 2);
          const [withdrawal, acceptance] = await entriesBesidesTyping(ext);
          expect(acceptance!.documentKey.endsWith(selector)).toBe(true);
          expect(withdrawal!.withdraws).toEqual({ seq: acceptance!.seq, reason: 'undone' });
          // An undo is not the writer typing: no panel opens after it.
          await page.waitForTimeout(QUIET_MS);
          expect(await panelCount()).toBe(0);
          expect(await text()).toBe(before);

          // The page's redo brings the suggestion back: accepted again, recorded again, no panel.
          await page.keyboard.press('Control+Shift+z');
          await expect.poll(text, { timeout: 5_000 }).toBe(accepted);
          await expect.poll(chainLength).toBe(start + 3);
          const [again] = await entriesBesidesTyping(ext);
          expect(again!.withdraws).toBeNull();
          expect(again!.documentKey).toBe(acceptance!.documentKey);
          await page.waitForTimeout(QUIET_MS);
          expect(await panelCount()).toBe(0);
        });
      }
    }
  }
});
