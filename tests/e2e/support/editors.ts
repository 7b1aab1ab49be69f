import type { Frame, Page } from 'playwright-core';

export const FIRST = 'The council met on Monday.';
export const SECOND = 'Residents asked about the budget.';

export interface EditorCase {
  /** Page name under .output/editor-fixtures (without .html). */
  page: string;
  label: string;
  /** Adapter kind expected from detection. */
  kind: string;
  /** Where the editable lives: the page itself or its first child frame (TinyMCE). */
  inFrame?: boolean;
  /** CSS selector of the editable in its frame when the page's fixture does not name it. */
  selector?: string;
  /** Whether the editor has an undo that Ctrl+Z reaches (the block editor's undo lives in its store, not in RichText). */
  undo: boolean;
  /** Whether the editor keeps paragraphs (a single-paragraph RichText joins lines). */
  multiBlock: boolean;
}

export const EDITORS: EditorCase[] = [
  { page: 'plain', label: 'plain contenteditable', kind: 'contenteditable', selector: '#ce', undo: true, multiBlock: true },
  { page: 'prosemirror', label: 'ProseMirror', kind: 'prosemirror', undo: true, multiBlock: true },
  { page: 'tiptap', label: 'TipTap', kind: 'prosemirror', undo: true, multiBlock: true },
  { page: 'lexical', label: 'Lexical', kind: 'lexical', undo: true, multiBlock: true },
  { page: 'draft', label: 'Draft.js', kind: 'draft', undo: true, multiBlock: true },
  { page: 'slate', label: 'Slate', kind: 'slate', undo: true, multiBlock: true },
  { page: 'quill', label: 'Quill 2', kind: 'quill', undo: true, multiBlock: true },
  { page: 'ckeditor', label: 'CKEditor 5', kind: 'ckeditor', undo: true, multiBlock: true },
  { page: 'tinymce', label: 'TinyMCE', kind: 'tinymce', inFrame: true, selector: 'body', undo: true, multiBlock: true },
  { page: 'wordpress', label: 'WordPress RichText', kind: 'wordpress', undo: false, multiBlock: false },
];

export async function openEditor(page: Page, origin: string, editor: EditorCase): Promise<Frame> {
  await page.goto(`${origin}/${editor.page}.html`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 30_000 });
  if (!editor.inFrame) return page.mainFrame();
  const handle = await page.waitForSelector('iframe');
  const frame = (await handle.contentFrame())!;
  await frame.waitForFunction(() => document.body?.isContentEditable === true);
  return frame;
}

/** The editor's own model text (blocks joined by "\n"); the plain page falls back to the editable's DOM. */
export async function modelText(page: Page, editor: EditorCase): Promise<string> {
  if (editor.page === 'plain') {
    return page.evaluate((selector) => (document.querySelector(selector) as HTMLElement).innerText.replace(/\n+/g, '\n').trim(), editor.selector!);
  }
  return page.evaluate(() => (window as unknown as PageWithFixture).fixture.text());
}

/**
 * Whether our panel sits inside the editor's editable element. It must not: an editor whose
 * editable is its frame's <body> (TinyMCE) would save the panel into the writer's content.
 */
export async function panelInsideEditable(page: Page, editor: EditorCase): Promise<boolean> {
  return page.evaluate((plainSelector) => {
    const editable = plainSelector ? document.querySelector(plainSelector)! : (window as unknown as PageWithFixture).fixture.editable();
    return editable.querySelector('ledgerline-panel') !== null;
  }, editor.page === 'plain' ? editor.selector! : null);
}

/** Clicks into the editable and puts the caret at the end of its first line (mid-text) or at its very end. */
export async function placeCaret(page: Page, frame: Frame, editor: EditorCase, where: 'end-of-first-line' | 'end'): Promise<void> {
  const selector = editor.selector ?? '[contenteditable="true"]';
  await frame.locator(selector).first().click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press(where === 'end' ? 'Control+End' : 'End');
}

/** What the fixture pages expose (tests/fixtures/editors/src/shared.ts). */
export interface PageWithFixture {
  fixture: { name: string; text(): string; editable(): HTMLElement };
}
