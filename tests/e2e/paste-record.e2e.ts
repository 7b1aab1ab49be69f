import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { startModelHost } from '../../scripts/model-host';
import { TINY_MODEL_ID, TINY_MODEL_ROOT } from '../support/tiny-model';
import { askBackground, launchExtension, runSuggestCommand, setSettings, type LaunchedExtension, openExtensionPage } from './support/browser';
import { startCmsServer } from './support/cms-server';
import { waitForSuggestion } from './support/suggest';

/**
 * Typed, pasted, AI, not seen (#12, part 2), with the built extension and the tiny model: real
 * keys and a real clipboard paste (Ctrl+V) into the post body. Leaving the field records what the
 * writer typed; the audit then shows the text that was already there as not logged, the typed
 * sentences as typed, the pasted ones as pasted and the accepted suggestion as AI. Text a page
 * script put in the field while the writer typed is never called typed. A paste of text the writer
 * copied on another site's page (Ctrl+C there) names that page; one the extension did not see
 * copied stays "source unknown".
 */
const PASTED = 'Ferry traffic rose by a fifth last year, according to the port. Most passengers travel at weekends.';
const TYPED = ' I called the operator, who confirmed the dates.';

describe('paste record on a CMS post editor (built extension, tiny model)', () => {
  let cms: Awaited<ReturnType<typeof startCmsServer>>;
  let wire: Awaited<ReturnType<typeof startCmsServer>>;
  let host: Awaited<ReturnType<typeof startModelHost>>;
  let browser: LaunchedExtension;
  let page: Page;
  let ext: Page;

  beforeAll(async () => {
    cms = await startCmsServer();
    wire = await startCmsServer('wire-story.html');
    host = await startModelHost({ root: TINY_MODEL_ROOT });
    browser = await launchExtension();
    await setSettings(browser.worker, { modelHost: host.origin, modelId: TINY_MODEL_ID, pauseDelayMs: 0, variants: 1 });
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: cms.origin });
    ext = await openExtensionPage(browser);
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await cms?.close();
    await wire?.close();
  });

  /** Opens a post in the editor, with the caret at the end of its body (the commands go to the front tab). */
  async function caretAtEndOfBody(post: number): Promise<Locator> {
    await page.goto(`${cms.origin}/wp-admin/post.php?post=${post}&action=edit`);
    await page.bringToFront();
    const body = page.locator('#content');
    await body.click();
    await page.keyboard.press('Control+End');
    return body;
  }

  it('text already there is not logged, typed sentences typed, pasted ones pasted, the accepted one AI', async () => {
    const body = await caretAtEndOfBody(101);
    await page.keyboard.type(' The harbour board met on Monday.');
    await runSuggestCommand(browser.worker);
    const suggestion = await waitForSuggestion(page);
    await page.keyboard.press('Tab');
    await expect.poll(() => body.inputValue()).toContain(suggestion);

    await page.evaluate((text) => navigator.clipboard.writeText(text), ` ${PASTED}`);
    await page.keyboard.press('Control+V');
    await expect.poll(() => body.inputValue()).toContain(PASTED);
    await page.keyboard.type(TYPED);

    const documentKey = `${cms.origin}/wp-admin/post.php?post=101#content`;
    const attribute = async () => {
      const r = (await askBackground(ext, { type: 'audit.attribute', text: await body.inputValue(), documentKey })) as {
        attribution: { sentences: { text: string; kind: string }[] };
      };
      return r.attribution.sentences;
    };
    await expect.poll(async () => (await attribute()).filter((s) => s.kind === 'pasted').map((s) => s.text.trim())).toEqual([
      'Ferry traffic rose by a fifth last year, according to the port.',
      'Most passengers travel at weekends.',
    ]);
    // Still in the field: nothing typed is recorded before the writer leaves it.
    expect((await attribute()).find((s) => s.text.includes('called the operator'))?.kind).toBe('not-logged');

    await page.locator('#tags').click();
    await expect.poll(async () => (await attribute()).find((s) => s.text.includes('called the operator'))?.kind).toBe('typed');
    const sentences = await attribute();
    const kindOf = (part: string) => sentences.find((s) => s.text.includes(part))?.kind;
    expect(kindOf('Residents packed the hall')).toBe('not-logged');
    expect(kindOf('The harbour board met on Monday.')).toBe('typed');
    expect(sentences.filter((s) => s.kind === 'pasted')).toHaveLength(2);
    expect(sentences.some((s) => s.kind.startsWith('ai-'))).toBe(true);

    // The audit page says so, in words, with the legend's count.
    const audit = await openExtensionPage(browser, `audit.html?doc=${encodeURIComponent(documentKey)}`);
    await audit.locator('[data-testid="audit-text"]').fill(await body.inputValue());
    await audit.locator('[data-testid="audit-analyze"]').click();
    await expect.poll(() => audit.locator('[data-testid="audit-sentence"][data-kind="typed"]').count()).toBe(2);
    await expect.poll(() => audit.locator('[data-testid="audit-sentence"][data-kind="not-logged"]').count()).toBe(1);
    await audit.close();
  });

  it('a paste of text copied on another site names that page; one not seen copied stays of unknown source', async () => {
    const source = await browser.context.newPage();
    await source.goto(`${wire.origin}/news/ferries-2026?utm_source=newsletter`);
    await source.locator('#lede').click({ clickCount: 3 });
    await source.keyboard.press('Control+C');
    await source.close();

    const body = await caretAtEndOfBody(103);
    await page.keyboard.press('Enter');
    // The wire's copy handler added its own line to what the writer copied.
    await page.keyboard.press('Control+V');
    await expect.poll(() => body.inputValue()).toContain('Read more at');
    // Put on the clipboard by a page script: no copy the extension saw.
    await page.evaluate((text) => navigator.clipboard.writeText(text), 'The council will publish the figures on Friday.');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+V');
    await expect.poll(() => body.inputValue()).toContain('on Friday.');

    const documentKey = `${cms.origin}/wp-admin/post.php?post=103#content`;
    const wirePage = { url: `${wire.origin}/news/ferries-2026`, title: 'Ferries busier than ever – Coastal Wire' };
    const pasted = async () =>
      (
        (await askBackground(ext, { type: 'audit.attribute', text: await body.inputValue(), documentKey })) as {
          attribution: { sentences: { text: string; kind: string; pastedFrom?: { url: string; title: string } }[] };
        }
      ).attribution.sentences
        .filter((s) => s.kind === 'pasted')
        .map((s) => [s.text.trim().slice(0, 24), s.pastedFrom ?? null]);
    await expect.poll(pasted).toEqual([
      ['Ferry traffic rose by a ', wirePage],
      ['Most passengers travel a', wirePage],
      ['Read more at http://127.', wirePage],
      ['The council will publish', null],
    ]);

    // The audit page's card says where the sentence came from.
    const audit = await openExtensionPage(browser, `audit.html?doc=${encodeURIComponent(documentKey)}`);
    await audit.locator('[data-testid="audit-text"]').fill(await body.inputValue());
    await audit.locator('[data-testid="audit-analyze"]').click();
    const sentences = audit.locator('[data-testid="audit-sentence"][data-kind="pasted"]');
    await expect.poll(() => sentences.count()).toBe(4);
    await sentences.first().focus();
    const card = audit.locator(`#${await sentences.first().getAttribute('aria-describedby')}`);
    await expect.poll(() => card.isVisible()).toBe(true);
    expect(await card.textContent()).toContain(`copied from ${wirePage.title} (${wirePage.url})`);
    expect(await audit.locator(`#${await sentences.last().getAttribute('aria-describedby')}`).textContent()).toContain('The source is unknown');
    await audit.close();
  });

  it('text a page script puts in the field while the writer types is not typed', async () => {
    const body = await caretAtEndOfBody(102);
    await page.keyboard.type(' Yes.');
    // Another writer's edit, an autosave merge, a page script: no input event of the writer's.
    const injected = ' The mayor resigned this morning, the city hall confirmed in a statement.';
    await body.evaluate((el: HTMLTextAreaElement, text) => (el.value += text), injected);
    await page.keyboard.type(' No.');
    await page.locator('#tags').click();
    // Type and leave a second field so that something is known to have been recorded after the first.
    await page.keyboard.type('Transit, budget, council.');
    await page.locator('#title').click();

    const documentKey = `${cms.origin}/wp-admin/post.php?post=102#content`;
    const tagsKey = `${cms.origin}/wp-admin/post.php?post=102#tags`;
    const kinds = async (key: string, text: string) =>
      ((await askBackground(ext, { type: 'audit.attribute', text, documentKey: key })) as { attribution: { sentences: { text: string; kind: string }[] } }).attribution.sentences;
    await expect.poll(async () => (await kinds(tagsKey, 'Transit, budget, council.'))[0]?.kind).toBe('typed');
    const sentences = await kinds(documentKey, await body.inputValue());
    expect(sentences.find((s) => s.text.includes('mayor resigned'))?.kind).toBe('not-logged');
    expect(sentences.find((s) => s.text.includes('Residents packed'))?.kind).toBe('not-logged');
  });
});
