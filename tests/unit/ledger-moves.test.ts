import { describe, expect, it } from 'vitest';
import type { Ledger, LedgerEntry } from '../../lib/ledger';
import { backupToJson, exportBackup, restoreBackup } from '../../lib/ledger/backup';
import { documentKeyOf } from '../../lib/ledger/document-key';
import { stubOf } from '../../lib/ledger/entry';
import { buildDocumentReport, reportCsv } from '../../lib/ledger/report';
import { verifyReport } from '../../lib/ledger/report-verify';
import { makeAcceptance } from '../../lib/ledger/testing';
import { clockedLedgers } from '../support/clocked-ledgers';

/**
 * Moving acceptances between documents (#11): the earlier key rule filed two WordPress stories
 * under one page-wide document; the writer refiles one story's acceptances, or merges and splits
 * documents. History is not rewritten: two move entries are appended, the moved acceptances keep
 * their signed content, and rows, attribution, reports and the verifier follow the move.
 */
const DAY = 86_400_000;
const T0 = 1_750_000_000_000;
const { clock, fresh } = clockedLedgers(T0);

const origin = 'https://news.example.com';
const LEGACY = documentKeyOf({ origin, path: '/wp-admin/post.php', fieldId: 'content' });
const STORY_101 = documentKeyOf({ origin, path: '/wp-admin/post.php?post=101&action=edit', fieldId: 'content' });
const STORY_202 = documentKeyOf({ origin, path: '/wp-admin/post.php?post=202&action=edit', fieldId: 'content' });
const FERRY = 'The harbour authority approved the new ferry timetable on Monday evening.';
const FLOODS = 'Residents of the lower town were told to move their cars before the river crested.';

async function legacyLedger(l: Ledger) {
  const ferry = await l.append(makeAcceptance({ document: { origin, path: '/wp-admin/post.php', fieldId: 'content' }, pageTitle: 'Ferry timetable', insertedText: FERRY, acceptedAt: T0 }));
  const floods = await l.append(makeAcceptance({ document: { origin, path: '/wp-admin/post.php', fieldId: 'content' }, pageTitle: 'Flood warning', insertedText: FLOODS, acceptedAt: T0 + 1000 }));
  return { ferry, floods };
}

const rowOf = async (l: Ledger, key: string) => (await l.documents()).find((d) => d.key === key);
const kinds = async (l: Ledger, text: string, key: string) => (await l.attribute(text, key, { onlyDocument: true })).sentences.map((s) => s.kind);

describe('moving acceptances between documents', () => {
  it('refiles one story out of a page-wide legacy document: rows, attribution and the chain follow', async () => {
    const l = fresh();
    expect(LEGACY).not.toBe(STORY_202);
    const { ferry, floods } = await legacyLedger(l);
    clock.now = T0 + 5000;
    const [out, into] = await l.move([floods.seq], STORY_202, { reason: 'refile', title: 'Flood warning', extensionVersion: '0.1.0' });

    expect(out).toMatchObject({ seq: 3, documentKey: LEGACY, sentences: [], insertedText: null, moves: { direction: 'out', peer: STORY_202, reason: 'refile', entries: [{ seq: floods.seq, hash: floods.hash }] } });
    expect(into).toMatchObject({ seq: 4, documentKey: STORY_202, pageTitle: 'Flood warning', moves: { direction: 'in', peer: LEGACY, entries: [{ seq: floods.seq, hash: floods.hash }] } });
    expect(await l.verify()).toMatchObject({ ok: true, entries: 4 });
    // The moved acceptance itself is untouched (append-only).
    expect(await l.entry(floods.seq)).toEqual(floods);
    expect(await l.documentOf(floods.seq)).toBe(STORY_202);
    expect(await l.documentOf(ferry.seq)).toBe(LEGACY);

    expect(await rowOf(l, LEGACY)).toMatchObject({ entries: 1, sentences: 1, characters: FERRY.length });
    expect(await rowOf(l, STORY_202)).toMatchObject({ title: 'Flood warning', entries: 1, sentences: 1, characters: FLOODS.length });

    // What a page may be told (only its own document's entries) follows the move.
    expect(await kinds(l, `${FERRY} ${FLOODS}`, STORY_202)).toEqual(['not-logged', 'ai-verbatim']);
    expect(await kinds(l, `${FERRY} ${FLOODS}`, LEGACY)).toEqual(['ai-verbatim', 'not-logged']);
  });

  it("each story's report counts only its own acceptances, carries the moved one whole, and verifies", async () => {
    const l = fresh();
    const { ferry, floods } = await legacyLedger(l);
    const [out, into] = await l.move([floods.seq], STORY_202, { reason: 'refile', extensionVersion: '0.1.0' });

    const story = await buildDocumentReport(l, STORY_202, { text: FLOODS, extensionVersion: '0.1.0' });
    expect(story.summary).toMatchObject({ entries: 1, loggedSentences: 1 });
    expect(story.summary.moved).toEqual([{ entry: into!.seq, direction: 'in', peer: LEGACY, entries: [floods.seq], reason: 'refile', when: new Date(T0).toISOString() }]);
    expect(story.text!.sentences.map((s) => [s.category, s.entry])).toEqual([['ai-verbatim', floods.seq]]);
    expect(story.disclosure.statement).toMatch(/1 accepted suggestion was refiled into this document from another/);
    // The other story's text is not disclosed: its acceptance is a stub.
    expect(JSON.stringify(story.chain.entries)).not.toContain(FERRY);
    expect(JSON.stringify(story.chain.entries)).toContain(FLOODS);
    expect((await verifyReport(JSON.parse(JSON.stringify(story)))).problems).toEqual([]);

    const legacy = await buildDocumentReport(l, LEGACY, { text: `${FERRY} ${FLOODS}`, extensionVersion: '0.1.0' });
    expect(legacy.summary).toMatchObject({ entries: 1 });
    expect(legacy.summary.moved.map((m) => [m.entry, m.direction, m.peer])).toEqual([[out!.seq, 'out', STORY_202]]);
    expect(legacy.text!.sentences.map((s) => s.category)).toEqual(['ai-verbatim', 'not-logged']);
    expect(legacy.actions.map((a) => a.parameters['ledgerline.entry'])).toEqual([ferry.seq]);
    expect((await verifyReport(JSON.parse(JSON.stringify(legacy)))).problems).toEqual([]);

    // Without text, the CSV lists what counts here and says where the moved one went.
    const storyRows = reportCsv(await buildDocumentReport(l, STORY_202, { text: null, extensionVersion: '0.1.0' })).trim().split('\r\n');
    expect(storyRows.slice(1).map((r) => r.split(',')[0])).toEqual([String(floods.seq)]);
    const legacyRows = reportCsv(await buildDocumentReport(l, LEGACY, { text: null, extensionVersion: '0.1.0' })).trim().split('\r\n');
    expect(legacyRows[2]).toMatch(new RegExp(`^${floods.seq},1,.*,"?moved to ${STORY_202.replace(/[.?]/g, '\\$&')} \\(entry ${out!.seq}, `));

    // Hiding the moved acceptance from the story's report is caught.
    const hidden = JSON.parse(JSON.stringify(story));
    hidden.chain.entries = hidden.chain.entries.map((e: LedgerEntry) => (e.seq === floods.seq ? stubOf(e) : e));
    expect((await verifyReport(hidden)).problems).toContain(`entry ${floods.seq} was moved into this document but its content was left out`);
  });

  it('merges a document into another and splits it back; the latest move decides', async () => {
    const l = fresh();
    const { ferry, floods } = await legacyLedger(l);
    await l.append(makeAcceptance({ document: { origin, path: '/wp-admin/post.php?post=101&action=edit', fieldId: 'content' }, pageTitle: 'Ferry timetable', insertedText: 'Tickets will cost the same.' }));
    await l.move([ferry.seq, floods.seq], STORY_101, { reason: 'merge', extensionVersion: '0.1.0' });
    expect(await rowOf(l, STORY_101)).toMatchObject({ entries: 3 });
    expect(await rowOf(l, LEGACY)).toMatchObject({ entries: 0, sentences: 0 });
    await l.move([floods.seq], STORY_202, { reason: 'split', title: 'Flood warning', extensionVersion: '0.1.0' });
    expect(await rowOf(l, STORY_101)).toMatchObject({ entries: 2 });
    expect(await rowOf(l, STORY_202)).toMatchObject({ entries: 1 });
    expect(await kinds(l, FLOODS, STORY_202)).toEqual(['ai-verbatim']);
    expect(await kinds(l, FLOODS, STORY_101)).toEqual(['not-logged']);
    for (const key of [LEGACY, STORY_101, STORY_202]) {
      const report = await buildDocumentReport(l, key, { text: null, extensionVersion: '0.1.0' });
      expect((await verifyReport(JSON.parse(JSON.stringify(report)))).problems).toEqual([]);
    }
    expect(await l.verify()).toMatchObject({ ok: true, entries: 7 });
  });

  it('refuses what cannot be moved, with a reason, and writes nothing', async () => {
    const l = fresh();
    const { ferry, floods } = await legacyLedger(l);
    const w = await l.withdraw({ seq: floods.seq, hash: floods.hash }, 'undone', '0.1.0');
    const refused = (seqs: number[], to = STORY_202) => l.move(seqs, to, { reason: 'split', extensionVersion: '0.1.0' });
    await expect(refused([floods.seq])).rejects.toMatchObject({ code: 'refused', message: /withdrawn/ });
    await expect(refused([w.seq])).rejects.toMatchObject({ code: 'refused', message: /not an acceptance/ });
    await expect(refused([ferry.seq], LEGACY)).rejects.toMatchObject({ code: 'refused', message: /already in that document/ });
    await expect(refused([])).rejects.toMatchObject({ code: 'refused', message: /No acceptances/ });
    await expect(refused([99])).rejects.toMatchObject({ code: 'refused', message: /not in the ledger/ });
    await expect(refused([ferry.seq], '  ')).rejects.toMatchObject({ code: 'refused', message: /no name/ });
    await l.move([ferry.seq], STORY_101, { reason: 'refile', extensionVersion: '0.1.0' });
    const other = await l.append(makeAcceptance({ document: { origin, path: '/wp-admin/post.php', fieldId: 'content' }, insertedText: 'A third sentence here.' }));
    await expect(refused([ferry.seq, other.seq])).rejects.toMatchObject({ code: 'refused', message: /different documents/ });
    expect(await l.verify()).toMatchObject({ ok: true, entries: 6 });
  });

  it('a withdrawal after a move is filed where the acceptance counts now', async () => {
    const l = fresh();
    const { floods } = await legacyLedger(l);
    await l.move([floods.seq], STORY_202, { reason: 'refile', extensionVersion: '0.1.0' });
    const w = await l.withdraw({ seq: floods.seq, hash: floods.hash }, 'deleted', '0.1.0');
    expect(w.documentKey).toBe(STORY_202);
    expect(await rowOf(l, STORY_202)).toMatchObject({ entries: 0, sentences: 0 });
    const report = await buildDocumentReport(l, STORY_202, { text: FLOODS, extensionVersion: '0.1.0' });
    expect(report.summary.entries).toBe(0);
    expect(report.text!.sentences[0]!.category).toBe('not-logged');
    expect((await verifyReport(JSON.parse(JSON.stringify(report)))).problems).toEqual([]);
  });

  it('retention that removes a moved acceptance updates the document it had moved to; reports still verify', async () => {
    const l = fresh();
    const { floods } = await legacyLedger(l);
    clock.now = T0 + 5 * DAY;
    await l.move([floods.seq], STORY_202, { reason: 'refile', extensionVersion: '0.1.0' });
    expect(await rowOf(l, STORY_202)).toMatchObject({ entries: 1 });
    expect((await l.prune(2)).pruned).toBe(2);
    expect(await rowOf(l, STORY_202)).toMatchObject({ entries: 0, sentences: 0 });
    expect(await l.verify()).toMatchObject({ ok: true, entries: 2 });
    const report = await buildDocumentReport(l, STORY_202, { text: FLOODS, extensionVersion: '0.1.0' });
    expect((await verifyReport(JSON.parse(JSON.stringify(report)))).problems).toEqual([]);
    await expect(l.move([floods.seq], STORY_101, { reason: 'split', extensionVersion: '0.1.0' })).rejects.toMatchObject({ message: /not in the ledger/ });
  });

  it('survives a backup and restore into a new browser', async () => {
    const l = fresh('source');
    const { floods } = await legacyLedger(l);
    await l.move([floods.seq], STORY_202, { reason: 'refile', extensionVersion: '0.1.0' });
    const target = fresh('target');
    await restoreBackup(target, backupToJson(await exportBackup(l, { extensionVersion: '0.1.0' })));
    expect(await target.verify()).toMatchObject({ ok: true, entries: 4 });
    expect(await rowOf(target, STORY_202)).toMatchObject({ entries: 1 });
    expect(await rowOf(target, LEGACY)).toMatchObject({ entries: 1 });
    expect(await kinds(target, FLOODS, STORY_202)).toEqual(['ai-verbatim']);
  });

  it('a changed move breaks the chain at that entry', async () => {
    const l = fresh();
    const { floods } = await legacyLedger(l);
    const [, into] = await l.move([floods.seq], STORY_202, { reason: 'refile', extensionVersion: '0.1.0' });
    await l.db.entries.update(into!.seq, { moves: { ...into!.moves!, peer: STORY_101 } });
    expect(await l.verify()).toMatchObject({ ok: false, brokenAt: into!.seq });
  });
});
