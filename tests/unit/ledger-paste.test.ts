import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { openLedger, type Ledger } from '../../lib/ledger';
import { verifyChain } from '../../lib/ledger/chain';
import { sealEntry } from '../../lib/ledger/entry';
import { buildDocumentReport, reportCsv } from '../../lib/ledger/report';
import { verifyReport } from '../../lib/ledger/report-verify';
import { makeAcceptance } from '../../lib/ledger/testing';
import type { PasteInput } from '../../lib/ledger/types';
import { handleLedgerRequest } from '../../lib/background/ledger-requests';
import { parseRequest, type Request } from '../../lib/messaging';

/**
 * A paste into a watched field (#12, part 2): its own signed entry in the chain, holding the
 * pasted sentences' hashes (text only outside privacy mode). The audit then shows those sentences
 * as 'pasted', never as AI and never as "not logged"; AI sentences stay the AI's even when pasted.
 */
const DOC = { origin: 'https://cms.example.com', path: '/stories/42/edit', fieldId: 'body' };
const KEY = 'https://cms.example.com/stories/42/edit#body';
const AI = 'The harbour authority approved the new ferry timetable on Monday evening.';
const PASTED_1 = 'Ferry traffic rose by a fifth last year, according to the port.';
const PASTED_2 = 'Most passengers travel at weekends.';
const TYPED = 'I called the ferry operator, who confirmed the dates.';
const paste = (pastedText: string): PasteInput => ({
  document: DOC,
  pageTitle: 'Ferry story',
  pastedText,
  pastedAt: 1_750_000_010_000,
  extensionVersion: '0.1.0',
});

let ledger: Ledger;
beforeEach(async () => {
  ledger = openLedger({ name: 'paste', indexedDB: new IDBFactory(), IDBKeyRange });
  await ledger.append(makeAcceptance({ document: DOC, insertedText: AI }));
});
afterEach(() => ledger.close());

const kinds = async (text: string, key: string | undefined = KEY) => (await ledger.attribute(text, key)).sentences.map((s) => [s.text, s.kind]);

describe('paste entries', () => {
  it('are chained and signed like acceptances, filed under the document, with the text outside privacy mode', async () => {
    const e = await ledger.paste(paste(`${PASTED_1} ${PASTED_2}`), { privacyMode: false });
    expect(e.seq).toBe(2);
    expect(e.documentKey).toBe(KEY);
    expect(e.sentences).toEqual([]);
    expect(e.paste?.text).toBe(`${PASTED_1} ${PASTED_2}`);
    expect(e.paste?.sentences.map((s) => s.text)).toEqual([PASTED_1, PASTED_2]);
    expect(await ledger.verify()).toMatchObject({ ok: true, entries: 2 });
    expect((await ledger.pastesIn(KEY)).map((x) => x.seq)).toEqual([2]);
    // Not an acceptance: the document still counts one.
    expect((await ledger.acceptancesIn(KEY)).map((x) => x.seq)).toEqual([1]);
  });

  it('keep no pasted text in privacy mode, only hashes', async () => {
    const e = await ledger.paste(paste(`${PASTED_1} ${PASTED_2}`), { privacyMode: true });
    expect(e.privacy).toBe(true);
    expect(e.paste?.text).toBeNull();
    expect(e.paste?.sentences.every((s) => s.text === null && /^[0-9a-f]{64}$/.test(s.hash))).toBe(true);
    expect(JSON.stringify(e)).not.toContain('fifth');
    expect(await kinds(PASTED_1)).toEqual([[PASTED_1, 'pasted']]);
  });

  it('a changed pasted sentence breaks the chain', async () => {
    const e = await ledger.paste(paste(PASTED_1), { privacyMode: false });
    const forged = await sealEntry({ ...e, paste: { ...e.paste!, sentences: [{ ...e.paste!.sentences[0]!, text: PASTED_2 }] } });
    const first = (await ledger.db.entries.get(1))!;
    const result = await verifyChain([first, forged], null, null);
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining('pasted sentence 0') });
  });

  it('are refused without text', async () => {
    await expect(ledger.paste(paste('   '))).rejects.toThrow();
  });
});

describe('attribution with pastes', () => {
  it('labels pasted sentences pasted, typed ones not logged, AI ones AI', async () => {
    await ledger.paste(paste(`${PASTED_1} ${PASTED_2}`));
    const r = await ledger.attribute(`${AI} ${PASTED_1} ${TYPED} ${PASTED_2}`, KEY);
    expect(r.sentences.map((s) => s.kind)).toEqual(['ai-verbatim', 'pasted', 'not-logged', 'pasted']);
    expect(r.counts).toMatchObject({ 'ai-verbatim': 1, pasted: 2, 'not-logged': 1 });
  });

  it('a pasted accepted suggestion stays the AI’s', async () => {
    await ledger.paste(paste(AI));
    expect(await kinds(AI)).toEqual([[AI, 'ai-verbatim']]);
  });

  it('a paste in another document says nothing about this one', async () => {
    await ledger.paste({ ...paste(PASTED_1), document: { ...DOC, fieldId: 'other' } });
    expect(await kinds(PASTED_1)).toEqual([[PASTED_1, 'not-logged']]);
  });
});

describe('reports with pastes', () => {
  const TEXT = `${AI} ${PASTED_1} ${TYPED}`;

  it('count pasted sentences apart, call them neither AI nor the author’s, and verify', async () => {
    await ledger.paste(paste(PASTED_1));
    const report = await buildDocumentReport(ledger, KEY, { text: TEXT, extensionVersion: '0.1.0' });
    expect(report.text!.sentences.map((s) => s.category)).toEqual(['ai-verbatim', 'pasted', 'not-logged']);
    expect(report.summary.text!.kinds.pasted?.sentences).toBe(1);
    expect(report.summary.text!.aiSentences).toBe(1);
    expect(report.disclosure.statement).toMatch(/1 sentence was pasted into the field from a source the ledger does not know\./);
    expect(report.disclosure.statement).toMatch(/not proof of human writing/);
    expect((await verifyReport(JSON.parse(JSON.stringify(report)))).problems).toEqual([]);
    expect(reportCsv(report)).toContain(',pasted,"Pasted, source unknown",');

    // A report that turns the pasted sentence into the author's own is caught.
    const forged = JSON.parse(JSON.stringify(report));
    forged.text.sentences[1].category = 'not-logged';
    expect((await verifyReport(forged)).problems.length).toBeGreaterThan(0);
  });

  it('a report without pastes has no pasted sentence', async () => {
    const report = await buildDocumentReport(ledger, KEY, { text: TEXT, extensionVersion: '0.1.0' });
    expect(report.text!.sentences.map((s) => s.category)).toEqual(['ai-verbatim', 'not-logged', 'not-logged']);
    expect(report.disclosure.statement).not.toMatch(/pasted into the field/);
    expect((await verifyReport(JSON.parse(JSON.stringify(report)))).problems).toEqual([]);
  });
});

describe('the ledger.paste message', () => {
  const message = (over: Record<string, unknown> = {}) => ({
    type: 'ledger.paste',
    paste: { document: DOC, pageTitle: 'Ferry story', pastedText: PASTED_1, pastedAt: 1, ...over },
  });
  const handle = (raw: unknown, origins: string[]) =>
    handleLedgerRequest(parseRequest(raw) as Extract<Request, { type: `ledger.${string}` }>, { ledger: () => ledger, extensionVersion: '0.1.0' }, { kind: 'content-script', origins: new Set(origins) });

  it('is validated at the receiver', () => {
    expect(parseRequest(message())).not.toBeNull();
    expect(parseRequest(message({ pastedText: '' }))).toBeNull();
    expect(parseRequest(message({ pastedAt: 'now' }))).toBeNull();
  });

  it('records a paste of the sender’s own page only', async () => {
    expect(await handle(message(), ['https://cms.example.com'])).toMatchObject({ ok: true, seq: 2, sentences: 1 });
    expect(await handle(message(), ['https://evil.example'])).toMatchObject({ ok: false });
    expect((await ledger.pastesIn(KEY)).length).toBe(1);
  });
});
