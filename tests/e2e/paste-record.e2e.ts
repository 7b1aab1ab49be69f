import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startModelHost } from '../../scripts/model-host';
import { TINY_MODEL_ID, TINY_MODEL_ROOT } from '../support/tiny-model';
import { askBackground, launchExtension, runSuggestCommand, setSettings, type LaunchedExtension, openExtensionPage } from './support/browser';
import { startCmsServer } from './support/cms-server';
import { waitForSuggestion } from './support/suggest';

/**
 * Typed, pasted, AI (#12, part 2), with the built extension and the tiny model: a real clipboard
 * paste (Ctrl+V) into the post body is recorded as one paste entry; the audit then shows the
 * pasted sentences as pasted, a typed sentence as not logged and the accepted suggestion as AI.
 */
const PASTED = 'Ferry traffic rose by a fifth last year, according to the port. Most passengers travel at weekends.';
const TYPED = ' I called the operator, who confirmed the dates.';

describe('paste record on a CMS post editor (built extension, tiny model)', () => {
  let cms: Awaited<ReturnType<typeof startCmsServer>>;
  let host: Awaited<ReturnType<typeof startModelHost>>;
  let browser: LaunchedExtension;
  let page: Page;
  let ext: Page;

  beforeAll(async () => {
    cms = await startCmsServer();
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
  });

  it('pasted sentences are labelled pasted, typed ones not logged, the accepted one AI', async () => {
    await page.goto(`${cms.origin}/wp-admin/post.php?post=101&action=edit`);
    await page.bringToFront();
    const body = page.locator('#content');
    await body.click();
    await page.keyboard.press('Control+End');
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
    const sentences = await attribute();
    expect(sentences.find((s) => s.text.includes('called the operator'))?.kind).toBe('not-logged');
    expect(sentences.some((s) => s.kind.startsWith('ai-'))).toBe(true);
  });
});
