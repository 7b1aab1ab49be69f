import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { openLedger } from '../../lib/ledger';
import { backupToJson, exportBackup } from '../../lib/ledger/backup';
import { makeAcceptance } from '../../lib/ledger/testing';
import { launchExtension, type LaunchedExtension } from './support/browser';

/**
 * Every extension page is readable in the light and the dark scheme (#14): axe finds no
 * contrast failure (nor any other serious one), with the audit showing an analysis, its
 * disclosure statement and a verified ledger, the views a writer or editor reads most.
 */
const SCREENSHOTS = resolve('docs/screenshots');
const FERRY = 'The harbour authority approved the new ferry timetable on Monday evening.';
const OWN = 'Passengers on the early boat were not told in advance.';
const SCHEMES = ['light', 'dark'] as const;

describe('extension pages in the light and dark colour schemes', () => {
  let browser: LaunchedExtension;

  beforeAll(async () => {
    browser = await launchExtension();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function seriousFindings(page: Page): Promise<string[]> {
    const scan = await new AxeBuilder({ page }).analyze();
    return scan.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  }

  async function checkBothSchemes(page: Page, name: string): Promise<void> {
    for (const scheme of SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme });
      // The page really switched: its background follows the scheme.
      const dark = await page.evaluate(() => window.matchMedia('(prefers-color-scheme: dark)').matches);
      expect(dark, `${name} ${scheme}`).toBe(scheme === 'dark');
      expect(await seriousFindings(page), `${name} in the ${scheme} scheme`).toEqual([]);
      if (scheme === 'dark') await page.screenshot({ path: `${SCREENSHOTS}/dark-${name}.png`, fullPage: true });
    }
  }

  it.each(['popup', 'options', 'onboarding'])('%s', async (name) => {
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/${name}.html`);
    await page.locator('h1').waitFor();
    await checkBothSchemes(page, name);
    await page.close();
  });

  it('the audit with an analysis, its statement and a verified ledger', async () => {
    const earlier = openLedger({ name: 'schemes', indexedDB: new IDBFactory(), IDBKeyRange });
    const field = { origin: 'https://news.example.com', path: '/wp-admin/post.php?post=7&action=edit', fieldId: 'content' };
    await earlier.append(makeAcceptance({ document: field, pageTitle: 'Ferry timetable', insertedText: FERRY }));
    const backup = backupToJson(await exportBackup(earlier, { extensionVersion: '0.1.0' }));
    earlier.close();

    const audit = await browser.context.newPage();
    await audit.goto(`chrome-extension://${browser.extensionId}/audit.html`);
    await audit.getByLabel('Restore from a backup file').setInputFiles({ name: 'backup.json', mimeType: 'application/json', buffer: Buffer.from(backup) });
    await expect.poll(() => audit.getByTestId('audit-notice').textContent()).toMatch(/^Restored 1 entry \(/);
    await audit.getByTestId('audit-document').first().getByRole('button').click();
    await audit.getByLabel('Paste the document’s current text').fill(`${FERRY} ${OWN}`);
    await audit.getByTestId('audit-analyze').click();
    await expect.poll(() => audit.getByTestId('audit-sentence').count()).toBe(2);
    // The reader statement is shown once a report is exported.
    await Promise.all([audit.waitForEvent('download'), audit.getByTestId('audit-export-json').click()]);
    await expect.poll(() => audit.getByTestId('audit-statement').isVisible()).toBe(true);
    await audit.getByTestId('audit-verify').click();
    await expect.poll(() => audit.getByTestId('audit-verify-result').textContent()).toMatch(/^Verified: 1 entry, /);
    await checkBothSchemes(audit, 'audit');
    await audit.close();
  });
});
