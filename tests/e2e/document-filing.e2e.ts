import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import AxeBuilder from '@axe-core/playwright';
import type { Download, Page } from 'playwright-core';
import { openLedger } from '../../lib/ledger';
import { backupToJson, exportBackup } from '../../lib/ledger/backup';
import { documentKeyOf } from '../../lib/ledger/document-key';
import { verifyReport } from '../../lib/ledger/report-verify';
import { makeAcceptance } from '../../lib/ledger/testing';
import { launchExtension, type LaunchedExtension } from './support/browser';

/**
 * The audit page as an editor uses it. Correcting which document a text belongs to (#11): a
 * ledger kept by the earlier key rule filed two WordPress posts under one page-wide document. The
 * page says so; the writer moves one story's acceptance to that story's document with the
 * keyboard; the list, the reports of both stories and the verifier follow, and the chain is
 * appended to, not rewritten. Then an editor records a review of the story (#12), and a sentence
 * changed afterwards shows as not reviewed.
 */
const origin = 'https://news.example.com';
const legacyField = { origin, path: '/wp-admin/post.php', fieldId: 'content' };
const LEGACY = documentKeyOf(legacyField);
const STORY_202 = documentKeyOf({ origin, path: '/wp-admin/post.php?post=202&action=edit', fieldId: 'content' });
const FERRY = 'The harbour authority approved the new ferry timetable on Monday evening.';
const FLOODS = 'Residents of the lower town were told to move their cars before the river crested.';
const GAUGE = 'The gauge at the old bridge read four metres at noon.';

describe('the audit page: refiling acceptances and recording a review', () => {
  let browser: LaunchedExtension;
  let audit: Page;
  let earlierBackup = '';

  beforeAll(async () => {
    // What an earlier version left: both posts' acceptances under the page-wide key, and a
    // later acceptance in post 202 under its own story key.
    const earlier = openLedger({ name: 'earlier', indexedDB: new IDBFactory(), IDBKeyRange });
    await earlier.append(makeAcceptance({ document: legacyField, pageTitle: 'Ferry timetable', insertedText: FERRY }));
    await earlier.append(makeAcceptance({ document: legacyField, pageTitle: 'Flood warning', insertedText: FLOODS }));
    await earlier.append(
      makeAcceptance({ document: { origin, path: '/wp-admin/post.php?post=202&action=edit', fieldId: 'content' }, pageTitle: 'Flood warning', insertedText: GAUGE }),
    );
    const backup = backupToJson(await exportBackup(earlier, { extensionVersion: '0.1.0' }));
    earlier.close();

    browser = await launchExtension();
    audit = await browser.context.newPage();
    await audit.goto(`chrome-extension://${browser.extensionId}/audit.html`);
    earlierBackup = backup;
  });

  afterAll(async () => {
    await browser?.close();
  });

  const row = (key: string) => audit.getByTestId('audit-document').filter({ has: audit.locator('.key', { hasText: new RegExp(`^${key.replace(/[.?*+^$()[\]{}|\\]/g, '\\$&')}$`) }) });

  async function download(trigger: () => Promise<void>): Promise<string> {
    const [file] = await Promise.all([audit.waitForEvent('download') as Promise<Download>, trigger()]);
    return readFile((await file.path())!, 'utf8');
  }

  it('says the page-wide document may hold several stories and lists its acceptances', async () => {
    await audit.getByLabel('Restore from a backup file').setInputFiles({ name: 'backup.json', mimeType: 'application/json', buffer: Buffer.from(earlierBackup) });
    await expect.poll(() => audit.getByTestId('audit-notice').textContent()).toMatch(/^Restored 3 entries/);
    await expect.poll(() => row(LEGACY).count()).toBe(1);
    await row(LEGACY).getByRole('button').click();
    await expect.poll(() => audit.getByTestId('audit-filing-entry').count()).toBe(2);
    expect(await audit.getByTestId('audit-filing-page-wide').textContent()).toMatch(/may hold text from several stories\. Documents of single stories of this page exist now \(1\)/);
    expect(await audit.getByTestId('audit-filing-entry').allTextContents()).toEqual([expect.stringContaining(FERRY), expect.stringContaining(FLOODS)]);
    const scan = await new AxeBuilder({ page: audit }).include('[data-testid="audit-filing"]').analyze();
    expect(scan.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  });

  it("moves one story's acceptance to its own document with the keyboard alone", async () => {
    // The story of this page is offered first.
    expect(await audit.getByTestId('audit-filing-target').inputValue()).toBe(STORY_202);
    await audit.getByTestId('audit-filing-entry').filter({ hasText: FLOODS }).getByRole('checkbox').focus();
    await audit.keyboard.press('Space');
    await audit.getByTestId('audit-filing-move').focus();
    await audit.keyboard.press('Enter');
    await expect.poll(() => audit.getByTestId('audit-notice').textContent()).toBe('Moved 1 accepted suggestion to “Flood warning”.');
    await expect.poll(() => audit.getByTestId('audit-filing-entry').count()).toBe(1);
    expect(await row(LEGACY).locator('td').first().textContent()).toBe('1');
    expect(await row(STORY_202).locator('td').first().textContent()).toBe('2');

    await row(STORY_202).getByRole('button').click();
    await expect.poll(() => audit.getByTestId('audit-filing-entry').count()).toBe(2);
    expect(await audit.getByTestId('audit-filing-entry').filter({ hasText: FLOODS }).textContent()).toContain(`moved here from ${LEGACY}`);
  });

  it("each story's report counts its own text only and verifies; the chain was appended to", async () => {
    await audit.getByLabel('Paste the document’s current text').fill(`${FLOODS} ${GAUGE}`);
    const story = JSON.parse(await download(() => audit.getByTestId('audit-export-json').click()));
    expect((await verifyReport(story)).problems).toEqual([]);
    expect(story.summary.entries).toBe(2);
    expect(story.text.sentences.map((s: { category: string }) => s.category)).toEqual(['ai-verbatim', 'ai-verbatim']);
    expect(story.summary.moved).toMatchObject([{ direction: 'in', peer: LEGACY, entries: [2], reason: 'refile' }]);
    expect(JSON.stringify(story)).not.toContain(FERRY);
    expect(await audit.getByTestId('audit-statement').textContent()).toContain('1 accepted suggestion was refiled into this document from another');

    await row(LEGACY).getByRole('button').click();
    await audit.getByLabel('Paste the document’s current text').fill(`${FERRY} ${FLOODS}`);
    const legacy = JSON.parse(await download(() => audit.getByTestId('audit-export-json').click()));
    expect((await verifyReport(legacy)).problems).toEqual([]);
    expect(legacy.summary.entries).toBe(1);
    expect(legacy.text.sentences.map((s: { category: string }) => s.category)).toEqual(['ai-verbatim', 'not-logged']);

    await audit.getByTestId('audit-verify').click();
    await expect.poll(() => audit.getByTestId('audit-verify-result').textContent()).toMatch(/^Verified: 5 entries, signed head #5/);
  });

  it("an editor records a review of the story's AI sentences; one changed afterwards shows as not reviewed", async () => {
    await row(STORY_202).getByRole('button').click();
    const text = `${FLOODS} ${GAUGE}`;
    await audit.getByLabel('Paste the document’s current text').fill(text);
    await audit.getByTestId('audit-analyze').click();
    await expect.poll(() => audit.getByTestId('audit-sentence-review').allTextContents()).toEqual(['Not reviewed', 'Not reviewed']);
    const form = audit.getByTestId('audit-review');
    expect(await form.textContent()).toContain('A spelling check or a skim is not a review.');
    await audit.getByLabel('Reviewer’s name').fill('Ana Ruiz');
    await audit.getByLabel('Role (e.g. editor on duty)').fill('editor on duty');
    await audit.getByLabel('Decision on sentence 2').selectOption('amended');
    await audit.getByTestId('audit-review-submit').focus();
    await audit.keyboard.press('Enter');
    await expect.poll(() => audit.getByTestId('audit-notice').textContent()).toMatch(/^Review recorded \(entry #6\) for 2 AI-assisted sentence/);
    const labels = await audit.getByTestId('audit-sentence-review').allTextContents();
    expect(labels[0]).toMatch(/^Checked, kept — Ana Ruiz \(editor on duty\), /);
    expect(labels[1]).toMatch(/^Checked, amended — Ana Ruiz/);
    const scan = await new AxeBuilder({ page: audit }).include('[data-testid="audit-review"]').analyze();
    expect(scan.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

    // The writer changes one AI sentence after the review.
    const changed = text.replace('four metres', 'four and a half metres');
    await audit.getByLabel('Paste the document’s current text').fill(changed);
    await audit.getByTestId('audit-analyze').click();
    await expect.poll(async () => (await audit.getByTestId('audit-sentence-review').allTextContents())[1]).toBe('Not reviewed');
    const report = JSON.parse(await download(() => audit.getByTestId('audit-export-json').click()));
    expect((await verifyReport(report)).problems).toEqual([]);
    expect(report.disclosure.statement).toMatch(/^1 AI-assisted sentence has not been reviewed by an editor\. /);
    expect(report.disclosure.statement).toContain('Reviewed by Ana Ruiz (editor on duty)');
    // The reviewer is remembered in this browser for the next review.
    await audit.reload();
    await row(STORY_202).getByRole('button').click();
    await audit.getByLabel('Paste the document’s current text').fill(changed);
    await audit.getByTestId('audit-analyze').click();
    await expect.poll(() => audit.getByLabel('Reviewer’s name').inputValue()).toBe('Ana Ruiz');
  });
});
