import { sha256Hex } from '../text/hash';
import { base64ToBytes } from './base64';
import { canonicalJson } from './canonical';
import { GENESIS_ANCHOR, verifyChain } from './chain';
import { isStub } from './entry';
import { REPORT_FORMAT, deriveReport, reportBody, type DocumentReport } from './report';
import { verifyCheckpoint, verifyStatement } from './signing';
import type { LedgerEntry, PublicKeyInfo } from './types';

/**
 * Verify a per-document report anywhere WebCrypto runs (Node 20, browsers), without the
 * extension. Every problem is reported in words; `ok` only when there are none.
 */
export interface ReportVerification {
  ok: boolean;
  problems: string[];
  /** What was established (for display). */
  facts: {
    signerKeyId: string | null;
    algorithm: string | null;
    document: string | null;
    entries: number;
    documentEntries: number;
    headSeq: number | null;
    pruned: number;
    statement: string | null;
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => {
  try {
    return canonicalJson(a) === canonicalJson(b);
  } catch {
    return false;
  }
};

export async function verifyReport(input: unknown): Promise<ReportVerification> {
  const problems: string[] = [];
  const facts: ReportVerification['facts'] = {
    signerKeyId: null,
    algorithm: null,
    document: null,
    entries: 0,
    documentEntries: 0,
    headSeq: null,
    pruned: 0,
    statement: null,
  };
  const done = () => ({ ok: problems.length === 0, problems, facts });
  try {
    // 1. Shape.
    if (!isObject(input)) return problems.push('not a Ledgerline report (not a JSON object)'), done();
    if (input.format !== REPORT_FORMAT) return problems.push(`not a Ledgerline report (format is ${JSON.stringify(input.format)}, expected "${REPORT_FORMAT}")`), done();
    const r = input as unknown as DocumentReport;
    for (const field of ['document', 'chain', 'signature', 'summary', 'disclosure'] as const) {
      if (!isObject(r[field])) problems.push(`malformed report: "${field}" is missing or not an object`);
    }
    if (!Array.isArray(r.actions)) problems.push('malformed report: "actions" is not a list');
    if (r.text !== null && !isObject(r.text)) problems.push('malformed report: "text" must be an object or null');
    if (problems.length) return done();
    const chain = r.chain;
    if (!Array.isArray(chain.entries) || !Array.isArray(chain.keys) || !isObject(chain.anchor)) {
      return problems.push('malformed report: chain.entries, chain.keys and chain.anchor are required'), done();
    }
    // Strict shape: a field the verifier does not know cannot be vouched for.
    const exact = (what: string, obj: unknown, keys: string[]) => {
      if (!isObject(obj)) return problems.push(`malformed report: ${what} is not an object`);
      const extra = Object.keys(obj).filter((k) => !keys.includes(k));
      const missing = keys.filter((k) => !(k in obj));
      if (extra.length) problems.push(`malformed report: unexpected field ${what}.${extra[0]}`);
      if (missing.length) problems.push(`malformed report: missing field ${what}.${missing[0]}`);
      return 0;
    };
    exact('report', r, ['format', 'generator', 'generatedAt', 'document', 'text', 'summary', 'actions', 'disclosure', 'chain', 'signature']);
    exact('document', r.document, ['key', 'tag', 'title', 'digitalSourceType']);
    exact('generator', r.generator, ['name', 'version']);
    exact('chain', chain, ['anchor', 'checkpoint', 'entries', 'head', 'keys']);
    exact('chain.anchor', chain.anchor, ['seq', 'prevHash']);
    if (chain.head !== null) exact('chain.head', chain.head, ['seq', 'hash', 'keyId', 'algorithm', 'signedAt', 'signature']);
    if (chain.checkpoint !== null) {
      exact('chain.checkpoint', chain.checkpoint, ['seq', 'hash', 'pruned', 'prunedAt', 'retentionDays', 'keyId', 'algorithm', 'signature']);
    }
    for (const [i, k] of chain.keys.entries()) {
      exact(`chain.keys[${i}]`, k, ['algorithm', 'spki', 'keyId']);
      if (isObject(k) && (typeof k.spki !== 'string' || (await sha256Hex(base64ToBytes(k.spki))) !== k.keyId)) {
        problems.push(`chain.keys[${i}]: keyId is not the SHA-256 of the public key`);
      }
    }
    const keyAlgorithm = (keyId: unknown) => chain.keys.find((k) => isObject(k) && k.keyId === keyId)?.algorithm;
    for (const [what, signer] of [['signature', r.signature], ['chain.head', chain.head], ['chain.checkpoint', chain.checkpoint]] as const) {
      if (isObject(signer) && keyAlgorithm(signer.keyId) !== signer.algorithm) {
        problems.push(`${what}: algorithm ${String(signer.algorithm)} is not the algorithm of key ${String(signer.keyId)}`);
      }
    }
    if (problems.length) return done();
    facts.document = typeof r.document.key === 'string' ? r.document.key : null;
    facts.statement = typeof r.disclosure.statement === 'string' ? r.disclosure.statement : null;
    facts.entries = chain.entries.length;
    const keys = chain.keys as PublicKeyInfo[];
    const spkiFor = (keyId: unknown) => keys.find((k) => isObject(k) && k.keyId === keyId)?.spki ?? null;

    // 2. The report signature covers everything else in the file.
    const sig = r.signature;
    if (Object.keys(sig).sort().join(',') !== 'algorithm,keyId,value') problems.push('malformed report: signature must hold exactly algorithm, keyId and value');
    facts.signerKeyId = typeof sig.keyId === 'string' ? sig.keyId : null;
    facts.algorithm = typeof sig.algorithm === 'string' ? sig.algorithm : null;
    const signerSpki = spkiFor(sig.keyId);
    if (!signerSpki) problems.push(`report signature: key ${String(sig.keyId)} is not among chain.keys`);
    else if (
      typeof sig.value !== 'string' ||
      !(await verifyStatement(REPORT_FORMAT, reportBody(r), sig.value, { algorithm: sig.algorithm as never, keyId: String(sig.keyId) }, signerSpki))
    ) {
      problems.push('report signature is invalid: the file was changed after it was exported (or signed with another key)');
    }

    // 3. Retention checkpoint and where the chain starts.
    let anchor = GENESIS_ANCHOR;
    if (chain.checkpoint !== null) {
      const cp = chain.checkpoint;
      if (!isObject(cp)) problems.push('malformed report: chain.checkpoint');
      else {
        const spki = spkiFor(cp.keyId);
        if (!spki || !(await verifyCheckpoint(cp, spki))) problems.push(`retention checkpoint at entry ${String(cp.seq)} has an invalid signature`);
        anchor = { seq: Number(cp.seq) + 1, prevHash: String(cp.hash) };
        facts.pruned = Number(cp.pruned) || 0;
      }
    }
    if (!same(chain.anchor, anchor)) {
      problems.push(`chain.anchor does not match the ${chain.checkpoint ? 'retention checkpoint' : 'start of the ledger (genesis)'}`);
    }

    // 4. The chain: every hash, every link, the signed head.
    const head = chain.head;
    facts.headSeq = isObject(head) && typeof head.seq === 'number' ? head.seq : null;
    const chainResult = await verifyChain(chain.entries, head ?? null, head ? spkiFor(head.keyId) : null, anchor);
    if (!chainResult.ok) problems.push(`chain breaks at entry ${chainResult.brokenAt}: ${chainResult.reason}`);

    // 5. The document's entries are all there, none hidden as another document's stub.
    const key = r.document.key;
    if (typeof key !== 'string') return problems.push('malformed report: document.key'), done();
    const tag = await sha256Hex(key);
    if (r.document.tag !== tag) problems.push('document.tag is not the SHA-256 of document.key');
    const docEntries: LedgerEntry[] = [];
    const full = new Map<number, LedgerEntry>();
    for (const e of chain.entries) {
      if (!isObject(e)) continue;
      if (isStub(e)) {
        if (e.documentTag === tag) problems.push(`entry ${e.seq} belongs to this document but its content was left out`);
      } else {
        full.set(e.seq, e);
        if (e.documentKey === key) docEntries.push(e);
      }
    }
    // Acceptances this document's moves received must be there whole (unless retention removed them).
    const inDocument = new Set(docEntries.map((e) => e.seq));
    for (const m of [...docEntries]) {
      if (m.moves?.direction !== 'in') continue;
      for (const ref of m.moves.entries) {
        if (ref.seq < anchor.seq) continue;
        const moved = full.get(ref.seq);
        if (!moved) problems.push(`entry ${ref.seq} was moved into this document but its content was left out`);
        else if (moved.hash !== ref.hash) problems.push(`move entry ${m.seq} names entry ${ref.seq} with another hash`);
        else if (!inDocument.has(moved.seq)) {
          inDocument.add(moved.seq);
          docEntries.push(moved);
        }
      }
    }
    docEntries.sort((a, b) => a.seq - b.seq);
    facts.documentEntries = docEntries.length;

    // 6. Everything derived must follow from those entries and the supplied text.
    if (!chainResult.ok) return done(); // derived figures from a broken chain mean nothing
    const text = r.text === null ? null : r.text.content;
    if (text !== null && typeof text !== 'string') return problems.push('malformed report: text.content'), done();
    const derived = await deriveReport({ documentKey: key, entries: docEntries, text, keyId: facts.signerKeyId });
    const { title: _title, ...docFacts } = derived.document;
    const { title: _t2, ...reportedDoc } = r.document;
    if (!same(reportedDoc, docFacts)) problems.push('document facts (digitalSourceType) do not follow from the entries');
    if (!same(r.text, derived.text)) problems.push('text.sentences (categories, offsets or hash) do not match the entries and the text');
    if (!same(r.summary, derived.summary)) problems.push('summary does not match the entries');
    if (!same(r.actions, derived.actions)) problems.push('actions do not match the entries');
    if (!same(r.disclosure, derived.disclosure)) problems.push('disclosure statement does not match the facts');
  } catch (err) {
    problems.push(`malformed report (${err instanceof Error ? err.message : String(err)})`);
  }
  return done();
}
