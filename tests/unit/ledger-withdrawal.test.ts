import { describe, expect, it } from 'vitest';
import type { Ledger } from '../../lib/ledger';
import { backupToJson, exportBackup, restoreBackup } from '../../lib/ledger/backup';
import { buildDocumentReport, reportCsv } from '../../lib/ledger/report';
import { verifyReport } from '../../lib/ledger/report-verify';
import { makeAcceptance } from '../../lib/ledger/testing';
import { clockedLedgers } from '../support/clocked-ledgers';

/**
 * Withdrawals (#11): an acceptance the writer takes back at once is recorded as its own entry;
 * the chain stays append-only and verifies, and nothing counts the withdrawn text as AI.
 */
const DAY = 86_400_000;
const T0 = 1_750_000_000_000;
const { clock, fresh } = clockedLedgers(T0);

const DOC = { origin: 'https://cms.example.com', path: '/stories/42/edit', fieldId: 'body' };
const KEY = 'https://cms.example.com/stories/42/edit#body';
const KEPT = 'The harbour authority approved the new ferry timetable on Monday evening.';
const UNDONE = 'Officials said the changes would cut waiting times for commuters by half.';

async function acceptedAndUndone(l: Ledger) {
  const kept = await l.append(makeAcceptance({ document: DOC, insertedText: KEPT, acceptedAt: T0 }));
  const undone = await l.append(makeAcceptance({ document: DOC, insertedText: UNDONE, acceptedAt: T0 + 1000 }));
  clock.now = T0 + 2000;
  const withdrawal = await l.withdraw({ seq: undone.seq, hash: undone.hash }, 'undone', '0.1.0');
  return { kept, undone, withdrawal };
}

describe('withdrawing an acceptance', () => {
  it('appends a withdrawal entry; the chain verifies; the text is no longer attributed', async () => {
    const l = fresh();
    const { undone, withdrawal } = await acceptedAndUndone(l);
    expect(withdrawal).toMatchObject({
      seq: 3,
      documentKey: KEY,
      withdraws: { seq: undone.seq, hash: undone.hash, reason: 'undone' },
      sentences: [],
      insertedText: null,
      suggestedText: null,
      acceptedAt: T0 + 2000,
      textHashes: undone.textHashes,
    });
    expect(await l.verify()).toMatchObject({ ok: true, entries: 3 });
    // The acceptance itself is still there, unchanged (append-only).
    expect(await l.entry(undone.seq)).toEqual(undone);

    const result = await l.attribute(`${KEPT} ${UNDONE}`, KEY);
    expect(result.sentences.map((s) => [s.text, s.kind])).toEqual([
      [KEPT, 'ai-verbatim'],
      [UNDONE, 'not-logged'],
    ]);
    // An edited copy of the withdrawn sentence is not attributed either.
    const edited = await l.attribute('Officials said the changes would cut waiting times for riders by half.', KEY);
    expect(edited.sentences[0]!.kind).toBe('not-logged');

    const [row] = await l.documents();
    expect(row).toMatchObject({ key: KEY, entries: 1, sentences: 1, characters: KEPT.length });
  });

  it('refuses what cannot be withdrawn, with a reason, and writes nothing', async () => {
    const l = fresh();
    const { undone, withdrawal } = await acceptedAndUndone(l);
    const refused = (target: { seq: number; hash: string }) => l.withdraw(target, 'deleted', '0.1.0');
    await expect(refused({ seq: undone.seq, hash: undone.hash })).rejects.toMatchObject({ code: 'refused', message: /already withdrawn/ });
    await expect(refused({ seq: withdrawal.seq, hash: withdrawal.hash })).rejects.toMatchObject({ code: 'refused', message: /itself a withdrawal/ });
    await expect(refused({ seq: 1, hash: undone.hash })).rejects.toMatchObject({ code: 'refused', message: /different acceptance/ });
    await expect(refused({ seq: 99, hash: undone.hash })).rejects.toMatchObject({ code: 'refused', message: /No such acceptance/ });
    expect(await l.verify()).toMatchObject({ ok: true, entries: 3 });
  });

  it('says so when retention already removed the acceptance; the chain still verifies', async () => {
    const l = fresh();
    const old = await l.append(makeAcceptance({ document: DOC, insertedText: KEPT, acceptedAt: T0 }));
    await l.append(makeAcceptance({ document: DOC, insertedText: UNDONE, acceptedAt: T0 + 5 * DAY }));
    clock.now = T0 + 5 * DAY;
    expect((await l.prune(2)).pruned).toBe(1);
    await expect(l.withdraw({ seq: old.seq, hash: old.hash }, 'undone', '0.1.0')).rejects.toMatchObject({
      code: 'refused',
      message: /already removed by retention/,
    });
    expect(await l.verify()).toMatchObject({ ok: true, entries: 1 });
  });

  it('two racing withdrawals of one acceptance: exactly one is written', async () => {
    const l = fresh();
    const e = await l.append(makeAcceptance({ document: DOC, insertedText: UNDONE }));
    const outcomes = await Promise.allSettled([
      l.withdraw({ seq: e.seq, hash: e.hash }, 'undone', '0.1.0'),
      l.withdraw({ seq: e.seq, hash: e.hash }, 'deleted', '0.1.0'),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(await l.verify()).toMatchObject({ ok: true, entries: 2 });
  });

  it('a changed withdrawal breaks the chain at that entry', async () => {
    const l = fresh();
    const { withdrawal } = await acceptedAndUndone(l);
    await l.db.entries.update(withdrawal.seq, { withdraws: { ...withdrawal.withdraws!, reason: 'not-inserted' } });
    expect(await l.verify()).toMatchObject({ ok: false, brokenAt: withdrawal.seq });
  });

  it('the report lists the withdrawal, counts only what stands, and still verifies', async () => {
    const l = fresh();
    const { kept, undone, withdrawal } = await acceptedAndUndone(l);
    const report = await buildDocumentReport(l, KEY, { text: `${KEPT} ${UNDONE}`, extensionVersion: '0.1.0' });
    expect(report.summary).toMatchObject({ entries: 1, loggedSentences: 1 });
    expect(report.summary.withdrawn).toEqual([
      { entry: withdrawal.seq, withdraws: undone.seq, reason: 'undone', when: new Date(T0 + 2000).toISOString() },
    ]);
    expect(report.actions.map((a) => a.parameters['ledgerline.entry'])).toEqual([kept.seq]);
    expect(report.text!.sentences.map((s) => s.category)).toEqual(['ai-verbatim', 'not-logged']);
    expect(report.disclosure.statement).toMatch(/1 accepted suggestion was taken back by the writer right after accepting and is not counted/);
    const verified = await verifyReport(JSON.parse(JSON.stringify(report)));
    expect(verified.problems).toEqual([]);

    const bare = await buildDocumentReport(l, KEY, { text: null, extensionVersion: '0.1.0' });
    const rows = reportCsv(bare).trim().split('\r\n');
    expect(rows[2]).toMatch(new RegExp(`^${undone.seq},1,.*,"undone \\(entry ${withdrawal.seq}, `));
  });

  it('survives a backup and restore into a new browser', async () => {
    const l = fresh('source');
    await acceptedAndUndone(l);
    const backup = backupToJson(await exportBackup(l, { extensionVersion: '0.1.0' }));
    const target = fresh('target');
    await restoreBackup(target, backup);
    expect(await target.verify()).toMatchObject({ ok: true, entries: 3 });
    const result = await target.attribute(`${KEPT} ${UNDONE}`, KEY);
    expect(result.sentences.map((s) => s.kind)).toEqual(['ai-verbatim', 'not-logged']);
    expect((await target.documents())[0]).toMatchObject({ entries: 1, sentences: 1 });
  });
});
