import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { openLedger, type Ledger } from '../../lib/ledger';
import { verifyChain } from '../../lib/ledger/chain';
import { sealEntry } from '../../lib/ledger/entry';
import { buildDocumentReport, reportCsv } from '../../lib/ledger/report';
import { verifyReport } from '../../lib/ledger/report-verify';
import { makeAcceptance } from '../../lib/ledger/testing';
import { typedSentences } from '../../lib/ledger/typed';
import type { TypedInput } from '../../lib/ledger/types';
import { handleLedgerRequest } from '../../lib/background/ledger-requests';
import { parseRequest, type Request } from '../../lib/messaging';

/**
 * Typing into a watched field (#12, part 2): one signed entry when the writer leaves the field,
 * holding only the hashes of the sentences the writer typed. The audit shows them as 'typed';
 * text already there stays "not logged"; AI and pasted sentences keep their categories.
 */
const DOC = { origin: 'https://cms.example.com', path: '/stories/42/edit', fieldId: 'body' };
const KEY = 'https://cms.example.com/stories/42/edit#body';
const AI = 'The harbour authority approved the new ferry timetable on Monday evening.';
const BEFORE = 'Ferries have run from the old pier since 1921.';
const TYPED = 'I called the ferry operator, who confirmed the dates.';
const PASTED = 'Most passengers travel at weekends.';
const TEXT = `${BEFORE} ${TYPED} ${AI}`;
const typedAt = (text: string, ranges: [number, number][]): TypedInput => ({
  document: DOC,
  pageTitle: 'Ferry story',
  text,
  typedRanges: ranges,
  observedAt: 1_750_000_020_000,
  extensionVersion: '0.1.0',
});
/** The range of `part` in `text`. */
const rangeOf = (text: string, part: string): [number, number] => [text.indexOf(part), text.indexOf(part) + part.length];

let ledger: Ledger;
beforeEach(async () => {
  ledger = openLedger({ name: 'typed', indexedDB: new IDBFactory(), IDBKeyRange });
  await ledger.append(makeAcceptance({ document: DOC, insertedText: AI }));
});
afterEach(() => ledger.close());

const kinds = async (text: string, key: string | undefined = KEY) => (await ledger.attribute(text, key)).sentences.map((s) => s.kind);

describe('which sentences were typed', () => {
  it('a sentence counts when more than half of its visible characters were typed', () => {
    const text = `${BEFORE} ${TYPED}`;
    expect(typedSentences(text, [rangeOf(text, TYPED)])).toEqual([TYPED]);
    // Three words typed into an old sentence do not make it the writer's.
    const edited = 'Ferries have run from the old wooden pier since 1921.';
    expect(typedSentences(edited, [rangeOf(edited, 'wooden ')])).toEqual([]);
    // Most of it retyped does.
    expect(typedSentences(edited, [[0, edited.length - 6]])).toEqual([edited]);
    expect(typedSentences(text, [])).toEqual([]);
  });
});

describe('typing entries', () => {
  it('are chained and signed, hashes only even outside privacy mode, not acceptances', async () => {
    const e = await ledger.typed(typedAt(TEXT, [rangeOf(TEXT, TYPED)]));
    expect(e?.seq).toBe(2);
    expect(e?.action).toBe('typed');
    expect(e?.sentences).toEqual([]);
    expect(e?.typed?.sentences).toHaveLength(1);
    expect(JSON.stringify(e)).not.toContain('operator');
    expect(await ledger.verify()).toMatchObject({ ok: true, entries: 2 });
    expect((await ledger.acceptancesIn(KEY)).map((x) => x.seq)).toEqual([1]);
  });

  it('show typed, not logged and AI apart in their document only', async () => {
    await ledger.typed(typedAt(TEXT, [rangeOf(TEXT, TYPED)]));
    expect(await kinds(TEXT)).toEqual(['not-logged', 'typed', 'ai-verbatim']);
    // Another document's typing says nothing about this text (the AI's verbatim sentence still counts there).
    expect(await kinds(TEXT, 'https://cms.example.com/stories/43/edit#body')).toEqual(['not-logged', 'not-logged', 'ai-verbatim']);
    // A typed sentence changed afterwards (outside a watched session) is no longer typed.
    expect(await kinds(TEXT.replace('confirmed', 'denied'))).toEqual(['not-logged', 'not-logged', 'ai-verbatim']);
  });

  it('a typed range over AI text leaves it the AI’s; a paste of the same sentence is pasted', async () => {
    await ledger.typed(typedAt(TEXT, [[0, TEXT.length]]));
    expect(await kinds(TEXT)).toEqual(['typed', 'typed', 'ai-verbatim']);
    const withPaste = `${TEXT} ${PASTED}`;
    await ledger.paste({ document: DOC, pageTitle: 'Ferry story', pastedText: PASTED, pastedAt: 2, extensionVersion: '0.1.0' });
    await ledger.typed(typedAt(withPaste, [rangeOf(withPaste, PASTED)]));
    expect(await kinds(withPaste)).toEqual(['typed', 'typed', 'ai-verbatim', 'pasted']);
  });

  it('nothing new, nothing appended', async () => {
    expect(await ledger.typed(typedAt(TEXT, [rangeOf(TEXT, TYPED)]))).toBeDefined();
    expect(await ledger.typed(typedAt(TEXT, [rangeOf(TEXT, TYPED)]))).toBeUndefined();
    expect(await ledger.typed(typedAt(TEXT, [rangeOf(TEXT, 'I called')]))).toBeUndefined();
    expect(await ledger.verify()).toMatchObject({ ok: true, entries: 2 });
  });

  it('a tampered or malformed typing entry breaks the chain', async () => {
    await ledger.typed(typedAt(TEXT, [rangeOf(TEXT, TYPED)]));
    const entries = await ledger.db.entries.orderBy('seq').toArray();
    const tampered = structuredClone(entries);
    tampered[1]!.typed!.sentences[0]!.hash = 'f'.repeat(64);
    expect((await verifyChain(tampered, null, null)).ok).toBe(false);
    // Resealed so that its hashes are right, a typing entry that also claims AI sentences is refused.
    const { hash: _h, contentHash: _c, ...body } = structuredClone(entries[1]!);
    const malformed = await sealEntry({ ...body, sentences: structuredClone(entries[0]!.sentences) });
    const result = await verifyChain([entries[0]!, malformed], null, null);
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/malformed typing record/) });
  });

  it('reports count typed sentences apart, say so, verify, and a forged category is caught', async () => {
    await ledger.typed(typedAt(TEXT, [rangeOf(TEXT, TYPED)]));
    const report = await buildDocumentReport(ledger, KEY, { text: TEXT, extensionVersion: '0.1.0' });
    expect(report.text!.sentences.map((s) => s.category)).toEqual(['not-logged', 'typed', 'ai-verbatim']);
    expect(report.summary.text!.kinds.typed?.sentences).toBe(1);
    expect(report.disclosure.statement).toMatch(/1 sentence was typed into the field by the writer while the extension watched\./);
    expect((await verifyReport(JSON.parse(JSON.stringify(report)))).problems).toEqual([]);
    expect(reportCsv(report)).toContain(',typed,Typed by the writer,');
    const forged = JSON.parse(JSON.stringify(report));
    forged.text.sentences[0].category = 'typed';
    expect((await verifyReport(forged)).problems.length).toBeGreaterThan(0);
  });

  it('a report without typing has no typed count', async () => {
    const report = await buildDocumentReport(ledger, KEY, { text: TEXT, extensionVersion: '0.1.0' });
    expect(report.summary.text!.kinds.typed).toBeUndefined();
    expect(report.disclosure.statement).not.toMatch(/typed into the field/);
  });
});

describe('the ledger.typed message', () => {
  const message = (over: Record<string, unknown> = {}) => ({
    type: 'ledger.typed',
    typed: { document: DOC, pageTitle: 'Ferry story', text: TEXT, typedRanges: [rangeOf(TEXT, TYPED)], observedAt: 1, ...over },
  });
  const handle = (raw: unknown, origins: string[]) =>
    handleLedgerRequest(parseRequest(raw) as Extract<Request, { type: `ledger.${string}` }>, { ledger: () => ledger, extensionVersion: '0.1.0' }, { kind: 'content-script', origins: new Set(origins) });

  it('is validated at the receiver', async () => {
    expect(parseRequest(message())).not.toBeNull();
    expect(parseRequest(message({ typedRanges: [] }))).toBeNull();
    expect(parseRequest(message({ typedRanges: [[1.5, 3]] }))).toBeNull();
    expect(parseRequest(message({ text: '' }))).toBeNull();
    // A range past the text is refused by the ledger.
    expect(await handle(message({ typedRanges: [[0, TEXT.length + 1]] }), ['https://cms.example.com'])).toMatchObject({ ok: false });
  });

  it('records typing into the sender’s own page only', async () => {
    expect(await handle(message(), ['https://evil.example'])).toMatchObject({ ok: false });
    expect(await handle(message(), ['https://cms.example.com'])).toMatchObject({ ok: true, seq: 2, sentences: 1 });
    expect(await handle(message(), ['https://cms.example.com'])).toMatchObject({ ok: true, seq: null, sentences: 0 });
  });
});
