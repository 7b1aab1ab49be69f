import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildEditorFixtures } from '../../scripts/build-editor-fixtures';
import { startStaticServer, type StaticServer } from '../../scripts/static-server';
import { readText } from '../../lib/c2pa/manifest';
import { findWrapper } from '../../lib/c2pa/text-wrapper';
import { documentKeyOf } from '../../lib/ledger/document-key';
import { makeAcceptance } from '../../lib/ledger/testing';
import { askBackground, CHROMIUM_PATH, launchExtension, openExtensionPage, setSettings, type LaunchedExtension } from './support/browser';
import { EDITORS, modelText, openEditor, placeCaret, type EditorCase } from './support/editors';

/**
 * "Copy text with Content Credentials", end to end in the built extension: an acceptance and an
 * editor's review in the ledger, the audit page copies the text with its C2PA manifest to the
 * clipboard (keyboard, announced, axe-clean); read back with the readers' code and in the
 * offline checker page (file://, no extension) → verified, and a changed word → "changed".
 * Then the same clipboard pasted (Ctrl+V) into every fixture editor: which keep the invisible
 * characters (README, "Content Credentials in text").
 */
const DOCUMENT = { origin: 'https://cms.example.com', path: '/stories/42/edit', fieldId: 'body' };
const AI = 'The council approved the budget on Tuesday. Dr. Lee voted against it.';
const OWN = 'I called the clerk to confirm the vote.';
const TEXT = `${OWN} ${AI}`;
const REVIEWER = { name: 'Ana Ruiz', role: 'editor' };
const IPTC = 'http://cv.iptc.org/newscodes/digitalsourcetype/';

type Outcome = 'kept' | 'text-changed' | 'stripped' | 'zwnbsp-removed' | 'damaged';

/**
 * What each fixture editor does with the wrapped text pasted into an empty editor (measured in
 * this headless Chromium; README lists it). 'kept': its model text still verifies; 'stripped':
 * no wrapper character survived; 'zwnbsp-removed': the editor dropped the U+FEFF that starts the
 * wrapper (both use it as an internal caret/placeholder character) and kept every variation
 * selector, so no reader finds it; 'damaged': some characters survived, not a readable wrapper;
 * 'text-changed': the wrapper is intact but the editor changed the text around it.
 */
const EXPECTED: Record<string, Outcome> = {
  plain: 'kept',
  prosemirror: 'kept',
  tiptap: 'kept',
  lexical: 'kept',
  draft: 'kept',
  slate: 'kept',
  quill: 'kept',
  ckeditor: 'kept',
  tinymce: 'zwnbsp-removed',
  wordpress: 'zwnbsp-removed',
};

async function outcomeOf(text: string): Promise<Outcome> {
  let found: ReturnType<typeof findWrapper> = null;
  try {
    found = findWrapper(text);
  } catch {
    return 'damaged';
  }
  if (!found) {
    const selectors = /[\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/u.test(text);
    if (selectors && !text.includes('\uFEFF') && findWrapper(text.replace(/(?=[\uFE00-\uFE0F\u{E0100}-\u{E01EF}]{13})/u, '\uFEFF'))) return 'zwnbsp-removed';
    return selectors || text.includes('\uFEFF') ? 'damaged' : 'stripped';
  }
  const read = await readText(text);
  if (read.valid) return 'kept';
  return read.signatureValid && !read.bindingValid ? 'text-changed' : 'damaged';
}

describe('Content Credentials in Chromium', () => {
  let browser: LaunchedExtension;
  let plain: Browser;
  let fixtures: StaticServer;
  let audit: Page;
  let copied = '';
  const documentKey = documentKeyOf(DOCUMENT);

  beforeAll(async () => {
    fixtures = await startStaticServer(await buildEditorFixtures());
    browser = await launchExtension();
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    // No suggestions on pause: pasting into the editors must not race a panel.
    await setSettings(browser.worker, { pauseDelayMs: 0 });
    plain = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true });
    const page = await openExtensionPage(browser, 'popup.html');
    const recorded = (await askBackground(page, { type: 'ledger.record', acceptance: makeAcceptance({ document: DOCUMENT, pageTitle: 'Budget story', insertedText: AI, suggestedText: AI }) })) as { ok: boolean };
    expect(recorded.ok).toBe(true);
    const reviewed = (await askBackground(page, { type: 'audit.review', documentKey, text: TEXT, reviewer: REVIEWER, outcomes: ['kept', 'amended'], note: 'Checked the vote.' })) as { ok: boolean };
    expect(reviewed.ok).toBe(true);
    await page.close();
  });

  afterAll(async () => {
    await plain?.close();
    await browser?.close();
    await fixtures?.close();
  });

  it('copies the text with its Content Credentials from the audit page (keyboard, announced, axe-clean)', async () => {
    audit = await openExtensionPage(browser, `audit.html?doc=${encodeURIComponent(documentKey)}`);
    const button = audit.getByTestId('credentials-copy');
    await expect.poll(() => button.isDisabled()).toBe(true);
    await audit.getByTestId('audit-text').fill(TEXT);
    await expect.poll(() => button.isDisabled()).toBe(false);
    expect(await audit.getByTestId('credentials-caveat').textContent()).toMatch(/will not trust this signature: its certificate is self-issued.*strip the invisible characters/);
    await button.focus();
    await audit.keyboard.press('Enter');
    const result = audit.getByTestId('credentials-result');
    await expect.poll(() => result.getAttribute('role'), { timeout: 60_000 }).toBe('status');
    expect(await result.textContent()).toMatch(/^Copied: the text with \d+ invisible characters that carry a C2PA manifest \(AI sentences: 2, reviews recorded: 1\)/);
    copied = await audit.evaluate(() => navigator.clipboard.readText());
    expect(copied.startsWith(TEXT)).toBe(true);
    expect(findWrapper(copied)?.manifest.length).toBeGreaterThan(1000);
    expect(await result.getAttribute('data-manifest')).toBe((await readText(copied)).manifestLabel);
    const scan = await new AxeBuilder({ page: audit }).include('[data-testid="content-credentials"]').analyze();
    expect(scan.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });

  it('reads back verified: signed by this browser’s ledger key, with the actions and the review', async () => {
    const r = await readText(copied);
    expect(r).toMatchObject({ valid: true, signatureValid: true, bindingValid: true, chainValid: true, text: TEXT });
    expect(r.actions.map((a) => [a.action, a.digitalSourceType?.replace(IPTC, '') ?? null])).toEqual([
      ['c2pa.created', 'compositeWithTrainedAlgorithmicMedia'],
      ['c2pa.edited', 'trainedAlgorithmicMedia'],
    ]);
    expect(r.actions[1]!.softwareAgent).toBe('onnx-community/Qwen2.5-0.5B-Instruct abc123');
    expect(r.review?.reviews).toEqual([expect.objectContaining({ reviewer: REVIEWER, sentences: 2, outcomes: { kept: 1, amended: 1, rejected: 0 } })]);
    const summary = (await askBackground(audit, { type: 'audit.verify' })) as { ok: boolean; result: { keyId: string } };
    expect(r.signer?.keyId).toBe(summary.result.keyId);
  });

  it('the offline checker (file://, no extension, no network) says verified, and changed for a changed word', async () => {
    const page = await (await plain.newContext()).newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    const checker = pathToFileURL(resolve('.output/chrome-mv3/report-verifier.html')).href;
    await page.goto(checker);
    const input = page.getByLabel(/Paste the text as it was copied/);
    await input.fill(copied);
    await page.getByTestId('text-check-button').click();
    await expect.poll(() => page.getByTestId('text-check-result').getAttribute('data-state'), { timeout: 60_000 }).toBe('verified');
    expect(await page.getByTestId('text-check-verdict').textContent()).toMatch(/^Content Credentials verified/);
    expect(await page.getByTestId('text-check-signer').textContent()).toMatch(/Ledgerline ledger key/);
    expect(await page.getByTestId('text-check-actions').textContent()).toContain('compositeWithTrainedAlgorithmicMedia');
    expect(await page.getByTestId('text-check-review').textContent()).toContain('Ana Ruiz (editor)');
    const scan = await new AxeBuilder({ page }).analyze();
    expect(scan.violations.map((v) => v.id)).toEqual([]);

    await input.fill(copied.replace('Tuesday', 'Monday'));
    await page.getByTestId('text-check-button').click();
    await expect.poll(() => page.getByTestId('text-check-result').getAttribute('data-state'), { timeout: 60_000 }).toBe('changed');
    expect(await page.getByTestId('text-check-verdict').textContent()).toBe('The signature is valid, but the text was changed since it was signed.');
    expect(requested).toEqual([checker]);
    await page.context().close();
  });

  it('pasted (Ctrl+V) into every fixture editor: which keep the Content Credentials', async () => {
    const page = await browser.context.newPage();
    const seen: Record<string, Outcome> = {};
    const texts: Record<string, string> = {};
    for (const editor of EDITORS) {
      // The clipboard still holds what the audit page copied.
      const frame = await openEditor(page, fixtures.origin, editor);
      await placeCaret(page, frame, editor, 'end');
      await page.keyboard.press('Control+a');
      await page.keyboard.press('Delete');
      await expect.poll(() => modelText(page, editor), { timeout: 15_000 }).toBe('');
      await page.keyboard.press('Control+v');
      await expect.poll(async () => (await modelText(page, editor)).includes(OWN), { timeout: 15_000 }).toBe(true);
      // Editors apply a paste in steps: read the model until two reads agree.
      texts[editor.page] = await settled(() => modelText(page, editor));
      seen[editor.page] = await outcomeOf(texts[editor.page]!);
    }
    const describe = (text: string) => `${[...text].length} code points, ${[...text].filter((c) => c === '\uFEFF').length} U+FEFF, starts ${JSON.stringify([...text].slice(0, 120).join(''))}`;
    const differences = EDITORS.filter((e: EditorCase) => seen[e.page] !== EXPECTED[e.page]).map((e) => `${e.page}: ${seen[e.page]} (${describe(texts[e.page]!)}; copied: ${describe(copied)})`);
    expect(differences).toEqual([]);
    await page.close();
  });
});

async function settled(read: () => Promise<string>): Promise<string> {
  let last = await read();
  await expect
    .poll(
      async () => {
        const now = await read();
        const same = now === last;
        last = now;
        return same;
      },
      { timeout: 15_000, interval: 200 },
    )
    .toBe(true);
  return last;
}
