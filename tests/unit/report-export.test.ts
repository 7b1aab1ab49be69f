import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { openLedger, type Ledger } from '../../lib/ledger';
import { canonicalJson } from '../../lib/ledger/canonical';
import { rng } from '../../lib/ledger/calibration';
import { isStub } from '../../lib/ledger/entry';
import {
  IPTC,
  buildDocumentReport,
  disclosureHtml,
  disclosureMarkdown,
  reportCsv,
  CSV_DOCUMENT_COLUMNS,
  type DocumentReport,
} from '../../lib/ledger/report';
import { verifyReport } from '../../lib/ledger/report-verify';
import { makeAcceptance } from '../../lib/ledger/testing';

const DOC = { origin: 'https://cms.example.com', path: '/stories/42/edit', fieldId: 'body' };
const DOC_KEY = 'https://cms.example.com/stories/42/edit#body';
const OTHER = { origin: 'https://cms.example.com', path: '/stories/77/edit', fieldId: 'body' };

const S1 = 'The city council approved the new transport budget on Tuesday evening after a long debate.';
const S2 = 'Critics said the plan ignores cyclists and pedestrians in the northern districts.';
const REWRITE = 'The mayor warned that fares could rise next year if revenue falls short.';
const OWN = 'Residents packed the hall to hear the vote.';
const EDITED = 'Critics said the plan ignores cyclists and walkers in the northern districts.';
const TEXT = `${OWN} ${S1} ${EDITED} ${REWRITE}`;

let ledger: Ledger;
let report: DocumentReport;
let json: string;

beforeAll(async () => {
  ledger = openLedger({ name: 'report', indexedDB: new IDBFactory(), IDBKeyRange });
  await ledger.append(makeAcceptance({ document: DOC, insertedText: `${S1} ${S2}` }));
  await ledger.append(makeAcceptance({ document: OTHER, insertedText: 'A secret sentence about another story. It must not leak.' }));
  await ledger.append(
    makeAcceptance({ document: DOC, action: 'rephrase', originalText: 'Mayor says fares may go up next year.', insertedText: REWRITE }),
  );
  await ledger.append(makeAcceptance({ document: OTHER, insertedText: 'Another private draft line for the other story.' }));
  report = await buildDocumentReport(ledger, DOC_KEY, { text: TEXT, extensionVersion: '0.1.0', now: () => 1_750_000_100_000 });
  json = JSON.stringify(report);
});
afterAll(() => ledger.close());

describe('per-document report', () => {
  it('verifies outside the extension, from the JSON file alone', async () => {
    const result = await verifyReport(JSON.parse(json));
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.facts).toMatchObject({ document: DOC_KEY, entries: 4, documentEntries: 2, headSeq: 4 });
  });

  it('carries the IPTC type, C2PA-shaped actions, public key and signed head', () => {
    expect(report.document.digitalSourceType).toBe(IPTC.compositeWithTrainedAlgorithmicMedia);
    expect(report.actions.map((a) => a.action)).toEqual(['c2pa.created', 'c2pa.edited']);
    const [created] = report.actions;
    expect(created).toMatchObject({
      digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia',
      softwareAgent: { name: 'onnx-community/Qwen2.5-0.5B-Instruct', version: 'abc123' },
      when: new Date(1_750_000_005_000).toISOString(),
      parameters: { 'ledgerline.action': 'continue', 'ledgerline.entry': 1 },
    });
    // Sentence 1 kept verbatim at its place in the text, sentence 2 edited.
    expect(created!.changes[0]).toMatchObject({
      description: 'sentence 1: kept as suggested',
      region: [{ type: 'textual', text: { selectors: [{ selector: { start: OWN.length + 1, end: OWN.length + 1 + S1.length } }] } }],
    });
    expect(created!.changes[1]!.description).toBe('sentence 2: edited by the writer (8% of words changed)');
    expect(report.chain.head).toMatchObject({ seq: 4 });
    expect(report.chain.keys[0]).toMatchObject({ algorithm: 'Ed25519', keyId: report.signature.keyId });
  });

  it('shows other documents only as link stubs: their text does not leak', () => {
    expect(report.chain.entries.map((e) => (isStub(e) ? 'stub' : 'full'))).toEqual(['full', 'stub', 'full', 'stub']);
    expect(json).not.toContain('secret');
    expect(json).not.toContain('private draft');
  });

  it('gives sentence categories, percentages and the human-touch figure', () => {
    expect(report.text!.sentences.map((s) => [s.category, s.changedPercent])).toEqual([
      ['not-logged', null],
      ['ai-verbatim', 0],
      ['ai-edited', 8.3333],
      ['ai-rewrite', 0],
    ]);
    const t = report.summary.text!;
    expect(t).toMatchObject({ sentences: 4, aiSentences: 3, aiSentenceShare: 0.75 });
    // The writer's characters: their own sentence and the word they put into the AI's.
    const edited = report.text!.sentences[2]!;
    expect(edited.aiSpans.map((span) => TEXT.slice(span.start, span.end))).toEqual(['Critics said the plan ignores cyclists and', 'in the northern districts.']);
    expect(t.humanTouch).toBeCloseTo((OWN.length + ' walkers '.length) / (OWN.length + S1.length + EDITED.length + REWRITE.length), 3);
    expect(t.aiCharacterShare + t.humanTouch).toBe(1);
    const [ai, human] = [...report.disclosure.statement.matchAll(/(\d+)% of the/g)].map((m) => Number(m[1]));
    expect(ai! + human!).toBe(100);
    expect(report.disclosure.statement).toMatch(
      /^3 AI-assisted sentences have not been reviewed by an editor\. 3 of 4 sentences \(\d+% of the characters\) were drafted with on-device AI assistance \(onnx-community\/Qwen2\.5-0\.5B-Instruct\): 1 kept as suggested, 1 edited by the author and 1 is an AI rewrite of the author's own text\. The author wrote or changed \d+% of the text\. Sentences not in the ledger are not proof of human writing/,
    );
  });

  it('exports CSV (quoted, formula-safe), Markdown and HTML (escaped)', () => {
    const csv = reportCsv(report).trimEnd().split('\r\n');
    expect(csv[0]).toBe(`sentence,start,end,category,label,changed_percent,estimated,model,action,accepted_at,entry,text,${CSV_DOCUMENT_COLUMNS.join(',')}`);
    expect(csv).toHaveLength(5);
    expect(csv[3]).toContain(',ai-edited,"AI, human-edited",8.3333,false,onnx-community/Qwen2.5-0.5B-Instruct,continue,');
    const hostile = { ...report, text: { ...report.text!, sentences: [{ ...report.text!.sentences[0]!, text: '=HYPERLINK("x")' }] } };
    expect(reportCsv(hostile)).toContain(`"'=HYPERLINK(""x"")"`);
    const md = disclosureMarkdown(report);
    expect(md).toContain('### AI assistance disclosure');
    expect(md).toContain(`<${IPTC.compositeWithTrainedAlgorithmicMedia}>`);
    const html = disclosureHtml({ ...report, disclosure: { line: 'the line', statement: 'a <b> & "c"' } });
    expect(html).toContain('<p>a &lt;b&gt; &amp; &quot;c&quot;</p>');
  });

  it('without text: a statement from the entries alone, still verifiable', async () => {
    const bare = await buildDocumentReport(ledger, DOC_KEY, { extensionVersion: '0.1.0' });
    expect(bare.text).toBeNull();
    expect(bare.disclosure.statement).toMatch(/records 2 AI suggestions accepted in this document \(3 sentences\)/);
    expect(reportCsv(bare).split('\r\n')[0]).toBe(`entry,sentence,model,action,accepted_at,sha256,text,not_counted,${CSV_DOCUMENT_COLUMNS.join(',')}`);
    expect((await verifyReport(JSON.parse(JSON.stringify(bare)))).ok).toBe(true);
  });

  it('names what is wrong in a tampered report', async () => {
    const fresh = () => JSON.parse(json) as DocumentReport;
    let r = fresh();
    r.summary.text!.aiSentences = 1;
    expect((await verifyReport(r)).problems).toEqual([
      'report signature is invalid: the file was changed after it was exported (or signed with another key)',
      'summary does not match the entries',
    ]);
    r = fresh();
    (r.chain.entries[2] as { insertedText: string }).insertedText = 'Something else.';
    expect((await verifyReport(r)).problems).toContain('chain breaks at entry 3: entry content does not match its hash');
    r = fresh();
    const e = r.chain.entries[0]!;
    r.chain.entries[0] = { v: 2, seq: 1, prevHash: e.prevHash, contentHash: e.contentHash!, documentTag: e.documentTag!, hash: e.hash };
    expect((await verifyReport(r)).problems).toContain('entry 1 belongs to this document but its content was left out');
    r = fresh();
    r.chain.entries.splice(1, 1);
    expect((await verifyReport(r)).problems).toContain('chain breaks at entry 2: expected entry 2, found 3');
    expect((await verifyReport({ format: 'x' })).problems[0]).toMatch(/^not a Ledgerline report/);
  });
});

type Path = (string | number)[];
function nodes(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (value !== null && typeof value === 'object') {
    const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
    for (const k of keys) out.push(...nodes((value as Record<string | number, unknown>)[k], [...prefix, k]));
  }
  return out;
}
const get = (o: unknown, p: Path) => p.reduce<unknown>((c, k) => (c as Record<string | number, unknown>)[k], o);

/** One random structural or value mutation, in place. Returns a description. */
function mutate(root: Record<string, unknown>, r: () => number): string {
  const all = nodes(root).filter((p) => p.length > 0);
  const path = all[Math.floor(r() * all.length)]!;
  const parent = get(root, path.slice(0, -1)) as Record<string | number, unknown> | unknown[];
  const key = path[path.length - 1]!;
  const value = get(root, path);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const op = Math.floor(r() * 6);
  if (op === 0 && !Array.isArray(parent)) {
    delete (parent as Record<string, unknown>)[key as string];
    return `delete ${path.join('.')}`;
  }
  if (op === 1 && !Array.isArray(parent)) {
    (parent as Record<string, unknown>)[pick(['extra', 'v', 'hash', 'seq', 'text', 'note'])] = pick([1, 'x', null, true, {}]);
    return `add key under ${path.slice(0, -1).join('.')}`;
  }
  if (op === 2 && Array.isArray(parent)) {
    const i = key as number;
    const j = Math.floor(r() * parent.length);
    const kind = pick(['remove', 'duplicate', 'swap']);
    if (kind === 'remove') parent.splice(i, 1);
    else if (kind === 'duplicate') parent.splice(j, 0, structuredClone(parent[i]));
    else [parent[i], parent[j]] = [parent[j], parent[i]];
    return `${kind} ${path.join('.')}`;
  }
  let next: unknown;
  if (typeof value === 'string') {
    next = pick([
      `${value}x`,
      value.slice(1),
      value.length ? value.slice(0, -1) + String.fromCharCode((value.charCodeAt(value.length - 1) % 120) + 1) : 'a',
      '',
      value.toUpperCase(),
    ]);
  } else if (typeof value === 'number') next = pick([value + 1, value - 1, value * 2, 0, -value, String(value)]);
  else if (typeof value === 'boolean') next = !value;
  else if (value === null) next = pick([0, '', 'x', {}, []]);
  else next = pick([null, 'x', 0, Array.isArray(value) ? {} : []]);
  (parent as Record<string | number, unknown>)[key] = next;
  return `set ${path.join('.')}`;
}

describe('fuzz: random mutations of an exported report', () => {
  it('detects every one of 1,000 mutations that changes the report', async () => {
    const r = rng(20261125);
    const original = canonicalJson(JSON.parse(json));
    let detected = 0;
    let noop = 0;
    const missed: string[] = [];
    for (let n = 0; n < 1000; n++) {
      const copy = JSON.parse(json) as Record<string, unknown>;
      const what = mutate(copy, r);
      let same = false;
      try {
        same = canonicalJson(copy) === original;
      } catch {
        same = false;
      }
      if (same) {
        noop++;
        continue;
      }
      const result = await verifyReport(copy);
      if (result.ok) missed.push(what);
      else detected++;
    }
    expect(missed).toEqual([]);
    expect(detected + noop).toBe(1000);
    expect(detected).toBeGreaterThan(900);
  }, 120_000);

  it('re-signed by the ledger key itself, 1,000 mutations of the chain or derived facts are still caught by the structure checks', async () => {
    // As if the mutation were made before signing (a buggy or hostile exporter with the key):
    // only the chain hashes, head signature and re-derivation can catch it.
    const { reportBody, REPORT_FORMAT } = await import('../../lib/ledger/report');
    const r = rng(7);
    const base = JSON.parse(json) as Record<string, unknown>;
    delete base.signature;
    const original = canonicalJson(base);
    // Fields a signer may legitimately state freely (when and by what it was generated, the page title).
    const free = /^(generatedAt|generator|document\.title|format)/;
    let detected = 0;
    let skipped = 0;
    const missed: string[] = [];
    for (let n = 0; n < 1000; n++) {
      const copy = structuredClone(base);
      const what = mutate(copy, r);
      let same = false;
      try {
        same = canonicalJson(copy) === original;
      } catch {
        same = false;
      }
      if (same || free.test(what.replace(/^(set|delete|remove|duplicate|swap) /, ''))) {
        skipped++;
        continue;
      }
      let body: Record<string, unknown>;
      try {
        canonicalJson(copy);
        body = reportBody(copy as unknown as DocumentReport);
      } catch {
        detected++; // not even serialisable: cannot be a report
        continue;
      }
      const sig = await ledger.signStatement(REPORT_FORMAT, body);
      const signed = { ...copy, signature: { algorithm: sig.algorithm, keyId: sig.keyId, value: sig.signature } };
      const result = await verifyReport(JSON.parse(JSON.stringify(signed)));
      if (result.ok) missed.push(what);
      else detected++;
    }
    expect(missed).toEqual([]);
    expect(detected).toBeGreaterThan(800);
    expect(detected + skipped).toBe(1000);
  }, 120_000);
});
