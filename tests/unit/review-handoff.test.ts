import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { createRequestHandler } from '../../lib/background/request-handler';
import type { RequestHandlerDependencies } from '../../lib/background/request-handler';
import { HANDOFF_LIFETIME_MS, reviewHandoffs, type ReviewHandoffs } from '../../lib/background/review-handoff';
import { senderScope } from '../../lib/background/sender-scope';
import { openLedger, type Ledger } from '../../lib/ledger';

/**
 * "Record a review…" from the in-page audit (#12, part 1): the field's text goes to the audit
 * page through the background, once, under a token in the page's URL; only a content script of the
 * field's own page can hand it over, and only an extension page can take it.
 */
const OWN = { id: 'ext-id', pagesOrigin: 'chrome-extension://ext-id/' };
const KEY = 'https://cms.example.com/wp-admin/post.php?post=7#content';
const TEXT = 'The harbour authority approved the new ferry timetable on Monday evening.';
const T0 = 1_750_000_000_000;
const TOKEN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('review hand-offs', () => {
  it('give the text once, under an unguessable token, for a few minutes', () => {
    const handoffs = reviewHandoffs();
    const token = handoffs.offer({ documentKey: KEY, text: TEXT }, T0);
    expect(token).toMatch(TOKEN);
    expect(handoffs.offer({ documentKey: KEY, text: TEXT }, T0)).not.toBe(token);
    expect(handoffs.take(token, T0 + 1000)).toEqual({ documentKey: KEY, text: TEXT });
    expect(handoffs.take(token, T0 + 1000)).toBeNull();
    const late = handoffs.offer({ documentKey: KEY, text: TEXT }, T0);
    expect(handoffs.take(late, T0 + HANDOFF_LIFETIME_MS)).toBeNull();
    expect(handoffs.take('00000000-0000-4000-8000-000000000000', T0)).toBeNull();
  });

  it('keep only the newest few waiting', () => {
    const handoffs = reviewHandoffs();
    const tokens = Array.from({ length: 7 }, (_, i) => handoffs.offer({ documentKey: KEY, text: `${i}` }, T0));
    expect(handoffs.take(tokens[0]!, T0)).toBeNull();
    expect(handoffs.take(tokens[1]!, T0)).toBeNull();
    expect(handoffs.take(tokens[6]!, T0)?.text).toBe('6');
  });
});

describe('audit.reviewOnAuditPage and audit.takeHandoff', () => {
  let ledger: Ledger;
  let handoffs: ReviewHandoffs;
  let opened: string[];
  let handle: ReturnType<typeof createRequestHandler>;
  const content = (origin: string) => senderScope({ id: OWN.id, url: `${origin}/wp-admin/post.php?post=7`, origin }, OWN)!;
  const extensionPage = senderScope({ id: OWN.id, url: 'chrome-extension://ext-id/audit.html' }, OWN)!;

  beforeEach(() => {
    ledger = openLedger({ name: 'handoff', indexedDB: new IDBFactory(), IDBKeyRange });
    handoffs = reviewHandoffs();
    opened = [];
    handle = createRequestHandler({
      ledger: () => ledger,
      extensionVersion: '0.1.0',
      reviewHandoff: { handoffs, openAuditPage: async (query: string) => void opened.push(query) },
    } as unknown as RequestHandlerDependencies);
  });
  afterEach(() => ledger.close());

  it('opens the audit page on the document with a token that gives its text to the audit page once', async () => {
    expect(await handle({ type: 'audit.reviewOnAuditPage', documentKey: KEY, text: TEXT }, content('https://cms.example.com'))).toEqual({ ok: true, opened: true });
    expect(opened).toHaveLength(1);
    const query = new URLSearchParams(opened[0]);
    expect(query.get('doc')).toBe(KEY);
    const token = query.get('handoff')!;
    // A page (its content script) cannot take it back; the audit page can, once.
    expect(await handle({ type: 'audit.takeHandoff', token }, content('https://cms.example.com'))).toMatchObject({ ok: false });
    expect(await handle({ type: 'audit.takeHandoff', token }, extensionPage)).toEqual({ ok: true, documentKey: KEY, text: TEXT });
    expect(await handle({ type: 'audit.takeHandoff', token }, extensionPage)).toMatchObject({ ok: false, code: 'gone' });
  });

  it('refuses a hand-off of another site’s document, and malformed requests', async () => {
    expect(await handle({ type: 'audit.reviewOnAuditPage', documentKey: KEY, text: TEXT }, content('https://evil.example'))).toMatchObject({ ok: false });
    expect(opened).toEqual([]);
    expect(await handle({ type: 'audit.reviewOnAuditPage', documentKey: KEY, text: '' }, content('https://cms.example.com'))).toBeNull();
    expect(await handle({ type: 'audit.takeHandoff', token: '../../etc' }, extensionPage)).toBeNull();
  });
});
