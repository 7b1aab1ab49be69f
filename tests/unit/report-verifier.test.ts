import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import english from '../../public/_locales/en/messages.json';
import { canonicalJson } from '../../lib/ledger/canonical';
import { rng } from '../../lib/ledger/calibration';
import type { DocumentReport } from '../../lib/ledger/report';
import { checkReportFile } from '../../lib/ledger/report-file';
import { verifyReport } from '../../lib/ledger/report-verify';
import { storyLedger, tamperedReports, type StoryLedger, type TamperedReport } from '../support/report-fixtures';

/**
 * The verifier the report checker page, the audit page and `npm run verify` share: on every
 * tampered fixture it names each failed check and the entry it concerns; a flipped byte anywhere
 * in the file is never "verified" unless the report means exactly the same.
 */
let story: StoryLedger;
let json: string;
let tampered: TamperedReport[];

beforeAll(async () => {
  story = await storyLedger();
  json = `${JSON.stringify(story.report, null, 2)}\n`;
  tampered = await tamperedReports(story.report);
});
afterAll(() => story.ledger.close());

describe('report verifier', () => {
  it('verifies the untouched story report, read from its file', async () => {
    const checked = await checkReportFile('story.json', json);
    expect(checked).toMatchObject({ kind: 'checked', verification: { ok: true, failures: [], problems: [] } });
    if (checked.kind !== 'checked') return;
    expect(checked.verification.facts).toMatchObject({ documentEntries: 3, headSeq: 4, headKeyId: story.report.signature.keyId });
  });

  it('names the failed checks and entries of every tampered fixture', async () => {
    expect(tampered.length).toBeGreaterThanOrEqual(15);
    for (const t of tampered) {
      const result = await verifyReport(JSON.parse(JSON.stringify(t.report)));
      const seen = result.failures.map((f) => ({ check: f.check, ...(f.entry !== null && { entry: f.entry }), ...(f.at !== null && { at: f.at }) }));
      const expected = t.failures.map((f) => expect.objectContaining({ check: f.check, ...(f.entry !== undefined && { entry: f.entry }), ...(f.at && { at: expect.stringMatching(new RegExp(`^${f.at.replace(/[.[\]]/g, '\\$&')}`)) }) }));
      expect(seen, t.name).toEqual(expected);
      expect(result.ok, t.name).toBe(false);
      expect(result.problems, t.name).toEqual(result.failures.map((f) => f.message));
    }
  });

  it('gives every check a label in the UI strings', async () => {
    const checks = new Set<string>();
    for (const t of tampered) for (const f of (await verifyReport(t.report)).failures) checks.add(f.check);
    const keys = Object.keys(english);
    for (const check of checks) {
      const key = `reportCheckCheck${check.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}`;
      expect(keys, check).toContain(key);
    }
  });

  it('a report exported before pastes were recorded still verifies, with the wording it was made with', async () => {
    // Exported by the version before paste entries (the story fixture, commit 3fbadab): no
    // `pasted` count, and "text pasted from elsewhere is not recorded", which was true then.
    const old = await readFile(new URL('../fixtures/reports/story-before-pastes.json', import.meta.url), 'utf8');
    const checked = await checkReportFile('story-before-pastes.json', old);
    expect(checked).toMatchObject({ kind: 'checked', verification: { ok: true, failures: [] } });
    const report = JSON.parse(old) as DocumentReport;
    expect(report.summary.text!.kinds).not.toHaveProperty('pasted');
    expect(report.disclosure.statement).toContain('text pasted from elsewhere is not recorded');
    // Today's reports say what is true now.
    expect(story.report.disclosure.statement).not.toContain('text pasted from elsewhere is not recorded');
  });

  it('a file that is not JSON is unreadable, with the reason', async () => {
    expect(await checkReportFile('broken.json', json.slice(0, 200))).toMatchObject({ kind: 'unreadable', fileName: 'broken.json', reason: expect.stringMatching(/^not JSON/) });
    expect(await checkReportFile('bom.json', `\uFEFF${json}`)).toMatchObject({ kind: 'checked', verification: { ok: true } });
  });

  it('one flipped byte anywhere is never verified, unless the JSON means the same', async () => {
    const bytes = new TextEncoder().encode(json);
    const original = canonicalJson(JSON.parse(json));
    const r = rng(20261202);
    const outcomes = { unreadable: 0, notVerified: 0, same: 0 };
    for (let n = 0; n < 300; n++) {
      const flipped = bytes.slice();
      const at = Math.floor(r() * flipped.length);
      flipped[at] = flipped[at]! ^ (1 << Math.floor(r() * 8));
      const text = new TextDecoder().decode(flipped);
      const checked = await checkReportFile('flipped.json', text);
      if (checked.kind === 'unreadable') {
        outcomes.unreadable++;
        continue;
      }
      let same = false;
      try {
        same = canonicalJson(checked.report) === original;
      } catch {
        same = false;
      }
      expect(checked.verification.ok, `byte ${at}`).toBe(same);
      if (same) outcomes.same++;
      else {
        outcomes.notVerified++;
        expect(checked.verification.failures.length, `byte ${at}`).toBeGreaterThan(0);
      }
    }
    // Most flips land in a string or a number: the file still parses and the verifier must say why not.
    expect(outcomes.notVerified).toBeGreaterThan(150);
  }, 120_000);

  it('the report keeps the short line and the detailed statement apart', () => {
    const report: DocumentReport = story.report;
    expect(report.disclosure.line).toBe(
      'In this story, we used Ledgerline, an on-device AI writing assistant, to help draft and rephrase 3 of 4 sentences. Ana Ruiz (editor on duty) reviewed them.',
    );
    expect(report.disclosure.statement).toContain('hash-chained and signed (key ');
  });
});
