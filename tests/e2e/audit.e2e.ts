import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { resolve } from 'node:path';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import AxeBuilder from '@axe-core/playwright';
import type { Download, Page } from 'playwright-core';
import { openLedger } from '../../lib/ledger';
import { backupToJson, exportBackup } from '../../lib/ledger/backup';
import { auditFigures } from '../../lib/ledger/audit';
import { verifyReport } from '../../lib/ledger/report-verify';
import { makeAcceptance } from '../../lib/ledger/testing';
import { sentenceLabel } from '../../components/AuditSentenceCard';
import { startModelHost } from '../../scripts/model-host';
import { startStaticServer, type StaticServer } from '../../scripts/static-server';
import { TINY_MODEL_ID, TINY_MODEL_ROOT } from '../support/tiny-model';
import { launchExtension, runSuggestCommand, setSettings, type LaunchedExtension } from './support/browser';

/**
 * The audit, end to end: accept two suggestions in the demo page (each on its own line), edit one
 * by typing, open the audit page, paste the field's text and check every sentence's category and
 * percentage against the library run in Node on the same texts; export a report and verify it
 * outside the browser; back up, tamper, restore → refused with the entry that breaks.
 */
describe('audit page in Chromium', () => {
  let pages: StaticServer;
  let host: Awaited<ReturnType<typeof startModelHost>>;
  let browser: LaunchedExtension;
  let page: Page;
  let audit: Page;
  let fieldText = '';
  const inserted: string[] = [];

  beforeAll(async () => {
    pages = await startStaticServer(resolve('scripts/demo'));
    host = await startModelHost({ root: TINY_MODEL_ROOT });
    browser = await launchExtension();
    // Pause-to-suggest off: suggestions come only from the shortcut command, so typing never races an open panel.
    await setSettings(browser.worker, { modelHost: host.origin, modelId: TINY_MODEL_ID, pauseDelayMs: 0, variants: 2 });
    page = await browser.context.newPage();
    await page.goto(`${pages.origin}/index.html`);
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await pages?.close();
  });

  const story = () => page.locator('#story');
  const panelOpen = async () => (await page.getByTestId('suggestion-panel').count()) > 0;

  /** Ask for a suggestion at the caret (shortcut command), accept it with Tab; returns the inserted text. */
  async function acceptSuggestionAtEnd(): Promise<string> {
    const before = await story().inputValue();
    await story().focus();
    // The command goes to the most recently used tab; ask again until the panel shows.
    await expect
      .poll(
        async () => {
          if (!(await panelOpen())) await runSuggestCommand(browser.worker).catch(() => undefined);
          return panelOpen();
        },
        { timeout: 60_000, interval: 2000 },
      )
      .toBe(true);
    await page
      .getByTestId('accept-variant')
      .first()
      .waitFor({ state: 'visible', timeout: 120_000 })
      .catch(async (error: unknown) => {
        throw new Error(`no suggestion: panel says ${JSON.stringify(await page.getByTestId('suggestion-panel').innerText())}`, { cause: error });
      });
    // Streaming done: the status announces the suggestions, and Tab accepts.
    await expect.poll(() => page.getByTestId('panel-status').textContent(), { timeout: 60_000 }).toMatch(/Tab accepts/);
    await page.keyboard.press('Tab');
    await expect.poll(() => story().inputValue()).not.toBe(before);
    await expect.poll(panelOpen).toBe(false);
    const after = await story().inputValue();
    expect(after.startsWith(before)).toBe(true);
    return after.slice(before.length);
  }

  async function download(trigger: () => Promise<void>): Promise<string> {
    const [file] = await Promise.all([audit.waitForEvent('download') as Promise<Download>, trigger()]);
    return readFile((await file.path())!, 'utf8');
  }

  it('accepts two suggestions and edits one by typing', async () => {
    await story().click();
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Delete');
    // Each AI text starts its own line, so it is its own sentence (the tiny model writes lower case).
    await page.keyboard.type('Residents packed the hall to hear the vote.');
    await page.keyboard.press('Enter');
    inserted.push(await acceptSuggestionAtEnd());
    await page.keyboard.press('Enter');
    inserted.push(await acceptSuggestionAtEnd());
    for (const text of inserted) expect(text.trim().length).toBeGreaterThan(0);

    // Edit the second suggestion: one word typed into its middle.
    const value = await story().inputValue();
    const second = value.lastIndexOf(inserted[1]!.trimStart());
    const words = [...inserted[1]!.trimStart().matchAll(/\S+\s/g)];
    const caret = second + (words.length > 1 ? words[1]!.index! : 0);
    await story().evaluate((el: HTMLTextAreaElement, at: number) => el.setSelectionRange(at, at), caret);
    await page.keyboard.type('really ');
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('I wrote this closing line myself without help.');
    expect(await panelOpen()).toBe(false);
    fieldText = await story().inputValue();
    expect(fieldText).toContain('really ');
  });

  it('shows each sentence’s category and percentage, the AI share and human touch', async () => {
    // What the library says in Node for the same acceptances and text.
    const reference = openLedger({ name: 'e2e-reference', indexedDB: new IDBFactory(), IDBKeyRange });
    for (const text of inserted) await reference.append(makeAcceptance({ insertedText: text, suggestedText: text }));
    const expected = await reference.attribute(fieldText);
    reference.close();
    const kinds = expected.sentences.map((s) => s.kind);
    if (process.env.AUDIT_E2E_LOG) console.log(JSON.stringify(fieldText), expected.sentences.map((s) => [s.kind, s.changedRatio]));
    expect(kinds[0]).toBe('not-logged');
    expect(kinds[kinds.length - 1]).toBe('not-logged');
    expect(kinds).toContain('ai-verbatim');
    expect(kinds).toContain('ai-edited');

    audit = await browser.context.newPage();
    await audit.goto(`chrome-extension://${browser.extensionId}/audit.html`);
    const row = audit.getByTestId('audit-document').filter({ hasText: '/index.html#story' });
    await expect.poll(() => row.count()).toBe(1);
    await row.getByRole('button').click();
    await audit.getByLabel('Paste the document’s current text').fill(fieldText);
    await audit.getByTestId('audit-analyze').click();
    const rows = audit.getByTestId('audit-sentence-row');
    await expect.poll(() => rows.count()).toBe(expected.sentences.length);
    expect(await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-kind')))).toEqual(kinds);
    expect(await audit.getByTestId('audit-sentence-label').allTextContents()).toEqual(
      expected.sentences.map((s) => sentenceLabel({ kind: s.kind, changedRatio: s.changedRatio ?? null, estimated: !!s.estimated })),
    );
    const edited = expected.sentences.find((s) => s.kind === 'ai-edited')!;
    expect(edited.changedRatio).toBeGreaterThan(0);
    expect(await audit.getByTestId('audit-sentence-label').allTextContents()).toContain(
      `AI, human-edited (${Math.round(edited.changedRatio! * 100)}% of words changed)`,
    );
    const figures = auditFigures(expected.sentences);
    expect(await audit.getByTestId('audit-share').textContent()).toContain(`${figures.aiSentences} of ${figures.sentences} sentences`);
    // The AI's share of characters and the writer's add up to 100 %.
    const aiShare = Number(/, (\d+)% of characters/.exec((await audit.getByTestId('audit-share').textContent()) ?? '')![1]);
    expect(await audit.getByTestId('audit-human-touch').textContent()).toContain(`${100 - aiShare}%`);
    expect(await audit.getByTestId('audit-caveat').textContent()).toContain('not proof of human writing');
    // The word the writer typed into the AI's sentence is marked as the writer's, the rest as the AI's.
    const editedSentence = audit.locator('[data-testid="audit-sentence"][data-kind="ai-edited"]').first();
    expect((await editedSentence.locator('.writer-part').allTextContents()).join('')).toContain('really');
    expect((await editedSentence.locator('.ai-part').allTextContents()).join('')).not.toContain('really');
    await editedSentence.focus();
    await expect.poll(() => editedSentence.getByTestId('card-ai-part').isVisible()).toBe(true);
    expect(await editedSentence.getByTestId('card-ai-part').textContent()).toMatch(/^The AI's words: .+ \(\d+% of the sentence's characters; the rest is the writer's\)$/);

    // Keyboard: tabbing to a highlighted sentence shows its card (model, action, original suggestion).
    const firstAi = audit.locator('[data-testid="audit-sentence"][data-kind="ai-verbatim"]').first();
    await firstAi.focus();
    const card = firstAi.getByRole('tooltip');
    await expect.poll(() => card.isVisible()).toBe(true);
    const cardText = (await card.textContent()) ?? '';
    expect(cardText).toContain(TINY_MODEL_ID);
    expect(cardText).toContain('Action: continue');
    expect(cardText).toContain('Suggested:');

    // Accessibility: no serious or critical axe findings with the result shown.
    const scan = await new AxeBuilder({ page: audit }).analyze();
    expect(scan.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    // README screenshot: the audited draft with its hover card open.
    await audit.screenshot({ path: resolve('docs/screenshots/audit.png'), fullPage: true });

    // The list now shows the document's AI share from this audit.
    await audit.reload();
    await expect
      .poll(() => audit.getByTestId('audit-document-share').first().textContent())
      .toContain(`${figures.aiSentences} of ${figures.sentences} sentences`);
  });

  it('verifies the ledger and exports a report that verifies outside the browser', async () => {
    await audit.getByTestId('audit-verify').click();
    await expect.poll(() => audit.getByTestId('audit-verify-result').textContent()).toMatch(/^Verified: 2 entries, signed head #2/);

    await audit.getByLabel('Paste the document’s current text').fill(fieldText);
    const json = await download(() => audit.getByTestId('audit-export-json').click());
    const report = JSON.parse(json);
    const result = await verifyReport(report);
    expect(result.problems).toEqual([]);
    expect(report.actions).toHaveLength(2);
    expect(report.document.digitalSourceType).toBe('http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia');
    expect(await audit.getByTestId('audit-statement').textContent()).toMatch(/^\d+ AI-assisted sentences? (has|have) not been reviewed by an editor\. \d+ of \d+ sentences/);
    const csv = await download(() => audit.getByTestId('audit-export-csv').click());
    expect(csv.split('\r\n')[0]).toContain('category');
    const html = await download(() => audit.getByTestId('audit-export-html').click());
    expect(html).toContain('<section class="ai-disclosure"');

    // The command-line verifier accepts the file the extension wrote.
    const path = resolve('.output/e2e-report.json');
    await import('node:fs/promises').then((fs) => fs.writeFile(path, json));
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'scripts/verify-report.ts', path]);
    expect(stdout).toMatch(/^VERIFIED/);
  });

  it('backs up, refuses a tampered backup with the entry that breaks, and imports nothing', async () => {
    const backup = await download(() => audit.getByTestId('audit-backup').click());
    const parsed = JSON.parse(backup);
    expect(parsed.entries).toHaveLength(2);
    const tampered = structuredClone(parsed);
    tampered.entries[1].insertedText = `${tampered.entries[1].insertedText} (changed)`;
    await audit.getByLabel('Replace this browser’s ledger with the backup', { exact: false }).check();
    await audit.getByLabel('Restore from a backup file').setInputFiles({
      name: 'tampered.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(tampered)),
    });
    await expect
      .poll(() => audit.getByTestId('audit-notice').textContent())
      .toBe('Backup refused: entry 2 does not verify (entry content does not match its hash). Nothing was imported.');
    await audit.getByTestId('audit-verify').click();
    await expect.poll(() => audit.getByTestId('audit-verify-result').textContent()).toMatch(/^Verified: 2 entries/);

    // The untampered file is this ledger: nothing to replace, nothing asked.
    await audit.getByLabel('Restore from a backup file').setInputFiles({
      name: 'backup.json',
      mimeType: 'application/json',
      buffer: Buffer.from(backup),
    });
    await expect.poll(() => audit.getByTestId('audit-notice').textContent()).toBe('This ledger already holds everything in the backup.');
    expect(await audit.getByTestId('audit-replace-confirm').count()).toBe(0);
  });

  it('a backup signed by another key replaces the ledger only after the writer saw whose it is, and archives this one', async () => {
    // A ledger made elsewhere, with a key this browser never had.
    const elsewhere = openLedger({ name: 'elsewhere', indexedDB: new IDBFactory(), IDBKeyRange });
    await elsewhere.append(makeAcceptance({ insertedText: 'A sentence accepted in another browser entirely.' }));
    const foreign = backupToJson(await exportBackup(elsewhere, { extensionVersion: '0.1.0' }));
    const foreignKey = (await elsewhere.publicKey()).keyId;
    elsewhere.close();

    await audit.getByLabel('Replace this browser’s ledger with the backup', { exact: false }).check();
    await audit.getByLabel('Restore from a backup file').setInputFiles({ name: 'foreign.json', mimeType: 'application/json', buffer: Buffer.from(foreign) });
    const confirm = audit.getByTestId('audit-replace-confirm');
    await confirm.waitFor({ state: 'visible' });
    expect(await confirm.textContent()).toContain(`signed by key ${foreignKey.slice(0, 16)}`);
    expect(await audit.getByTestId('audit-replace-foreign-key').textContent()).toMatch(/not one this browser has/);
    expect(await confirm.textContent()).toContain('This browser’s ledger (2 entries) is not deleted');
    const scan = await new AxeBuilder({ page: audit }).include('[data-testid="audit-replace-confirm"]').analyze();
    expect(scan.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

    // Cancel first: nothing changes.
    await audit.getByRole('button', { name: 'Cancel' }).click();
    await audit.getByTestId('audit-verify').click();
    await expect.poll(() => audit.getByTestId('audit-verify-result').textContent()).toMatch(/^Verified: 2 entries/);

    // Then confirm: the backup's ledger is in, this browser's is archived and exports whole.
    await audit.getByLabel('Restore from a backup file').setInputFiles({ name: 'foreign.json', mimeType: 'application/json', buffer: Buffer.from(foreign) });
    await audit.getByTestId('audit-replace-confirm-button').click();
    await expect.poll(() => audit.getByTestId('audit-notice').textContent()).toBe('Restored: 1 entry. The previous ledger (entries: 2) is archived below.');
    await audit.getByTestId('audit-verify').click();
    await expect.poll(() => audit.getByTestId('audit-verify-result').textContent()).toMatch(/^Verified: 1 entr/);
    await expect.poll(() => audit.getByTestId('audit-archive-export').count()).toBe(1);
    const archived = JSON.parse(await download(() => audit.getByTestId('audit-archive-export').click()));
    expect(archived.entries).toHaveLength(2);
    expect(archived.head.seq).toBe(2);
  });
});
