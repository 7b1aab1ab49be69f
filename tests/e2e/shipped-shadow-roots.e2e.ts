import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CDPSession, Page } from 'playwright-core';
import { startModelHost } from '../../scripts/model-host';
import { buildExtension } from '../support/build-extension';
import { TINY_MODEL_ID, TINY_MODEL_ROOT } from '../support/tiny-model';
import { launchExtension, runAuditFieldCommand, runSuggestCommand, setSettings, type LaunchedExtension } from './support/browser';
import { startCmsServer } from './support/cms-server';

/**
 * The build that ships (#15): the panel, the in-page audit and the proofreading marks live in closed shadow roots, so a
 * page's scripts see a host element and nothing inside it — not the suggestions, the status
 * line, the disclosure line or the audit's cards. (The test build opens them for Playwright; see
 * lib/shadow-mode.ts.) The test reads the panel the way only the browser's own tools can: over
 * CDP with shadow roots pierced.
 */

interface DomNode {
  nodeType: number;
  nodeName: string;
  nodeValue: string;
  attributes?: string[];
  children?: DomNode[];
  shadowRoots?: DomNode[];
  contentDocument?: DomNode;
  shadowRootType?: string;
}

/** The whole DOM, closed shadow roots included. */
async function piercedDocument(cdp: CDPSession): Promise<DomNode> {
  return ((await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: DomNode }).root;
}

function* walk(node: DomNode): Generator<DomNode> {
  yield node;
  for (const child of [...(node.shadowRoots ?? []), ...(node.children ?? [])]) yield* walk(child);
}

const byTestId = (root: DomNode, id: string) =>
  [...walk(root)].filter((n) => {
    const a = n.attributes ?? [];
    return a.some((value, i) => i % 2 === 0 && value === 'data-testid' && a[i + 1] === id);
  });
const textOf = (node: DomNode) => [...walk(node)].filter((n) => n.nodeType === 3).map((n) => n.nodeValue).join('');

describe('the shipped build: what the extension shows stays out of the page’s reach', () => {
  let shipped: ReturnType<typeof buildExtension>;
  let cms: Awaited<ReturnType<typeof startCmsServer>>;
  let host: Awaited<ReturnType<typeof startModelHost>>;
  let browser: LaunchedExtension;
  let page: Page;

  beforeAll(async () => {
    shipped = buildExtension();
    cms = await startCmsServer();
    host = await startModelHost({ root: TINY_MODEL_ROOT });
    browser = await launchExtension({ extensionDir: shipped.dir });
    await setSettings(browser.worker, { modelHost: host.origin, modelId: TINY_MODEL_ID, pauseDelayMs: 0, variants: 2 });
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await cms?.close();
    shipped?.remove();
  });

  it('the panel and the in-page audit are closed shadow roots: the page sees a host and nothing in it', async () => {
    await page.goto(`${cms.origin}/wp-admin/post.php?post=9&action=edit`);
    await page.bringToFront();
    const cdp = await page.context().newCDPSession(page);
    await page.locator('#content').click();
    await page.keyboard.press('Control+End');
    const before = await page.locator('#content').inputValue();
    await runSuggestCommand(browser.worker);

    // Wait, from outside the page, for the panel to offer its suggestions.
    let variants: string[] = [];
    await expect
      .poll(async () => {
        const root = await piercedDocument(cdp);
        variants = byTestId(root, 'variant-text').map(textOf).filter((text) => text.trim().length > 0);
        return byTestId(root, 'accept-variant').length > 0 && variants.length > 0;
      })
      .toBe(true);
    const panelRoots = [...walk(await piercedDocument(cdp))].filter((n) => n.nodeName === 'LEDGERLINE-PANEL').flatMap((n) => n.shadowRoots ?? []);
    expect(panelRoots.map((r) => r.shadowRootType)).toEqual(['closed']);

    // What the page's own scripts can see.
    const seen = await page.evaluate(() => {
      const panel = document.querySelector('ledgerline-panel');
      return { host: panel !== null, shadowRoot: panel ? panel.shadowRoot : 'none', text: document.documentElement.innerText + document.documentElement.textContent };
    });
    expect(seen.host).toBe(true);
    expect(seen.shadowRoot).toBeNull();
    for (const variant of variants) expect(seen.text).not.toContain(variant.trim());
    expect(seen.text).not.toMatch(/Tab accepts|AI-suggested in this field/);

    // It is the real panel: the writer's Tab accepts from it.
    await page.keyboard.press('Tab');
    await expect.poll(() => page.locator('#content').inputValue()).not.toBe(before);

    // The in-page audit's overlay: closed too.
    await page.locator('#content').focus();
    expect(await runAuditFieldCommand(browser.worker)).toMatchObject({ ok: true, shown: true });
    const overlay = await page.evaluate(() => {
      const audit = document.querySelector('ledgerline-audit');
      return { host: audit !== null, shadowRoot: audit ? audit.shadowRoot : 'none', text: document.documentElement.textContent ?? '' };
    });
    expect(overlay).toMatchObject({ host: true, shadowRoot: null });
    expect(overlay.text).not.toContain(TINY_MODEL_ID);
    const auditRoots = [...walk(await piercedDocument(cdp))].filter((n) => n.nodeName === 'LEDGERLINE-AUDIT').flatMap((n) => n.shadowRoots ?? []);
    expect(auditRoots.map((r) => r.shadowRootType)).toEqual(['closed']);
    await cdp.detach();
  });

  it('the proofreading overlay is a closed shadow root: the page sees neither the marks nor their messages', async () => {
    await page.goto(`${cms.origin}/wp-admin/post.php?post=9&action=edit`);
    const cdp = await page.context().newCDPSession(page);
    await page.locator('#content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' This is an test.');
    const labelOf = (n: DomNode) => {
      const a = n.attributes ?? [];
      return a[a.indexOf('aria-label') + 1] ?? '';
    };
    let messages: string[] = [];
    await expect
      .poll(async () => {
        messages = byTestId(await piercedDocument(cdp), 'proofread-mark').map(labelOf);
        return messages.length;
      }, { timeout: 20_000 })
      .toBeGreaterThan(0);
    const roots = [...walk(await piercedDocument(cdp))].filter((n) => n.nodeName === 'LEDGERLINE-PROOFREAD').flatMap((n) => n.shadowRoots ?? []);
    expect(roots.map((r) => r.shadowRootType)).toEqual(['closed']);
    const seen = await page.evaluate(() => {
      const overlay = document.querySelector('ledgerline-proofread');
      return { host: overlay !== null, shadowRoot: overlay ? overlay.shadowRoot : 'none', html: document.documentElement.outerHTML };
    });
    expect(seen).toMatchObject({ host: true, shadowRoot: null });
    for (const message of messages) expect(seen.html).not.toContain(message);
    await cdp.detach();
  });
});
