import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { createRequestHandler, type RequestHandlerDependencies } from '../../lib/background/request-handler';
import { senderScope, type SenderScope } from '../../lib/background/sender-scope';
import { openLedger, type Ledger } from '../../lib/ledger';
import { backupToJson, exportBackup } from '../../lib/ledger/backup';
import { makeAcceptance } from '../../lib/ledger/testing';

/**
 * Privilege by sender (#15): a content script (what any page's renderer can impersonate) may
 * only record, withdraw and attribute for its own page; everything else is for extension pages.
 */
const OWN = { id: 'ext-id', pagesOrigin: 'chrome-extension://ext-id/' };
const A = { origin: 'https://news.example', path: '/wp-admin/post.php', fieldId: 'content' };
const A_KEY = 'https://news.example/wp-admin/post.php#content';
const B_KEY = 'https://other.example/compose#body';
const SECRET = 'Dear Sam, my biopsy came back positive and the surgery is set for May 4.';

let ledger: Ledger;
let handle: ReturnType<typeof createRequestHandler>;
const page: SenderScope = { kind: 'extension-page' };
const contentOn = (origin: string): SenderScope => senderScope({ id: OWN.id, url: `${origin}/compose`, origin, tab: { url: `${origin}/compose` } }, OWN)!;

beforeEach(async () => {
  ledger = openLedger({ name: 'scope', indexedDB: new IDBFactory(), IDBKeyRange });
  await ledger.append(makeAcceptance({ document: A, insertedText: SECRET }));
  // Engine requests are refused before they reach the engine: it is never called here.
  handle = createRequestHandler({ ledger: () => ledger, extensionVersion: '0.1.0' } as unknown as RequestHandlerDependencies);
});
afterEach(() => ledger.close());

describe('sender scope', () => {
  it('tells extension pages from content scripts, and ignores other extensions', () => {
    expect(senderScope({ id: OWN.id, url: 'chrome-extension://ext-id/audit.html' }, OWN)).toEqual({ kind: 'extension-page' });
    expect(senderScope({ id: 'someone-else', url: 'chrome-extension://someone-else/x.html' }, OWN)).toBeNull();
    expect(senderScope(undefined, OWN)).toBeNull();
    const framed = senderScope({ id: OWN.id, url: 'about:srcdoc', origin: 'https://News.Example', tab: { url: 'https://news.example/ghost/' } }, OWN);
    expect(framed).toEqual({ kind: 'content-script', origins: new Set(['https://news.example']) });
  });

  it('a content script gets none of the extension pages’ requests', async () => {
    const backup = backupToJson(await exportBackup(ledger, { extensionVersion: '0.1.0' }));
    const privileged = [
      { type: 'audit.documents' },
      { type: 'audit.verify' },
      { type: 'audit.report', documentKey: A_KEY, text: null },
      { type: 'audit.backup' },
      { type: 'audit.restore', backup, replace: true },
      { type: 'audit.prune', retentionDays: 1 },
      { type: 'ledger.summary', limit: 10 },
      { type: 'engine.status' },
      { type: 'engine.runtime' },
      { type: 'engine.warmUp' },
      { type: 'engine.storage' },
      { type: 'engine.deleteModel', modelId: 'org/model' },
      { type: 'engine.unload' },
      { type: 'engine.stats' },
    ];
    for (const scope of [contentOn('https://news.example'), contentOn('https://other.example')]) {
      for (const message of privileged) expect(await handle(message, scope), message.type).toMatchObject({ ok: false, code: 'forbidden' });
    }
    // Nothing changed: the entry is still there and the chain verifies.
    expect(await ledger.verify()).toMatchObject({ ok: true, entries: 1 });
    expect(await handle({ type: 'audit.documents' }, page)).toMatchObject({ ok: true, documents: [{ key: A_KEY }] });
  });

  it('another site cannot learn whether a sentence was accepted elsewhere, nor read it', async () => {
    const other = contentOn('https://other.example');
    // Its own document: the guessed sentence (exact, or one word changed) is "not logged".
    for (const guess of [SECRET, SECRET.replace('positive', 'negative')]) {
      const answer = await handle({ type: 'audit.attribute', text: guess, documentKey: B_KEY }, other);
      expect(answer).toMatchObject({ ok: true, attribution: { figures: { aiSentences: 0 } } });
      const { sentences } = (answer as { attribution: { sentences: { match: unknown }[] } }).attribution;
      expect(sentences.map((s) => s.match)).toEqual([null]);
    }
    // Asking about the other site's document, or about no document, is refused.
    expect(await handle({ type: 'audit.attribute', text: SECRET, documentKey: A_KEY }, other)).toMatchObject({ code: 'forbidden' });
    expect(await handle({ type: 'audit.attribute', text: SECRET, documentKey: null }, other)).toMatchObject({ code: 'forbidden' });
    // The page the sentence was accepted on still sees it; the audit page sees it from anywhere.
    const own = await handle({ type: 'audit.attribute', text: SECRET, documentKey: A_KEY }, contentOn('https://news.example'));
    expect(own).toMatchObject({ ok: true, attribution: { figures: { aiSentences: 1 } } });
    const audit = await handle({ type: 'audit.attribute', text: SECRET, documentKey: B_KEY }, page);
    expect(audit).toMatchObject({ ok: true, attribution: { figures: { aiSentences: 1 } } });
  });

  it('records and withdraws only for its own page', async () => {
    const acceptance = makeAcceptance({ document: A, insertedText: 'The mayor opened the new library on Saturday morning.' });
    const other = contentOn('https://other.example');
    expect(await handle({ type: 'ledger.record', acceptance }, other)).toMatchObject({ code: 'forbidden' });
    const recorded = await handle({ type: 'ledger.record', acceptance }, contentOn('https://news.example'));
    expect(recorded).toMatchObject({ ok: true, seq: 2 });
    const { seq, hash } = recorded as { seq: number; hash: string };
    expect(await handle({ type: 'ledger.withdraw', seq, hash, reason: 'undone' }, other)).toMatchObject({ code: 'forbidden' });
    // A seq that does not exist answers the same as another page's entry.
    expect(await handle({ type: 'ledger.withdraw', seq: 40, hash, reason: 'undone' }, other)).toMatchObject({ code: 'forbidden' });
    expect(await handle({ type: 'ledger.withdraw', seq, hash, reason: 'undone' }, contentOn('https://news.example'))).toMatchObject({ ok: true, seq: 3 });
    expect(await ledger.verify()).toMatchObject({ ok: true, entries: 3 });
  });
});
