import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { buildEditorFixtures } from '../../scripts/build-editor-fixtures';
import { startStaticServer, type StaticServer } from '../../scripts/static-server';
import { CHROMIUM_PATH } from './support/browser';
import { EDITORS, FIRST, SECOND, modelText, openEditor, type EditorCase, type PageWithFixture } from './support/editors';

/**
 * The lib/fields adapters against the real editors, without the model: lib/fields is bundled as
 * an IIFE and loaded into the editor's frame (the content script runs the same code in its
 * isolated world). Every case replaces text through `adapter.replace`, asserts on the editor's
 * own model, presses Ctrl+Z once and asserts the change is gone in one step.
 */

const REPEAT = 3;

interface Operation {
  name: string;
  /** Where: after the first occurrence of `after`, or replacing `replace`, or at the end. */
  after?: string;
  replace?: string;
  text: string;
  expected: (editor: EditorCase) => string;
}

const joined = (editor: EditorCase, ...lines: string[]) => lines.join(editor.multiBlock ? '\n' : ' ');

const OPERATIONS: Operation[] = [
  {
    name: 'insert mid-text (end of the first paragraph)',
    after: FIRST,
    text: ' It lasted two hours.',
    expected: (editor) => joined(editor, `${FIRST} It lasted two hours.`, SECOND),
  },
  {
    name: 'insert several sentences at the end',
    text: ' The mayor said no. Residents left early. A vote follows.',
    expected: (editor) => joined(editor, FIRST, `${SECOND} The mayor said no. Residents left early. A vote follows.`),
  },
  {
    name: 'replace a selected range (rewrite)',
    replace: 'met on Monday',
    text: 'gathered on Tuesday evening',
    expected: (editor) => joined(editor, 'The council gathered on Tuesday evening.', SECOND),
  },
];

const MULTI_LINE: Operation = {
  name: 'insert two paragraphs at the end',
  text: '\nA second line follows.\nAnd a third.',
  expected: (editor) => [FIRST, SECOND, 'A second line follows.', 'And a third.'].join('\n'),
};

describe('editor adapters in Chromium (lib/fields against the real editors)', () => {
  let server: StaticServer;
  let browser: Browser;
  let fieldsSource = '';
  const methods: Record<string, Set<string>> = {};

  beforeAll(async () => {
    const dir = await buildEditorFixtures();
    fieldsSource = await readFile(join(dir, 'fields.js'), 'utf8');
    server = await startStaticServer(dir);
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    console.table(Object.fromEntries(Object.entries(methods).map(([key, set]) => [key, [...set].join(', ')])));
  });

  async function apply(frame: Frame, editor: EditorCase, op: Operation) {
    return frame.evaluate(
      async ({ op, selector }) => {
        const fields = (window as unknown as { LedgerlineFields: typeof import('../../lib/fields') }).LedgerlineFields;
        const root = (selector ? document.querySelector(selector) : (window as unknown as PageWithFixture).fixture.editable()) as HTMLElement;
        const adapter = fields.adapterFor(root)!;
        const { text } = adapter.read(root);
        let start = text.length;
        let end = text.length;
        if (op.after !== undefined) start = end = text.indexOf(op.after) + op.after.length;
        if (op.replace !== undefined) {
          start = text.indexOf(op.replace);
          end = start + op.replace.length;
        }
        const outcome = await adapter.replace(root, start, end, op.text);
        return { kind: adapter.kind, outcome, textBefore: text, textAfter: adapter.read(root).text };
      },
      { op: { after: op.after, replace: op.replace, text: op.text }, selector: editor.selector ?? null },
    );
  }

  for (const editor of EDITORS) {
    describe(editor.label, () => {
      let page: Page;
      let frame: Frame;
      beforeAll(async () => {
        page = await browser.newPage();
      });
      afterAll(async () => {
        await page?.close();
      });

      const operations = editor.multiBlock ? [...OPERATIONS, MULTI_LINE] : OPERATIONS;
      for (const op of operations) {
        it(`${op.name} — model in sync, Ctrl+Z undoes it in one step`, async () => {
          for (let round = 0; round < REPEAT; round++) {
            frame = await openEditor(page, server.origin, editor);
            await frame.addScriptTag({ content: fieldsSource });
            const initial = await modelText(page, editor);
            expect(initial).toBe(joined(editor, FIRST, SECOND));
            const result = await apply(frame, editor, op);
            expect(result.kind).toBe(editor.kind);
            expect(result.outcome, JSON.stringify(result)).toMatchObject({ ok: true });
            if (result.outcome.ok) (methods[`${editor.label}: ${op.name}`] ??= new Set()).add(result.outcome.method);
            await expect.poll(() => modelText(page, editor)).toBe(op.expected(editor));
            if (editor.undo) {
              await page.keyboard.press('Control+z');
              await expect.poll(() => modelText(page, editor)).toBe(initial);
            }
          }
        });
      }
    });
  }
});
