import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { handleAuditRequest } from '../../lib/background/audit-requests';
import { openLedger, type Ledger } from '../../lib/ledger';
import { makeAcceptance } from '../../lib/ledger/testing';
import { verifyReport } from '../../lib/ledger/report-verify';
import { parseRequest, type Request } from '../../lib/messaging';

const DOC_KEY = 'https://cms.example.com/stories/42/edit#body';
const S1 = 'The city council approved the new transport budget on Tuesday evening after a long debate.';
let ledger: Ledger;
const ctx = () => ({ ledger: () => ledger, extensionVersion: '0.1.0' });
/** Validate like the background does, then answer. */
async function ask(message: unknown) {
  const request = parseRequest(message);
  if (!request) return null;
  return handleAuditRequest(request as Extract<Request, { type: `audit.${string}` }>, ctx());
}

beforeEach(async () => {
  ledger = openLedger({ name: 'audit-req', indexedDB: new IDBFactory(), IDBKeyRange });
  await ledger.append(makeAcceptance({ insertedText: S1 }));
});
afterEach(() => ledger.close());

describe('audit requests (background side)', () => {
  it('refuses malformed requests at the receiver', async () => {
    expect(await ask({ type: 'audit.attribute', text: 5, documentKey: null })).toBeNull();
    expect(await ask({ type: 'audit.restore', backup: '{}' })).toBeNull();
    expect(await ask({ type: 'audit.prune', retentionDays: 0 })).toBeNull();
  });

  it('attributes with match details for the hover card and records the audit on the document', async () => {
    const r = await ask({ type: 'audit.attribute', text: `I wrote this. ${S1}`, documentKey: DOC_KEY });
    expect(r).toMatchObject({ ok: true });
    const a = (r as Extract<typeof r, { attribution: unknown }>).attribution;
    expect(a.sentences.map((s) => s.kind)).toEqual(['not-logged', 'ai-verbatim']);
    expect(a.sentences[1]!.match).toMatchObject({
      seq: 1,
      action: 'continue',
      rewrite: false,
      model: { id: 'onnx-community/Qwen2.5-0.5B-Instruct' },
      suggestedSentence: S1,
    });
    expect(a.figures).toMatchObject({ sentences: 2, aiSentences: 1 });
    const docs = await ask({ type: 'audit.documents' });
    expect(docs).toMatchObject({ ok: true, documents: [{ key: DOC_KEY, entries: 1, lastAudit: { sentences: 2, aiSentences: 1 } }] });
  });

  it('verifies, exports four files (the JSON one verifies), backs up and refuses a tampered restore with code "refused"', async () => {
    expect(await ask({ type: 'audit.verify' })).toMatchObject({ ok: true, result: { ok: true, entries: 1, headSeq: 1 } });
    const rep = await ask({ type: 'audit.report', documentKey: DOC_KEY, text: S1 });
    expect(rep).toMatchObject({ ok: true });
    const files = (rep as Extract<typeof rep, { files: unknown }>).files;
    expect(Object.keys(files)).toEqual(['json', 'csv', 'markdown', 'html']);
    expect(files.json.name).toMatch(/^budget-story-\d{4}-\d{2}-\d{2}\.ledgerline-report\.json$/);
    expect((await verifyReport(JSON.parse(files.json.content))).ok).toBe(true);

    const backup = await ask({ type: 'audit.backup' });
    const content = (backup as Extract<typeof backup, { file: unknown }>).file.content;
    const tampered = content.replace('Tuesday evening', 'Wednesday evening');
    expect(await ask({ type: 'audit.restore', backup: tampered, replace: true })).toEqual({
      ok: false,
      code: 'refused',
      error: 'Backup refused: entry 1 does not verify (entry content does not match its hash). Nothing was imported.',
    });
    expect(await ask({ type: 'audit.restore', backup: content, replace: false })).toMatchObject({ ok: true, mode: 'up-to-date' });
  });

  it('refuses to export when the ledger itself does not verify', async () => {
    const e = (await ledger.db.entries.get(1))!;
    await ledger.db.entries.put({ ...e, pageTitle: 'changed' });
    expect(await ask({ type: 'audit.verify' })).toMatchObject({ ok: true, result: { ok: false, brokenAt: 1 } });
    expect(await ask({ type: 'audit.report', documentKey: DOC_KEY, text: null })).toMatchObject({
      ok: false,
      code: 'unverified',
      error: 'The ledger does not verify (entry 1: entry content does not match its hash); no report was made.',
    });
  });
});
