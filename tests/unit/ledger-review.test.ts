import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { handleAuditRequest } from '../../lib/background/audit-requests';
import { openLedger, type Ledger } from '../../lib/ledger';
import { buildDocumentReport } from '../../lib/ledger/report';
import { verifyReport } from '../../lib/ledger/report-verify';
import { makeAcceptance } from '../../lib/ledger/testing';
import { parseRequest, type Request } from '../../lib/messaging';

/**
 * An editor's review (#12): recorded as a signed ledger entry naming the exact AI sentences it
 * saw; a sentence changed afterwards is not reviewed, and the report says unreviewed AI text first.
 */
const DOC = { origin: 'https://cms.example.com', path: '/stories/42/edit', fieldId: 'body' };
const KEY = 'https://cms.example.com/stories/42/edit#body';
const AI_1 = 'The harbour authority approved the new ferry timetable on Monday evening.';
const AI_2 = 'Officials said the changes would cut waiting times for commuters by half.';
const MINE = 'I called the ferry operator, who confirmed the dates.';
const TEXT = `${AI_1} ${MINE} ${AI_2}`;
const editor = { name: 'Ana Ruiz', role: 'editor on duty' };

let ledger: Ledger;
async function ask(message: unknown) {
  const request = parseRequest(message);
  if (!request) return null;
  return handleAuditRequest(request as Extract<Request, { type: `audit.${string}` }>, { ledger: () => ledger, extensionVersion: '0.1.0' });
}
const attribution = async (text: string) => {
  const r = await ask({ type: 'audit.attribute', text, documentKey: KEY });
  if (!r?.ok || !('attribution' in r)) throw new Error(JSON.stringify(r));
  return r.attribution.sentences.map((s) => [s.kind, s.review?.outcome ?? null, s.review?.reviewer.name ?? null]);
};

beforeEach(async () => {
  ledger = openLedger({ name: 'review', indexedDB: new IDBFactory(), IDBKeyRange });
  await ledger.append(makeAcceptance({ document: DOC, insertedText: AI_1 }));
  await ledger.append(makeAcceptance({ document: DOC, insertedText: AI_2 }));
});
afterEach(() => ledger.close());

describe('recording a review', () => {
  it('covers each AI sentence as it was reviewed; an edit afterwards is not reviewed', async () => {
    const r = await ask({ type: 'audit.review', documentKey: KEY, text: TEXT, reviewer: editor, outcomes: ['kept', 'amended'], note: 'Checked dates with the operator.' });
    expect(r).toMatchObject({ ok: true, seq: 3, sentences: 2 });
    expect(await ledger.verify()).toMatchObject({ ok: true, entries: 3 });
    expect((await ledger.entry(3))!.review).toMatchObject({ reviewer: editor, note: 'Checked dates with the operator.', sentences: [{ outcome: 'kept' }, { outcome: 'amended' }] });
    // A review is not an acceptance: the document still holds two.
    expect((await ledger.documents())[0]).toMatchObject({ entries: 2, sentences: 2 });

    expect(await attribution(TEXT)).toEqual([
      ['ai-verbatim', 'kept', 'Ana Ruiz'],
      ['not-logged', null, null],
      ['ai-verbatim', 'amended', 'Ana Ruiz'],
    ]);
    const changed = TEXT.replace('by half', 'by a third');
    const after = await attribution(changed);
    expect(after[2]).toEqual(['ai-edited', null, null]);
    expect(after[0]).toEqual(['ai-verbatim', 'kept', 'Ana Ruiz']);
  });

  it('the report names the reviewer, says unreviewed AI text first, and verifies', async () => {
    await ask({ type: 'audit.review', documentKey: KEY, text: TEXT, reviewer: editor, outcomes: ['kept', 'kept'], note: '' });
    const reviewed = await buildDocumentReport(ledger, KEY, { text: TEXT, extensionVersion: '0.1.0' });
    expect(reviewed.summary.unreviewedAiSentences).toBe(0);
    expect(reviewed.summary.reviews).toEqual([
      expect.objectContaining({ entry: 3, reviewer: editor, sentences: 2, outcomes: { kept: 2, amended: 0, rejected: 0 } }),
    ]);
    expect(reviewed.disclosure.statement).not.toMatch(/not been reviewed/);
    expect(reviewed.disclosure.statement).toMatch(/Reviewed by Ana Ruiz \(editor on duty\) on \d{4}-\d\d-\d\d\./);
    expect((await verifyReport(JSON.parse(JSON.stringify(reviewed)))).problems).toEqual([]);

    const later = await buildDocumentReport(ledger, KEY, { text: TEXT.replace('by half', 'by a third'), extensionVersion: '0.1.0' });
    expect(later.summary.unreviewedAiSentences).toBe(1);
    expect(later.disclosure.statement).toMatch(/^1 AI-assisted sentence has not been reviewed by an editor\. /);
    expect(later.text!.sentences.map((s) => s.review?.outcome ?? null)).toEqual(['kept', null, null]);
    expect((await verifyReport(JSON.parse(JSON.stringify(later)))).problems).toEqual([]);

    // A report that claims a review the chain does not hold is caught.
    const forged = JSON.parse(JSON.stringify(later));
    forged.text.sentences[2].review = { outcome: 'kept', entry: 3 };
    expect((await verifyReport(forged)).problems).toContain('text.sentences (categories, offsets or hash) do not match the entries and the text');
  });

  it('refuses a review of a text that changed since it was analysed, or with no AI in it, or without a name', async () => {
    expect(await ask({ type: 'audit.review', documentKey: KEY, text: TEXT, reviewer: editor, outcomes: ['kept'], note: '' })).toMatchObject({ ok: false, code: 'refused', error: expect.stringMatching(/analyse it again/) });
    expect(await ask({ type: 'audit.review', documentKey: KEY, text: MINE, reviewer: editor, outcomes: [], note: '' })).toMatchObject({ ok: false, code: 'refused', error: expect.stringMatching(/no AI-suggested sentence/) });
    expect(await ask({ type: 'audit.review', documentKey: KEY, text: TEXT, reviewer: { name: ' ', role: '' }, outcomes: ['kept', 'kept'], note: '' })).toMatchObject({ ok: false, error: expect.stringMatching(/reviewer’s name/) });
    expect(await ask({ type: 'audit.review', documentKey: KEY, text: TEXT, reviewer: editor, outcomes: ['approved', 'kept'], note: '' })).toBeNull();
    expect(await ledger.verify()).toMatchObject({ ok: true, entries: 2 });
  });

  it('a changed review breaks the chain at that entry', async () => {
    await ask({ type: 'audit.review', documentKey: KEY, text: TEXT, reviewer: editor, outcomes: ['kept', 'rejected'], note: '' });
    const entry = (await ledger.entry(3))!;
    await ledger.db.entries.update(3, { review: { ...entry.review!, sentences: entry.review!.sentences.map((s) => ({ ...s, outcome: 'kept' as const })) } });
    expect(await ledger.verify()).toMatchObject({ ok: false, brokenAt: 3 });
  });
});
