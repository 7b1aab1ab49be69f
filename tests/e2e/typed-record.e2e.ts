import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { buildEditorFixtures } from '../../scripts/build-editor-fixtures';
import { startStaticServer, type StaticServer } from '../../scripts/static-server';
import { askBackground, launchExtension, openExtensionPage, setSettings, type LaunchedExtension } from './support/browser';
import { EDITORS, FIRST, SECOND, modelText, openEditor, placeCaret } from './support/editors';

/**
 * Typed vs not seen (#12, part 2) in every supported editor, with real keys: the writer types a
 * sentence at the end of the editor's text and clicks out of it; the ledger then calls that
 * sentence typed and the text that was already there not logged. Each editor reports its input
 * its own way (native input, beforeinput it cancels and applies itself, its own DOM rewrite):
 * the recorder counts the browser's trusted beforeinput, which every one of them receives.
 */
const TYPED = ' The mayor said the budget would pass.';

describe('typing recorded in every editor (built extension)', () => {
  let pages: StaticServer;
  let browser: LaunchedExtension;
  let page: Page;
  let ext: Page;

  beforeAll(async () => {
    pages = await startStaticServer(await buildEditorFixtures());
    browser = await launchExtension();
    // No model and no pause panel: this file is about what the record says of typing.
    await setSettings(browser.worker, { pauseDelayMs: 600_000 });
    ext = await openExtensionPage(browser);
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await pages?.close();
  });

  /** The document the ledger filed this editor's typing under (the one whose key names its page). */
  async function documentKeyFor(editor: string): Promise<string | undefined> {
    const answer = (await askBackground(ext, { type: 'audit.documents' })) as { documents: { key: string }[] };
    return answer.documents.map((d) => d.key).find((k) => k.startsWith(`${pages.origin}/${editor}.html`));
  }

  for (const editor of EDITORS) {
    it(`${editor.label}: a typed sentence is typed, the text already there not logged`, async () => {
      const frame: Frame = await openEditor(page, pages.origin, editor);
      await placeCaret(page, frame, editor, 'end');
      await page.keyboard.type(TYPED, { delay: 10 });
      await expect.poll(() => modelText(page, editor)).toContain(TYPED.trim());
      // Leaving the field is what records it: a click on the page outside the editor.
      await page.mouse.click(2, 2);
      await expect.poll(() => documentKeyFor(editor.page), { timeout: 10_000 }).toBeDefined();
      const documentKey = (await documentKeyFor(editor.page))!;
      const text = await modelText(page, editor);
      const answer = (await askBackground(ext, { type: 'audit.attribute', text, documentKey })) as {
        attribution: { sentences: { text: string; kind: string }[] };
      };
      const kindOf = (part: string) => answer.attribution.sentences.find((s) => s.text.includes(part))?.kind;
      expect(kindOf('The mayor said the budget would pass.'), editor.label).toBe('typed');
      expect(kindOf(FIRST), editor.label).toBe('not-logged');
      expect(kindOf(SECOND), editor.label).toBe('not-logged');
    });
  }
});
