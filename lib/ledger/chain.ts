import { normalizeSentence } from '../text/normalize';
import { sha256Hex } from '../text/hash';
import { contentHashOf, hashEntry, isStub, linkHashOf } from './entry';
import { verifyHead } from './signing';
import { GENESIS_HASH, type EntryStub, type LedgerEntry, type SignedHead, type VerifyResult } from './types';

/** Where the chain starts: genesis, or (after retention) a checkpoint. */
export interface ChainAnchor {
  /** First seq expected. */
  seq: number;
  /** prevHash expected on that entry. */
  prevHash: string;
}

export const GENESIS_ANCHOR: ChainAnchor = { seq: 1, prevHash: GENESIS_HASH };

const STUB_KEYS = ['contentHash', 'documentTag', 'hash', 'prevHash', 'seq', 'v'].join(',');

/**
 * Incremental chain verifier: feed entries (or v2 stubs) in storage order, then `finish` with
 * the signed head. Reports the first seq that breaks and why.
 */
export class ChainVerifier {
  private expectedSeq: number;
  private prevHash: string;
  private count = 0;
  private lastHash: string | null;
  private failure: { brokenAt: number; reason: string } | null = null;

  constructor(anchor: ChainAnchor = GENESIS_ANCHOR) {
    this.expectedSeq = anchor.seq;
    this.prevHash = anchor.prevHash;
    // After a checkpoint, an empty remainder ends at the checkpoint's hash.
    this.lastHash = anchor.seq > 1 ? anchor.prevHash : null;
  }

  get failed() {
    return this.failure !== null;
  }

  get nextSeq() {
    return this.expectedSeq;
  }

  private fail(brokenAt: number, reason: string) {
    this.failure ??= { brokenAt, reason };
  }

  async push(entry: LedgerEntry | EntryStub): Promise<void> {
    if (this.failure) return;
    const expected = this.expectedSeq;
    try {
      const reason = await this.check(entry, expected);
      if (reason) return this.fail(expected, reason);
    } catch (err) {
      return this.fail(expected, `malformed entry (${err instanceof Error ? err.message : String(err)})`);
    }
    this.prevHash = entry.hash;
    this.lastHash = entry.hash;
    this.expectedSeq = expected + 1;
    this.count++;
  }

  /** Why this entry breaks the chain, or null. */
  private async check(entry: LedgerEntry | EntryStub, expected: number): Promise<string | null> {
    if (!entry || typeof entry !== 'object') return 'malformed entry (not an object)';
    if (typeof entry.seq !== 'number' || entry.seq !== expected) {
      // A gap (deleted entry) or an out-of-order/duplicated one: the expected seq is where the chain breaks.
      return `expected entry ${expected}, found ${String(entry.seq)}`;
    }
    if (entry.v !== 1 && entry.v !== 2) return `unknown entry format ${String((entry as { v: unknown }).v)}`;
    if (isStub(entry)) {
      if (Object.keys(entry).sort().join(',') !== STUB_KEYS || entry.v !== 2) return 'malformed entry stub';
      if ((await linkHashOf(entry)) !== entry.hash) return 'entry stub link fields do not match its hash';
      if (entry.prevHash !== this.prevHash) return 'prevHash does not link to the previous entry';
      return null;
    }
    if (entry.v === 2) {
      if ((await contentHashOf(entry)) !== entry.contentHash) return 'entry content does not match its hash';
      if ((await sha256Hex(String(entry.documentKey))) !== entry.documentTag) return 'documentTag does not match documentKey';
    }
    if ((await hashEntry(entry)) !== entry.hash) return 'entry content does not match its hash';
    if (entry.prevHash !== this.prevHash) return 'prevHash does not link to the previous entry';
    if (entry.withdraws !== undefined) {
      const w = entry.withdraws;
      if (entry.v !== 2 || entry.sentences.length > 0 || !(w.seq < entry.seq)) return 'malformed withdrawal';
    }
    if (entry.moves !== undefined) {
      const m = entry.moves;
      const ok =
        entry.v === 2 &&
        entry.withdraws === undefined &&
        entry.sentences.length === 0 &&
        (m.direction === 'out' || m.direction === 'in') &&
        typeof m.peer === 'string' &&
        m.peer !== entry.documentKey &&
        Array.isArray(m.entries) &&
        m.entries.length > 0 &&
        m.entries.every((r) => Number.isInteger(r.seq) && r.seq < entry.seq && typeof r.hash === 'string');
      if (!ok) return 'malformed move';
    }
    if (entry.review !== undefined) {
      const r = entry.review;
      const ok =
        entry.v === 2 &&
        entry.withdraws === undefined &&
        entry.moves === undefined &&
        entry.sentences.length === 0 &&
        typeof r.reviewer?.name === 'string' &&
        typeof r.reviewer.role === 'string' &&
        typeof r.textHash === 'string' &&
        Array.isArray(r.sentences) &&
        r.sentences.every((x) => typeof x.hash === 'string' && (x.outcome === 'kept' || x.outcome === 'amended' || x.outcome === 'rejected'));
      if (!ok) return 'malformed review';
    }
    if (entry.paste !== undefined) {
      const p = entry.paste;
      const ok =
        entry.v === 2 &&
        entry.withdraws === undefined &&
        entry.moves === undefined &&
        entry.review === undefined &&
        entry.sentences.length === 0 &&
        typeof p.textHash === 'string' &&
        Array.isArray(p.sentences) &&
        p.sentences.every((x) => typeof x.hash === 'string') &&
        (p.source === undefined || (typeof p.source?.url === 'string' && typeof p.source.title === 'string'));
      if (!ok) return 'malformed paste';
      for (const [i, x] of p.sentences.entries()) {
        if (x.text !== null && (await sha256Hex(normalizeSentence(x.text))) !== x.hash) return `pasted sentence ${i} text does not match its hash`;
      }
    }
    if (entry.typed !== undefined) {
      const ok =
        entry.v === 2 &&
        entry.withdraws === undefined &&
        entry.moves === undefined &&
        entry.review === undefined &&
        entry.paste === undefined &&
        entry.sentences.length === 0 &&
        Array.isArray(entry.typed.sentences) &&
        entry.typed.sentences.every((x) => typeof x?.hash === 'string' && /^[0-9a-f]{64}$/.test(x.hash));
      if (!ok) return 'malformed typing record';
    }
    for (const [i, s] of entry.sentences.entries()) {
      if (s.text === null) continue;
      if ((await sha256Hex(normalizeSentence(s.text))) !== s.normalizedHash) return `sentence ${i} text does not match its hash`;
      if (entry.insertedText !== null && entry.insertedText.slice(s.start, s.end) !== s.text) {
        return `sentence ${i} offsets do not match insertedText`;
      }
    }
    return null;
  }

  async finish(head: SignedHead | null, spki: string | null): Promise<VerifyResult> {
    if (this.failure) return { ok: false, ...this.failure };
    const lastSeq = this.expectedSeq - 1;
    if (this.count === 0 && !head && lastSeq === 0) return { ok: true, entries: 0, head: null };
    if (!head) return { ok: false, brokenAt: lastSeq, reason: 'entries exist but there is no signed head' };
    if (head.seq < lastSeq) return { ok: false, brokenAt: head.seq + 1, reason: 'entry after the signed head (unsigned append)' };
    if (head.seq > lastSeq) {
      return { ok: false, brokenAt: lastSeq + 1, reason: `signed head is at ${head.seq}: entries missing from the end` };
    }
    if (head.hash !== this.lastHash) return { ok: false, brokenAt: head.seq, reason: 'signed head hash does not match the last entry' };
    if (!spki || !(await verifyHead(head, spki))) {
      return { ok: false, brokenAt: head.seq, reason: 'signed head signature is invalid' };
    }
    return { ok: true, entries: this.count, head };
  }
}

/** Verify an in-memory chain (e.g. from an export). */
export async function verifyChain(
  entries: readonly (LedgerEntry | EntryStub)[],
  head: SignedHead | null,
  spki: string | null,
  anchor: ChainAnchor = GENESIS_ANCHOR,
): Promise<VerifyResult> {
  const v = new ChainVerifier(anchor);
  for (const e of entries) {
    await v.push(e);
    if (v.failed) break;
  }
  return v.finish(head, spki);
}
