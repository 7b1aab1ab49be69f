// @vitest-environment happy-dom
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { h, render } from 'preact';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { ReportVerification } from '../../components/ReportVerification';
import { openLedger } from '../../lib/ledger';
import { buildDocumentReport } from '../../lib/ledger/report';
import { checkReportFile, type ReportFileCheck } from '../../lib/ledger/report-file';
import { makeAcceptance } from '../../lib/ledger/testing';
import { storyLedger, STORY_TEXT, WAITS_EDITED, type StoryLedger } from '../support/report-fixtures';

/**
 * The report view as an editor reads it (props in, the DOM out): unreviewed AI text first; a
 * report without text lists the logged sentences, and says which were kept as hashes only
 * (privacy mode); a file that is not a report says so and shows none of its contents.
 */
let story: StoryLedger;
beforeAll(async () => {
  story = await storyLedger('report-view');
});
afterAll(() => story.ledger.close());

function draw(result: ReportFileCheck | null, checking: string | null = null, expectedKeyId?: string): HTMLElement {
  const root = document.createElement('div');
  render(h(ReportVerification, { result, checking, onFile: () => undefined, headingLevel: 2, expectedKeyId }), root);
  return root;
}
const all = (root: HTMLElement, id: string) => [...root.querySelectorAll(`[data-testid="${id}"]`)];
const one = (root: HTMLElement, id: string) => root.querySelector(`[data-testid="${id}"]`)?.textContent ?? null;

describe('report view', () => {
  it('lists AI sentences no review saw first', async () => {
    // The edited sentence changed again after the review: it is not reviewed any more.
    const later = await buildDocumentReport(story.ledger, story.documentKey, {
      text: STORY_TEXT.replace(WAITS_EDITED, WAITS_EDITED.replace('most', 'many')),
      extensionVersion: '0.1.0',
    });
    const root = draw(await checkReportFile('later.json', JSON.stringify(later)));
    expect(one(root, 'report-verdict')).toBe('Verified');
    expect(all(root, 'report-review-row').map((row) => [row.getAttribute('data-reviewed'), row.firstElementChild?.textContent])).toEqual([
      ['no', '3'],
      ['yes', '1'],
      ['yes', '4'],
    ]);
    expect(one(root, 'report-line')).toMatch(/ 1 of them has not been reviewed by an editor yet\.$/);
  });

  it('without text, lists the logged sentences; privacy mode shows their hashes and says so', async () => {
    const ledger = openLedger({ name: 'report-view-privacy', indexedDB: new IDBFactory(), IDBKeyRange });
    await ledger.append(makeAcceptance({ insertedText: 'A sentence kept as text.' }));
    const hidden = await ledger.append(makeAcceptance({ insertedText: 'A sentence kept as a hash only.' }), { privacyMode: true });
    const key = hidden.documentKey;
    const report = await buildDocumentReport(ledger, key, { extensionVersion: '0.1.0' });
    ledger.close();
    const root = draw(await checkReportFile('bare.json', JSON.stringify(report)));
    expect(one(root, 'report-verdict')).toBe('Verified');
    expect(one(root, 'report-no-text')).toMatch(/no document text.*privacy mode only a sentence’s hash is kept/);
    const logged = all(root, 'report-logged-sentence').map((li) => li.textContent);
    expect(logged[0]).toMatch(/^Entry 1 \(continue, .+\): A sentence kept as text\.$/);
    expect(logged[1]).toBe(`Entry 2 (continue, ${new Date(hidden.acceptedAt).toLocaleString()}): privacy mode, only its hash is recorded: ${hidden.sentences[0]!.normalizedHash}`);
    expect(JSON.stringify(report)).not.toContain('kept as a hash only');
    expect(one(root, 'report-no-reviews')).toBe('No editor review is recorded.');
  });

  it('a file that is not a report: not verified, the reason, and none of its contents', async () => {
    const root = draw(await checkReportFile('notes.json', JSON.stringify({ format: 'ledgerline.report.v1', text: 'x' })));
    expect(one(root, 'report-verdict')).toBe('Not verified');
    expect(all(root, 'report-failure').map((li) => li.getAttribute('data-check'))).toEqual(expect.arrayContaining(['shape']));
    expect(all(root, 'report-claims')).toHaveLength(0);
    const cut = draw(await checkReportFile('cut.json', '{"format": "ledger'));
    expect(one(cut, 'report-unreadable')).toMatch(/^cut\.json cannot be read as a report: not JSON/);
  });

  it('a changed file whose facts cannot be drawn says so instead of a blank page', async () => {
    const broken = structuredClone(story.report) as unknown as { text: { sentences: unknown } };
    broken.text.sentences = 'not a list';
    const root = draw(await checkReportFile('broken.json', JSON.stringify(broken)));
    expect(one(root, 'report-verdict')).toBe('Not verified');
    // The boundary redraws on Preact's next render tick.
    await expect.poll(() => one(root, 'report-claims-unreadable')).toBe('The file’s contents cannot be shown: they are not shaped like a report’s.');
  });

  it('compares the signing key with the one the newsroom keeps, as the editor types it or the link names it', async () => {
    const report = await buildDocumentReport(story.ledger, story.documentKey, { text: STORY_TEXT, extensionVersion: '0.1.0' });
    const check = await checkReportFile('story.json', JSON.stringify(report));
    const keyId = report.signature.keyId;
    const verdict = (root: HTMLElement) => root.querySelector('[data-testid="report-expected-key-verdict"]')!;
    // From the checker's link, written as people copy ids: capitals, spaced in groups of four.
    const linked = draw(check, null, keyId.slice(0, 16).toUpperCase().replace(/(.{4})/g, '$1 '));
    expect(verdict(linked).getAttribute('data-verdict')).toBe('match');
    expect(verdict(linked).textContent).toBe('Matches: this report was signed with the key your newsroom keeps for this writer.');

    const typed = draw(check);
    expect(verdict(typed).textContent).toBe('');
    const input = typed.querySelector<HTMLInputElement>('[data-testid="report-expected-key-input"]')!;
    const enter = async (value: string) => {
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((resolve) => setTimeout(resolve, 0));
      return verdict(typed).getAttribute('data-verdict');
    };
    expect(await enter(keyId.slice(0, 8))).toBe('too-short');
    expect(await enter('not a key id')).toBe('invalid');
    expect(await enter(`${keyId.slice(0, 20)}${keyId[20] === '0' ? '1' : '0'}`)).toBe('mismatch');
    expect(verdict(typed).textContent).toMatch(/^Does not match: another key signed this report\./);
    expect(await enter(keyId)).toBe('match');
  });

  it('says which file it is checking, and shows no old verdict meanwhile', () => {
    const root = draw(null, 'story.json');
    expect(one(root, 'report-checking')).toBe('Checking story.json…');
    expect(all(root, 'report-verdict')).toHaveLength(0);
  });
});
