import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Download, type Page } from 'playwright-core';
import { backupToJson, exportBackup } from '../../lib/ledger/backup';
import { CSV_DOCUMENT_COLUMNS, type DocumentReport } from '../../lib/ledger/report';
import { verifyReport } from '../../lib/ledger/report-verify';
import { FERRY, STORY_TEXT, STORY_TITLE, storyLedger } from '../support/report-fixtures';
import { CHROMIUM_PATH, launchExtension, type LaunchedExtension } from './support/browser';

/**
 * A report any editor can open (#12): the audit page exports a story's report, its CSV and the
 * offline report checker, named after the story and the day. The checker, opened from disk in a
 * plain Chromium without the extension and without any network, says "Verified" and shows the
 * text, the shares and the review; one changed byte makes it say "Not verified" and exactly which
 * checks failed on which entry, the same as the command line's verifier. The audit page checks a
 * dropped report the same way.
 */
describe('the report checker', () => {
  let browser: LaunchedExtension;
  let audit: Page;
  let plain: Browser;
  let dir: string;
  let reportJson = '';
  let reportName = '';
  let checkerPath = '';
  let storyBackup = '';

  beforeAll(async () => {
    const story = await storyLedger('report-checker-e2e');
    const backup = backupToJson(await exportBackup(story.ledger, { extensionVersion: '0.1.0' }));
    story.ledger.close();
    dir = await mkdtemp(join(tmpdir(), 'ledgerline-report-checker-'));
    browser = await launchExtension();
    audit = await browser.context.newPage();
    await audit.goto(`chrome-extension://${browser.extensionId}/audit.html`);
    storyBackup = backup;
    plain = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true });
  });

  afterAll(async () => {
    await plain?.close();
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function download(trigger: () => Promise<void>): Promise<{ name: string; path: string; text: string }> {
    const [file] = await Promise.all([audit.waitForEvent('download') as Promise<Download>, trigger()]);
    const path = join(dir, file.suggestedFilename());
    await file.saveAs(path);
    return { name: file.suggestedFilename(), path, text: await readFile(path, 'utf8') };
  }

  /** The failures the page lists, as check (and entry). */
  async function shownFailures(page: Page): Promise<string[]> {
    const items = page.getByTestId('report-failure');
    const out: string[] = [];
    for (let i = 0; i < (await items.count()); i++) {
      const item = items.nth(i);
      const entry = await item.getAttribute('data-entry');
      out.push(`${await item.getAttribute('data-check')}${entry ? ` @${entry}` : ''}`);
    }
    return out;
  }

  /** What the command line's verifier says about the same bytes, in the same form. */
  async function cliFailures(text: string): Promise<string[]> {
    return (await verifyReport(JSON.parse(text))).failures.map((f) => `${f.check}${f.entry !== null ? ` @${f.entry}` : ''}`);
  }

  /** The report with one byte changed: the first byte of `word`'s first or last appearance. */
  function flipped(text: string, word: string, occurrence: 'first' | 'last'): string {
    const at = occurrence === 'first' ? text.indexOf(word) : text.lastIndexOf(word);
    expect(at).toBeGreaterThan(0);
    const bytes = Buffer.from(text);
    const byteAt = Buffer.byteLength(text.slice(0, at));
    bytes[byteAt] = bytes[byteAt]! ^ 0x01;
    return bytes.toString('utf8');
  }

  it('exports the report, its CSV and the checker, named after the story and the day', async () => {
    // The story's ledger, made in Node (with an editor's review), restored into this browser.
    await audit.getByLabel('Restore from a backup file').setInputFiles({ name: 'backup.json', mimeType: 'application/json', buffer: Buffer.from(storyBackup) });
    await expect.poll(() => audit.getByTestId('audit-notice').textContent()).toMatch(/^Restored 4 entries/);
    await audit.getByTestId('audit-document').filter({ hasText: STORY_TITLE }).getByRole('button').click();
    await audit.getByLabel('Paste the document’s current text').fill(STORY_TEXT);
    const day = new Date().toISOString().slice(0, 10);
    const json = await download(() => audit.getByTestId('audit-export-json').click());
    expect(json.name).toBe(`ferry-timetable-what-changes-on-monday-${day}.ledgerline-report.json`);
    reportJson = json.text;
    reportName = json.name;
    const report = JSON.parse(reportJson) as DocumentReport;
    expect((await verifyReport(report)).problems).toEqual([]);
    // The short line first, plain; the detail with the record's machinery under it.
    expect(await audit.getByTestId('audit-statement-line').textContent()).toBe(
      'In this story, we used Ledgerline, an on-device AI writing assistant, to help draft and rephrase 3 of 4 sentences. Ana Ruiz (editor on duty) reviewed them.',
    );
    expect(await audit.getByTestId('audit-statement').textContent()).toMatch(/hash-chained and signed \(key [0-9a-f]{16}\)/);

    const csv = await download(() => audit.getByTestId('audit-export-csv').click());
    expect(csv.name).toBe(`ferry-timetable-what-changes-on-monday-${day}.ledgerline-report.csv`);
    const [header, first] = csv.text.split('\r\n');
    expect(header!.endsWith(`,text,${CSV_DOCUMENT_COLUMNS.join(',')}`)).toBe(true);
    expect(first!.startsWith('1,0,')).toBe(true);
    expect(first!.endsWith(`,${STORY_TITLE},https://news.example.com/wp-admin/post.php?post=202,${report.document.key},${report.signature.keyId}`)).toBe(true);

    const checker = await download(() => audit.getByTestId('audit-export-verifier').click());
    expect(checker.name).toBe(`ferry-timetable-what-changes-on-monday-${day}.ledgerline-verifier.html`);
    expect(checker.text).toMatch(/^<!doctype html>/);
    checkerPath = checker.path;
  });

  it('opened from disk in a plain browser, says Verified and shows the text, the shares and the review, loading nothing', async () => {
    // A context of its own (axe needs one), with no extension in this browser.
    const page = await (await plain.newContext()).newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(pathToFileURL(checkerPath).href);
    // file:// is a secure context in Chromium: WebCrypto (with Ed25519) is there.
    expect(await page.evaluate(() => ({ secure: window.isSecureContext, subtle: typeof crypto.subtle?.verify }))).toEqual({ secure: true, subtle: 'function' });
    await page.getByLabel('Choose a report file').setInputFiles({ name: reportName, mimeType: 'application/json', buffer: Buffer.from(reportJson) });
    await expect.poll(() => page.getByTestId('report-verdict').textContent()).toBe('Verified');
    expect(await page.getByTestId('report-failure').count()).toBe(0);
    const report = JSON.parse(reportJson) as DocumentReport;
    expect(await page.getByTestId('report-key-id').textContent()).toBe(report.signature.keyId);
    expect(await page.getByTestId('report-key-self-issued').textContent()).toMatch(/^The report carries this key itself/);
    expect(await page.getByTestId('report-line').textContent()).toBe(report.disclosure.line);
    expect(await page.getByTestId('report-sentence').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))).toEqual([
      'ai-verbatim',
      'not-logged',
      'ai-edited',
      'ai-rewrite',
    ]);
    expect(await page.getByTestId('report-text').locator('.ai-part').first().textContent()).toBe(FERRY);
    expect(await page.getByTestId('report-share').textContent()).toMatch(/^AI share: 3 of 4 sentences \(75%\)/);
    expect(await page.getByTestId('report-review').allTextContents()).toEqual([expect.stringMatching(/^Ana Ruiz \(editor on duty\) on .+: 3 sentences seen, 2 kept, 1 amended, 0 rejected\. Note: Checked the dates\.$/)]);
    expect(await page.getByTestId('report-review-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-reviewed')))).toEqual(['yes', 'yes', 'yes']);
    const scan = await new AxeBuilder({ page }).analyze();
    expect(scan.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    expect(requested).toEqual([pathToFileURL(checkerPath).href]);
    // The editor compares the key with the one the newsroom keeps for the writer.
    const verdict = page.getByTestId('report-expected-key-verdict');
    await page.getByLabel('Key id your newsroom keeps for this writer (optional)').fill('0123 4567 89ab cdef');
    await expect.poll(() => verdict.getAttribute('data-verdict')).toBe('mismatch');
    expect(await verdict.textContent()).toBe('Does not match: another key signed this report. Ask the writer before you rely on it.');
    await page.context().close();

    // A newsroom's link to the checker names the writer's key: the verdict comes with the report.
    const linked = await (await plain.newContext()).newPage();
    await linked.goto(`${pathToFileURL(checkerPath).href}#key=${report.signature.keyId.slice(0, 16)}`);
    await linked.getByLabel('Choose a report file').setInputFiles({ name: reportName, mimeType: 'application/json', buffer: Buffer.from(reportJson) });
    await expect.poll(() => linked.getByTestId('report-expected-key-verdict').getAttribute('data-verdict')).toBe('match');
    await linked.context().close();
  });

  it('one flipped byte: Not verified, with exactly the checks and entry that failed', async () => {
    const page = await (await plain.newContext()).newPage();
    await page.goto(pathToFileURL(checkerPath).href);
    // The last appearance of the sentence is in its ledger entry (entry 1): its hash breaks.
    const inEntry = flipped(reportJson, FERRY, 'last');
    await page.getByLabel('Choose a report file').setInputFiles({ name: 'changed.json', mimeType: 'application/json', buffer: Buffer.from(inEntry) });
    await expect.poll(() => page.getByTestId('report-verdict').textContent()).toBe('Not verified');
    expect(await shownFailures(page)).toEqual(['report-signature', 'entry-hash @1']);
    expect(await shownFailures(page)).toEqual(await cliFailures(inEntry));
    expect(await page.getByTestId('report-failure').nth(1).textContent()).toBe('Hash of an entry — entry 1: chain breaks at entry 1: entry content does not match its hash');
    expect(await page.getByRole('heading', { name: 'What the file claims (not verified)' }).count()).toBe(1);

    // The first appearance is in the text: the signature and every figure that follows from it.
    const inText = flipped(reportJson, FERRY, 'first');
    await page.getByLabel('Choose a report file').setInputFiles({ name: 'changed-text.json', mimeType: 'application/json', buffer: Buffer.from(inText) });
    await expect.poll(() => shownFailures(page)).toEqual(await cliFailures(inText));
    expect((await shownFailures(page))[0]).toBe('report-signature');
    expect(await shownFailures(page)).toContain('text');
    const scan = await new AxeBuilder({ page }).analyze();
    expect(scan.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

    // Not JSON at all: said plainly.
    await page.getByLabel('Choose a report file').setInputFiles({ name: 'cut.json', mimeType: 'application/json', buffer: Buffer.from(reportJson.slice(0, 500)) });
    await expect.poll(() => page.getByTestId('report-unreadable').textContent()).toMatch(/^cut\.json cannot be read as a report: not JSON/);
    await page.context().close();
  });

  it('the audit page checks a dropped report, and a picked one, the same way', async () => {
    const changed = flipped(reportJson, FERRY, 'last');
    const zone = audit.getByTestId('report-drop');
    await zone.scrollIntoViewIfNeeded();
    const dataTransfer = await audit.evaluateHandle((text) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], 'dropped.json', { type: 'application/json' }));
      return transfer;
    }, changed);
    await zone.dispatchEvent('dragover', { dataTransfer });
    await zone.dispatchEvent('drop', { dataTransfer });
    await expect.poll(() => audit.getByTestId('report-verdict').textContent()).toBe('Not verified');
    expect(await shownFailures(audit)).toEqual(['report-signature', 'entry-hash @1']);
    await audit.getByLabel('Choose a report file').setInputFiles({ name: reportName, mimeType: 'application/json', buffer: Buffer.from(reportJson) });
    await expect.poll(() => audit.getByTestId('report-verdict').textContent()).toBe('Verified');
    expect(await audit.getByTestId('report-line').textContent()).toBe((JSON.parse(reportJson) as DocumentReport).disclosure.line);
    const scan = await new AxeBuilder({ page: audit }).include('[data-testid="report-check"]').include('section[aria-labelledby="export-heading"]').analyze();
    expect(scan.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });

  it('the checker file is what the build put in the extension, unchanged', async () => {
    const shipped = await audit.evaluate(async () => (await fetch('/report-verifier.html')).text());
    expect(shipped).toBe(await readFile(checkerPath, 'utf8'));
  });
});
