import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { startModelHost } from '../../scripts/model-host';
import { buildEditorFixtures } from '../../scripts/build-editor-fixtures';
import { startStaticServer, type StaticServer } from '../../scripts/static-server';
import { TINY_MODEL_ID, TINY_MODEL_ROOT } from '../support/tiny-model';
import { launchExtension, setSettings, type LaunchedExtension } from './support/browser';
import { EDITORS, FIRST as FIRST_LINE, SECOND as SECOND_LINE, modelText, openEditor, panelInsideEditable, placeCaret } from './support/editors';
import { acceptFromList, insertedAfter, norm, waitForSuggestion } from './support/suggest';

/**
 * Every supported editor, end to end with the built extension and the tiny model: caret
 * mid-text and at the end, type, pause, the suggestion streams in, Tab inserts it, the editor's
 * own model has it at the caret, and one Ctrl+Z takes it out again (where the editor has undo).
 * Each editor runs REPEAT rounds on a fresh page; no retries.
 */

const REPEAT = 3;
// Longer than every editor's undo-merge window (ProseMirror 500 ms, Quill 1000 ms), so the
// insertion is its own undo step rather than merged into the words typed just before it.
const PAUSE_MS = 1050;

describe('editors end to end (built extension, tiny model)', () => {
  let pages: StaticServer;
  let host: Awaited<ReturnType<typeof startModelHost>>;
  let browser: LaunchedExtension;
  let page: Page;

  beforeAll(async () => {
    pages = await startStaticServer(await buildEditorFixtures());
    host = await startModelHost({ root: TINY_MODEL_ROOT });
    browser = await launchExtension();
    // Any pause after new words opens the panel (pauseMinWords 0, after 3× the delay mid-sentence):
    // this file is not about when it opens (tests/e2e/quiet-panel.e2e.ts is).
    await setSettings(browser.worker, { modelHost: host.origin, modelId: TINY_MODEL_ID, pauseDelayMs: PAUSE_MS, variants: 1, pauseMinWords: 0 });
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await pages?.close();
  });

  for (const editor of EDITORS) {
    it(`${editor.label}: suggestion at the caret (mid-text, end) lands in the editor's model; Ctrl+Z ${editor.undo ? 'undoes it in one step' : '(no undo in this editor)'}`, async () => {
      for (let round = 0; round < REPEAT; round++) {
        const frame = await openEditor(page, pages.origin, editor);
        for (const [where, typed] of [['end-of-first-line', ' The mayor'], ['end', ' A resident']] as const) {
          await placeCaret(page, frame, editor, where);
          await page.keyboard.type(typed, { delay: 20 });
          await expect.poll(() => modelText(page, editor)).toContain(typed.trim());
          const before = await modelText(page, editor);
          const suggestion = await waitForSuggestion(page);
          expect(suggestion.trim().length, `${editor.label} round ${round} ${where}`).toBeGreaterThan(0);
          expect(await panelInsideEditable(page, editor), 'the panel is not part of the editor content').toBe(false);
          // README screenshot: the panel in a rich editor of the kind CMSs embed.
          if (editor.page === 'tiptap' && round === 0 && where === 'end') {
            await page.screenshot({ path: resolve('docs/screenshots/panel-tiptap.png') });
          }
          // Opened on a pause: accepted from the list (Tab keeps its page meaning there).
          await acceptFromList(page);
          const expected = insertedAfter(before, typed, suggestion);
          await expect.poll(() => modelText(page, editor).then(norm), { timeout: 10_000 }).toBe(expected);
          await expect.poll(() => page.getByTestId('suggestion-panel').count()).toBe(0);
          if (editor.undo) {
            await page.keyboard.press('Control+z');
            await expect.poll(() => modelText(page, editor).then(norm), { timeout: 5_000 }).toBe(norm(before));
          }
        }
      }
    });
  }

  for (const editor of EDITORS) {
    it(`${editor.label}: a selected line is rewritten (rephrase) in the editor's model; Ctrl+Z ${editor.undo ? 'restores it in one step' : '(no undo)'}`, async () => {
      for (let round = 0; round < REPEAT; round++) {
        const frame = await openEditor(page, pages.origin, editor);
        await placeCaret(page, frame, editor, 'end-of-first-line');
        const typed = ' The mayor spoke';
        await page.keyboard.type(typed, { delay: 20 });
        // Select the whole first line before the pause ends: the pause then asks for a rephrase.
        await page.keyboard.press('Shift+Home');
        const before = norm(await modelText(page, editor));
        // The single-paragraph RichText holds both sentences on its one line.
        const selected = editor.multiBlock ? `${FIRST_LINE}${typed}` : `${FIRST_LINE} ${SECOND_LINE}${typed}`;
        expect(before.startsWith(selected)).toBe(true);
        const suggestion = await waitForSuggestion(page);
        expect(suggestion.trim().length).toBeGreaterThan(0);
        expect(await panelInsideEditable(page, editor), 'the panel is not part of the editor content').toBe(false);
        await acceptFromList(page);
        await expect.poll(() => modelText(page, editor).then(norm), { timeout: 10_000 }).toBe(norm(suggestion + before.slice(selected.length)));
        if (editor.undo) {
          await page.keyboard.press('Control+z');
          await expect.poll(() => modelText(page, editor).then(norm), { timeout: 5_000 }).toBe(before);
        }
      }
    });
  }
});
