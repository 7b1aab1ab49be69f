import { sha256Hex } from '../text/hash';
import { base64ToBytes } from './base64';
import { canonicalJson } from './canonical';
import { GENESIS_ANCHOR, verifyChain } from './chain';
import { isStub } from './entry';
import { REPORT_FORMAT, deriveReport, disclosureStatement, reportBody, type DocumentReport } from './report';
import { verifyCheckpoint, verifyStatement } from './signing';
import type { LedgerEntry, PublicKeyInfo } from './types';

/**
 * Verify a per-document report anywhere WebCrypto runs (Node 20, browsers, the offline report
 * checker page), without the extension. Every problem is reported in words, with the check that
 * failed and the entry it concerns; `ok` only when there are none.
 */
export type ReportCheck =
  /** Not a report, or a field missing, added or of the wrong type. */
  | 'shape'
  /** A public key whose id is not its hash, or an algorithm that is not the key's. */
  | 'key'
  /** The signature over the whole report. */
  | 'report-signature'
  | 'checkpoint'
  /** Where the chain starts (genesis or the checkpoint). */
  | 'anchor'
  /** An entry missing, moved, or not pointing at the one before it. */
  | 'chain-link'
  /** An entry's fields changed (its recomputed hash differs). */
  | 'entry-hash'
  /** A logged sentence's text changed (its hash or offsets differ). */
  | 'sentence-hash'
  | 'entry-format'
  /** The signed head: its hash, position or signature. */
  | 'head'
  | 'head-signature'
  /** One of this document's entries left out or hidden as another document's. */
  | 'completeness'
  /** Facts derived from the entries that do not follow from them. */
  | 'document'
  | 'text'
  | 'summary'
  | 'actions'
  | 'disclosure';

export interface ReportFailure {
  check: ReportCheck;
  /** The ledger entry (seq) it concerns, when one does. */
  entry: number | null;
  message: string;
  /** Where in the report a derived fact differs from what the entries give ("summary.text.aiSentences"). */
  at: string | null;
}

export interface ReportVerification {
  ok: boolean;
  /** The failures' messages, in order (what the command line prints). */
  problems: string[];
  failures: ReportFailure[];
  /** What was established (for display). */
  facts: {
    signerKeyId: string | null;
    algorithm: string | null;
    document: string | null;
    entries: number;
    documentEntries: number;
    headSeq: number | null;
    pruned: number;
    /** The short disclosure line and the detailed statement, as the report states them. */
    line: string | null;
    statement: string | null;
    /** The key that signed the chain head (the ledger's key at the time). */
    headKeyId: string | null;
  };
}

/** Which check a chain failure (ChainVerifier's reason) is. */
function chainCheckOf(reason: string): ReportCheck {
  if (/^sentence \d+ /.test(reason)) return 'sentence-hash';
  if (/signed head signature/.test(reason)) return 'head-signature';
  if (/signed head|no signed head/.test(reason)) return 'head';
  if (/does not match its hash|documentTag does not match/.test(reason)) return 'entry-hash';
  if (/^expected entry|prevHash/.test(reason)) return 'chain-link';
  return 'entry-format';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => {
  try {
    return canonicalJson(a) === canonicalJson(b);
  } catch {
    return false;
  }
};

/** The first path at which two JSON values differ ("summary.reviews[0].note"). */
function firstDifference(a: unknown, b: unknown, path: string): string {
  if (same(a, b)) return path;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (!same(a[i], b[i])) return firstDifference(a[i], b[i], `${path}[${i}]`);
    return `${path}[${Math.min(a.length, b.length)}]`;
  }
  if (isObject(a) && isObject(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (!same(a[k], b[k])) return firstDifference(a[k], b[k], `${path}.${k}`);
    }
  }
  return path;
}

export async function verifyReport(input: unknown): Promise<ReportVerification> {
  const failures: ReportFailure[] = [];
  const fail = (check: ReportCheck, message: string, entry: number | null = null, at: string | null = null) =>
    failures.push({ check, entry, message, at });
  /** A derived fact that must equal what the verifier derived itself. */
  const mustFollow = (check: ReportCheck, path: string, reported: unknown, derived: unknown, message: string) => {
    if (!same(reported, derived)) fail(check, message, null, firstDifference(reported, derived, path));
  };
  const facts: ReportVerification['facts'] = {
    signerKeyId: null,
    algorithm: null,
    document: null,
    entries: 0,
    documentEntries: 0,
    headSeq: null,
    pruned: 0,
    line: null,
    statement: null,
    headKeyId: null,
  };
  const done = (): ReportVerification => ({ ok: failures.length === 0, problems: failures.map((f) => f.message), failures, facts });
  try {
    // 1. Shape.
    if (!isObject(input)) return fail('shape', 'not a Ledgerline report (not a JSON object)'), done();
    if (input.format !== REPORT_FORMAT) return fail('shape', `not a Ledgerline report (format is ${JSON.stringify(input.format)}, expected "${REPORT_FORMAT}")`), done();
    const r = input as unknown as DocumentReport;
    for (const field of ['document', 'chain', 'signature', 'summary', 'disclosure'] as const) {
      if (!isObject(r[field])) fail('shape', `malformed report: "${field}" is missing or not an object`);
    }
    if (!Array.isArray(r.actions)) fail('shape', 'malformed report: "actions" is not a list');
    if (r.text !== null && !isObject(r.text)) fail('shape', 'malformed report: "text" must be an object or null');
    if (failures.length) return done();
    const chain = r.chain;
    if (!Array.isArray(chain.entries) || !Array.isArray(chain.keys) || !isObject(chain.anchor)) {
      return fail('shape', 'malformed report: chain.entries, chain.keys and chain.anchor are required'), done();
    }
    // Strict shape: a field the verifier does not know cannot be vouched for.
    const exact = (what: string, obj: unknown, keys: string[]) => {
      if (!isObject(obj)) return fail('shape', `malformed report: ${what} is not an object`);
      const extra = Object.keys(obj).filter((k) => !keys.includes(k));
      const missing = keys.filter((k) => !(k in obj));
      if (extra.length) fail('shape', `malformed report: unexpected field ${what}.${extra[0]}`);
      if (missing.length) fail('shape', `malformed report: missing field ${what}.${missing[0]}`);
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
        fail('key', `chain.keys[${i}]: keyId is not the SHA-256 of the public key`);
      }
    }
    const keyAlgorithm = (keyId: unknown) => chain.keys.find((k) => isObject(k) && k.keyId === keyId)?.algorithm;
    for (const [what, signer] of [['signature', r.signature], ['chain.head', chain.head], ['chain.checkpoint', chain.checkpoint]] as const) {
      if (isObject(signer) && keyAlgorithm(signer.keyId) !== signer.algorithm) {
        fail('key', `${what}: algorithm ${String(signer.algorithm)} is not the algorithm of key ${String(signer.keyId)}`);
      }
    }
    if (failures.length) return done();
    facts.document = typeof r.document.key === 'string' ? r.document.key : null;
    facts.line = typeof r.disclosure.line === 'string' ? r.disclosure.line : null;
    facts.statement = typeof r.disclosure.statement === 'string' ? r.disclosure.statement : null;
    facts.entries = chain.entries.length;
    const keys = chain.keys as PublicKeyInfo[];
    const spkiFor = (keyId: unknown) => keys.find((k) => isObject(k) && k.keyId === keyId)?.spki ?? null;

    // 2. The report signature covers everything else in the file.
    const sig = r.signature;
    if (Object.keys(sig).sort().join(',') !== 'algorithm,keyId,value') fail('shape', 'malformed report: signature must hold exactly algorithm, keyId and value');
    facts.signerKeyId = typeof sig.keyId === 'string' ? sig.keyId : null;
    facts.algorithm = typeof sig.algorithm === 'string' ? sig.algorithm : null;
    const signerSpki = spkiFor(sig.keyId);
    if (!signerSpki) fail('report-signature', `report signature: key ${String(sig.keyId)} is not among chain.keys`);
    else if (
      typeof sig.value !== 'string' ||
      !(await verifyStatement(REPORT_FORMAT, reportBody(r), sig.value, { algorithm: sig.algorithm as never, keyId: String(sig.keyId) }, signerSpki))
    ) {
      fail('report-signature', 'report signature is invalid: the file was changed after it was exported (or signed with another key)');
    }

    // 3. Retention checkpoint and where the chain starts.
    let anchor = GENESIS_ANCHOR;
    if (chain.checkpoint !== null) {
      const cp = chain.checkpoint;
      if (!isObject(cp)) fail('shape', 'malformed report: chain.checkpoint');
      else {
        const spki = spkiFor(cp.keyId);
        if (!spki || !(await verifyCheckpoint(cp, spki))) fail('checkpoint', `retention checkpoint at entry ${String(cp.seq)} has an invalid signature`);
        anchor = { seq: Number(cp.seq) + 1, prevHash: String(cp.hash) };
        facts.pruned = Number(cp.pruned) || 0;
      }
    }
    if (!same(chain.anchor, anchor)) {
      fail('anchor', `chain.anchor does not match the ${chain.checkpoint ? 'retention checkpoint' : 'start of the ledger (genesis)'}`);
    }

    // 4. The chain: every hash, every link, the signed head.
    const head = chain.head;
    facts.headSeq = isObject(head) && typeof head.seq === 'number' ? head.seq : null;
    facts.headKeyId = isObject(head) && typeof head.keyId === 'string' ? head.keyId : null;
    const chainResult = await verifyChain(chain.entries, head ?? null, head ? spkiFor(head.keyId) : null, anchor);
    if (!chainResult.ok) {
      fail(chainCheckOf(chainResult.reason), `chain breaks at entry ${chainResult.brokenAt}: ${chainResult.reason}`, chainResult.brokenAt);
    }

    // 5. The document's entries are all there, none hidden as another document's stub.
    const key = r.document.key;
    if (typeof key !== 'string') return fail('shape', 'malformed report: document.key'), done();
    const tag = await sha256Hex(key);
    if (r.document.tag !== tag) fail('document', 'document.tag is not the SHA-256 of document.key');
    const docEntries: LedgerEntry[] = [];
    const full = new Map<number, LedgerEntry>();
    for (const e of chain.entries) {
      if (!isObject(e)) continue;
      if (isStub(e)) {
        if (e.documentTag === tag) fail('completeness', `entry ${e.seq} belongs to this document but its content was left out`, e.seq);
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
        if (!moved) fail('completeness', `entry ${ref.seq} was moved into this document but its content was left out`, ref.seq);
        else if (moved.hash !== ref.hash) fail('completeness', `move entry ${m.seq} names entry ${ref.seq} with another hash`, m.seq);
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
    if (text !== null && typeof text !== 'string') return fail('shape', 'malformed report: text.content'), done();
    const derived = await deriveReport({ documentKey: key, entries: docEntries, text, keyId: facts.signerKeyId });
    const { title: _title, ...docFacts } = derived.document;
    const { title: _t2, ...reportedDoc } = r.document;
    mustFollow('document', 'document', reportedDoc, docFacts, 'document facts (digitalSourceType) do not follow from the entries');
    mustFollow('text', 'text', r.text, derived.text, 'text.sentences (categories, offsets or hash) do not match the entries and the text');
    mustFollow('summary', 'summary', r.summary, derived.summary, 'summary does not match the entries');
    mustFollow('actions', 'actions', r.actions, derived.actions, 'actions do not match the entries');
    // A report made before pastes were recorded (no paste in its record) says what was true then.
    const beforePastes = !docEntries.some((e) => e.paste) && r.disclosure.statement === disclosureStatement(derived.summary, facts.signerKeyId, 'before-pastes');
    const statement = beforePastes ? { ...derived.disclosure, statement: r.disclosure.statement } : derived.disclosure;
    mustFollow('disclosure', 'disclosure', r.disclosure, statement, 'disclosure statement does not match the facts');
  } catch (err) {
    fail('shape', `malformed report (${err instanceof Error ? err.message : String(err)})`);
  }
  return done();
}
