import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { openLedger, type Ledger } from '../../lib/ledger';
import { COPY_LIFETIME_MS, MAX_RECENT_COPIES, RECENT_COPIES_KEY, recentCopies, type RecentCopies, type SessionArea } from '../../lib/background/recent-copies';
import { handleLedgerRequest, type LedgerRequestContext } from '../../lib/background/ledger-requests';
import { parseRequest, type Request } from '../../lib/messaging';
import { buildDocumentReport, reportCsv } from '../../lib/ledger/report';
import { verifyReport } from '../../lib/ledger/report-verify';

/**
 * A paste names its source when the writer copied that text on a page the extension watched
 * (#12, part 2: "pasted from another tab's page when the browser tells"); otherwise the source
 * stays unknown. The background keeps hashes of recent copies only, never their text.
 */
const WIRE = 'Ferry traffic rose by a fifth last year, according to the port authority’s annual figures.';
const WIRE_PAGE = { url: 'https://wire.example.com/news/ferries-2026', title: 'Ferries busier than ever – Wire' };
const DOC = { origin: 'https://cms.example.com', path: '/stories/42/edit', fieldId: 'body' };
const KEY = 'https://cms.example.com/stories/42/edit#body';
const T0 = 1_750_000_000_000;

function memorySession(): SessionArea & { items: Record<string, unknown> } {
  const items: Record<string, unknown> = {};
  return {
    items,
    get: async (key) => (key in items ? { [key]: structuredClone(items[key]) } : {}),
    set: async (next) => void Object.assign(items, structuredClone(next)),
  };
}

describe('recent copies', () => {
  let session: ReturnType<typeof memorySession>;
  let copies: RecentCopies;
  beforeEach(() => {
    session = memorySession();
    copies = recentCopies(session);
  });

  it('name the page a pasted text was copied from, whatever its whitespace and quotes', async () => {
    await copies.remember(`  ${WIRE}\n`, WIRE_PAGE, T0);
    expect(await copies.sourceOf(WIRE.replace('’', "'").replace(/ /g, '  '), T0 + 1000)).toEqual(WIRE_PAGE);
    expect(await copies.sourceOf('Something else the writer had on the clipboard.', T0 + 1000)).toBeNull();
  });

  it('keep no copied text, only its hash and length', async () => {
    await copies.remember(WIRE, WIRE_PAGE, T0);
    const stored = JSON.stringify(session.items[RECENT_COPIES_KEY]);
    expect(stored).not.toContain('Ferry');
    expect(stored).toMatch(/"hash":"[0-9a-f]{64}"/);
  });

  it('match a copy a page lengthened with a line of its own, not a short copy inside a longer paste', async () => {
    await copies.remember(WIRE, WIRE_PAGE, T0);
    expect(await copies.sourceOf(`${WIRE}\n\nRead more at wire.example.com`, T0)).toEqual(WIRE_PAGE);
    await copies.remember('Ferry', { url: 'https://other.example/', title: 'Other' }, T0);
    expect(await copies.sourceOf(`Ferry ${'timetables changed again this spring, the operator said. '.repeat(2)}`, T0)).toBeNull();
  });

  it('forget a copy after its lifetime and keep the newest few', async () => {
    await copies.remember(WIRE, WIRE_PAGE, T0);
    expect(await copies.sourceOf(WIRE, T0 + COPY_LIFETIME_MS + 1)).toBeNull();
    for (let i = 0; i <= MAX_RECENT_COPIES; i++) await copies.remember(`Copied sentence number ${i}.`, { url: `https://a.example/${i}`, title: `${i}` }, T0 + i);
    expect(await copies.sourceOf('Copied sentence number 0.', T0 + 100)).toBeNull();
    expect(await copies.sourceOf(`Copied sentence number ${MAX_RECENT_COPIES}.`, T0 + 100)).toEqual({ url: `https://a.example/${MAX_RECENT_COPIES}`, title: `${MAX_RECENT_COPIES}` });
  });

  it('ignore what is not a copy record in session storage', async () => {
    session.items[RECENT_COPIES_KEY] = [{ hash: 1 }, 'x', null];
    expect(await copies.sourceOf(WIRE, T0)).toBeNull();
    await copies.remember(WIRE, WIRE_PAGE, T0);
    expect(await copies.sourceOf(WIRE, T0)).toEqual(WIRE_PAGE);
  });
});

describe('ledger.copied and ledger.paste', () => {
  let ledger: Ledger;
  let context: LedgerRequestContext;
  let privacyMode = false;
  beforeEach(() => {
    privacyMode = false;
    ledger = openLedger({ name: 'paste-source', indexedDB: new IDBFactory(), IDBKeyRange });
    context = {
      ledger: () => ledger,
      extensionVersion: '0.1.0',
      recentCopies: recentCopies(memorySession()),
      readLedgerSettings: async () => ({ privacyMode, retentionDays: 0 }),
    };
  });
  afterEach(() => ledger.close());

  const handle = (raw: unknown, origins: string[]) => {
    const request = parseRequest(raw);
    if (!request) throw new Error('refused by the schema');
    return handleLedgerRequest(request as Extract<Request, { type: `ledger.${string}` }>, context, { kind: 'content-script', origins: new Set(origins) });
  };
  const copy = (origin = 'https://wire.example.com') => ({
    type: 'ledger.copied',
    copied: { origin, path: '/news/ferries-2026', pageTitle: WIRE_PAGE.title, text: WIRE },
  });
  const paste = { type: 'ledger.paste', paste: { document: DOC, pageTitle: 'Ferry story', pastedText: WIRE, pastedAt: T0 } };
  const pastedFrom = async () => (await ledger.attribute(WIRE, KEY)).sentences.map((s) => [s.kind, s.pastedFrom ?? null]);

  it('a paste of text copied in another tab records that page as its source', async () => {
    expect(await handle(copy(), ['https://wire.example.com'])).toEqual({ ok: true, remembered: true });
    expect(await handle(paste, ['https://cms.example.com'])).toMatchObject({ ok: true, sentences: 1 });
    expect(await pastedFrom()).toEqual([['pasted', WIRE_PAGE]]);
    expect(await ledger.verify()).toMatchObject({ ok: true, entries: 1 });
  });

  it('the report names the page in its statement and CSV, and still verifies', async () => {
    const OWN = 'Most passengers travel at weekends, the operator says.';
    await handle(copy(), ['https://wire.example.com']);
    await handle(paste, ['https://cms.example.com']);
    await handle({ ...paste, paste: { ...paste.paste, pastedText: OWN } }, ['https://cms.example.com']);
    const known = await buildDocumentReport(ledger, KEY, { text: WIRE, extensionVersion: '0.1.0' });
    expect(known.disclosure.statement).toContain(`1 sentence was pasted into the field, copied from ${WIRE_PAGE.title} (${WIRE_PAGE.url}).`);
    expect(reportCsv(known)).toContain(`,pasted,"Pasted, copied from ${WIRE_PAGE.title} (${WIRE_PAGE.url})",`);
    const mixed = await buildDocumentReport(ledger, KEY, { text: `${WIRE} ${OWN}`, extensionVersion: '0.1.0' });
    expect(mixed.disclosure.statement).toContain(
      `2 sentences were pasted into the field: 1 copied from ${WIRE_PAGE.title} (${WIRE_PAGE.url}), the rest from a source the ledger does not know.`,
    );
    for (const report of [known, mixed]) expect((await verifyReport(JSON.parse(JSON.stringify(report)))).problems).toEqual([]);
  });

  it('in privacy mode the source is the site only, without the page title', async () => {
    privacyMode = true;
    await handle(copy(), ['https://wire.example.com']);
    await handle(paste, ['https://cms.example.com']);
    expect(await pastedFrom()).toEqual([['pasted', { url: 'https://wire.example.com', title: '' }]]);
  });

  it('without a copy the source stays unknown; a page cannot claim copies for another site', async () => {
    expect(await handle(copy('https://wire.example.com'), ['https://evil.example'])).toMatchObject({ ok: false });
    await handle(paste, ['https://cms.example.com']);
    expect(await pastedFrom()).toEqual([['pasted', null]]);
  });

  it('is validated at the receiver', () => {
    expect(parseRequest(copy())).not.toBeNull();
    expect(parseRequest({ ...copy(), copied: { ...copy().copied, text: '' } })).toBeNull();
    expect(parseRequest({ ...copy(), copied: { ...copy().copied, text: 'x'.repeat(100_001) } })).toBeNull();
  });
});
