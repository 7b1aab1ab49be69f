import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { handleAuditRequest } from '../../lib/background/audit-requests';
import { openLedger, type Ledger } from '../../lib/ledger';
import { documentKeyOf } from '../../lib/ledger/document-key';
import { isStub, sealEntry } from '../../lib/ledger/entry';
import { buildDocumentReport, type DocumentReport } from '../../lib/ledger/report';
import type { ReportCheck } from '../../lib/ledger/report-verify';
import { makeAcceptance } from '../../lib/ledger/testing';
import type { LedgerEntry } from '../../lib/ledger/types';
import { parseRequest, type Request } from '../../lib/messaging';

/**
 * A story's report with every kind of record in it (AI sentences kept, edited and rewritten, the
 * writer's own, another document's stubs, an editor's review), and tampered copies of it, each
 * with the checks that must fail. The report checker page, the audit page and the command line
 * run the same verifier on them.
 */
export const STORY = { origin: 'https://news.example.com', path: '/wp-admin/post.php?post=202&action=edit', fieldId: 'content' };
export const STORY_TITLE = 'Ferry timetable: what changes on Monday';
export const FERRY = 'The harbour authority approved the new ferry timetable on Monday evening.';
export const WAITS = 'Officials said the changes would cut waiting times for commuters by half.';
export const WAITS_EDITED = 'Officials said the changes would cut waiting times for most commuters by half.';
export const REWRITE = 'The operator warned that fares could rise next year if revenue falls short.';
export const OWN = 'I called the ferry operator, who confirmed the dates.';
export const STORY_TEXT = `${FERRY} ${OWN} ${WAITS_EDITED} ${REWRITE}`;
export const EDITOR = { name: 'Ana Ruiz', role: 'editor on duty' };

export interface StoryLedger {
  ledger: Ledger;
  documentKey: string;
  report: DocumentReport;
}

/** The story's ledger (in memory) and its signed report, with the editor's review of the text. */
export async function storyLedger(name = 'report-fixtures'): Promise<StoryLedger> {
  const ledger = openLedger({ name, indexedDB: new IDBFactory(), IDBKeyRange });
  await ledger.append(makeAcceptance({ document: STORY, pageTitle: STORY_TITLE, insertedText: `${FERRY} ${WAITS}` }));
  await ledger.append(makeAcceptance({ document: { ...STORY, path: '/wp-admin/post.php?post=77&action=edit' }, pageTitle: 'Other story', insertedText: 'A line of another story.' }));
  await ledger.append(
    makeAcceptance({ document: STORY, pageTitle: STORY_TITLE, action: 'rephrase', originalText: 'Fares may go up next year, the operator said.', insertedText: REWRITE }),
  );
  const ask = async (message: unknown) =>
    handleAuditRequest(parseRequest(message) as Extract<Request, { type: `audit.${string}` }>, { ledger: () => ledger, extensionVersion: '0.1.0' });
  const documentKey = documentKeyOf(STORY);
  const attributed = await ask({ type: 'audit.attribute', text: STORY_TEXT, documentKey });
  if (!attributed.ok) throw new Error(JSON.stringify(attributed));
  const reviewed = await ask({ type: 'audit.review', documentKey, text: STORY_TEXT, reviewer: EDITOR, outcomes: ['kept', 'amended', 'kept'], note: 'Checked the dates.' });
  if (!reviewed.ok) throw new Error(JSON.stringify(reviewed));
  const report = await buildDocumentReport(ledger, documentKey, { text: STORY_TEXT, extensionVersion: '0.1.0', now: () => Date.UTC(2026, 11, 2, 9) });
  return { ledger, documentKey, report };
}

export interface Expected {
  check: ReportCheck;
  entry?: number;
  /** The start of the path where a derived fact differs. */
  at?: string;
}

export interface TamperedReport {
  name: string;
  report: unknown;
  /** Every failure, in order. */
  failures: Expected[];
}

const SIGNATURE: Expected = { check: 'report-signature' };

/** Named tampered copies of a story report (each a fresh deep copy). */
export async function tamperedReports(original: DocumentReport): Promise<TamperedReport[]> {
  const copy = () => structuredClone(original);
  const full = (r: DocumentReport, seq: number) => r.chain.entries.find((e) => e.seq === seq && !isStub(e)) as LedgerEntry;
  const cases: TamperedReport[] = [];
  const add = (name: string, change: (r: DocumentReport) => unknown, failures: Expected[]) => {
    const r = copy();
    const replaced = change(r);
    cases.push({ name, report: replaced ?? r, failures });
  };

  add('one letter of the text changed', (r) => void (r.text!.content = r.text!.content.replace('ferry timetable', 'ferry timetab1e')), [
    SIGNATURE,
    // The sentence is now the writer's edit of the AI's: unreviewed, and every figure follows.
    { check: 'text', at: 'text.sentences[0].' },
    { check: 'summary', at: 'summary.text.' },
    { check: 'actions', at: 'actions[0].changes[0]' },
    { check: 'disclosure', at: 'disclosure.line' },
  ]);
  add('an AI sentence relabelled as the writer’s', (r) => void (r.text!.sentences[0]!.category = 'not-logged'), [SIGNATURE, { check: 'text', at: 'text.sentences[0].' }]);
  add('the AI share lowered in the summary', (r) => void (r.summary.text!.aiSentences = 1), [SIGNATURE, { check: 'summary', at: 'summary.text.aiSentences' }]);
  add('a review outcome changed from kept to rejected', (r) => void ((r.summary.reviews[0]!.outcomes.kept -= 1), (r.summary.reviews[0]!.outcomes.rejected += 1)), [
    SIGNATURE,
    { check: 'summary', at: 'summary.reviews[0].outcomes.' },
  ]);
  add('the reviewer renamed in the review entry', (r) => void (full(r, 4).review!.reviewer.name = 'Someone Else'), [SIGNATURE, { check: 'entry-hash', entry: 4 }]);
  add('the short disclosure line reworded', (r) => void (r.disclosure.line = r.disclosure.line.replace('draft and rephrase', 'check')), [SIGNATURE, { check: 'disclosure', at: 'disclosure.line' }]);
  add('an accepted sentence rewritten in its entry', (r) => void (full(r, 1).insertedText = full(r, 1).insertedText!.replace('Monday', 'Tuesday')), [SIGNATURE, { check: 'entry-hash', entry: 1 }]);
  cases.push({
    name: 'a logged sentence changed and its entry re-hashed',
    report: await (async () => {
      const r = copy();
      const e = full(r, 3);
      e.sentences[0]!.text = 'The operator promised that fares would never rise.';
      r.chain.entries[2] = await sealEntry(e);
      return r;
    })(),
    failures: [SIGNATURE, { check: 'sentence-hash', entry: 3 }],
  });
  add('an entry deleted', (r) => void r.chain.entries.splice(1, 1), [SIGNATURE, { check: 'chain-link', entry: 2 }]);
  add('two entries swapped', (r) => void ([r.chain.entries[0], r.chain.entries[1]] = [r.chain.entries[1]!, r.chain.entries[0]!]), [SIGNATURE, { check: 'chain-link', entry: 1 }]);
  add('the last entry cut off', (r) => void r.chain.entries.pop(), [SIGNATURE, { check: 'head', entry: 4 }]);
  add('the chain head signature altered', (r) => void (r.chain.head!.signature = `${r.chain.head!.signature.startsWith('A') ? 'B' : 'A'}${r.chain.head!.signature.slice(1)}`), [
    SIGNATURE,
    { check: 'head-signature', entry: 4 },
  ]);
  add(
    'one of the story’s entries hidden as a stub',
    (r) => {
      const e = full(r, 1);
      r.chain.entries[0] = { v: 2, seq: 1, prevHash: e.prevHash, contentHash: e.contentHash!, documentTag: e.documentTag!, hash: e.hash };
    },
    [
      SIGNATURE,
      { check: 'completeness', entry: 1 },
      // Without entry 1 its sentences are not the AI's: every figure derived from it differs.
      { check: 'text', at: 'text.sentences[0].' },
      { check: 'summary', at: 'summary.' },
      { check: 'actions', at: 'actions[0].' },
      { check: 'disclosure', at: 'disclosure.line' },
    ],
  );
  add('the report signature altered', (r) => void (r.signature.value = `${r.signature.value.startsWith('A') ? 'B' : 'A'}${r.signature.value.slice(1)}`), [SIGNATURE]);
  add('the public key swapped for another id', (r) => void (r.chain.keys[0]!.keyId = otherLastCharacter(r.chain.keys[0]!.keyId)), [
    { check: 'key' },
    { check: 'key' },
    { check: 'key' },
  ]);
  add('a field added', (r) => void ((r.document as unknown as Record<string, unknown>).verified = true), [{ check: 'shape' }]);
  add('not a report at all', () => ({ format: 'something.else', chain: [] }), [{ check: 'shape' }]);
  return cases;
}

/** The same id with its last character changed (always changed: a fixed replacement is a no-op on ids already ending in it). */
function otherLastCharacter(id: string): string {
  return `${id.slice(0, -1)}${id.endsWith('0') ? '1' : '0'}`;
}
