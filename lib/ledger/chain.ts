import { normalizeSentence } from '../text/normalize';
import { sha256Hex } from '../text/hash';
import { hashEntry } from './entry';
import { verifyHead } from './signing';
import { GENESIS_HASH, type LedgerEntry, type SignedHead, type VerifyResult } from './types';

/** Where the chain starts: genesis, or (after retention) a checkpoint. */
export interface ChainAnchor {
  /** First seq expected. */
  seq: number;
  /** prevHash expected on that entry. */
  prevHash: string;
}

export const GENESIS_ANCHOR: ChainAnchor = { seq: 1, prevHash: GENESIS_HASH };

/**
 * Incremental chain verifier: feed entries in storage order, then `finish` with
 * the signed head. Reports the first seq that breaks and why.
 */
export class ChainVerifier {
  private expectedSeq: number;
  private prevHash: string;
  private count = 0;
  private lastHash: string | null = null;
  private failure: { brokenAt: number; reason: string } | null = null;

  constructor(anchor: ChainAnchor = GENESIS_ANCHOR) {
    this.expectedSeq = anchor.seq;
    this.prevHash = anchor.prevHash;
  }

  get failed() {
    return this.failure !== null;
  }

  private fail(brokenAt: number, reason: string) {
    this.failure ??= { brokenAt, reason };
  }

  async push(entry: LedgerEntry): Promise<void> {
    if (this.failure) return;
    const expected = this.expectedSeq;
    if (typeof entry.seq !== 'number' || entry.seq !== expected) {
      // A gap (deleted entry) or an out-of-order/duplicated one: the expected seq is where the chain breaks.
      return this.fail(expected, `expected entry ${expected}, found ${String(entry.seq)}`);
    }
    const recomputed = await hashEntry(entry);
    if (recomputed !== entry.hash) return this.fail(expected, 'entry content does not match its hash');
    if (entry.prevHash !== this.prevHash) return this.fail(expected, 'prevHash does not link to the previous entry');
    for (const [i, s] of (entry.sentences ?? []).entries()) {
      if (s.text === null) continue;
      if ((await sha256Hex(normalizeSentence(s.text))) !== s.normalizedHash) {
        return this.fail(expected, `sentence ${i} text does not match its hash`);
      }
      if (entry.insertedText !== null && entry.insertedText.slice(s.start, s.end) !== s.text) {
        return this.fail(expected, `sentence ${i} offsets do not match insertedText`);
      }
    }
    this.prevHash = entry.hash;
    this.lastHash = entry.hash;
    this.expectedSeq = expected + 1;
    this.count++;
  }

  async finish(head: SignedHead | null, spki: string | null): Promise<VerifyResult> {
    if (this.failure) return { ok: false, ...this.failure };
    const lastSeq = this.expectedSeq - 1;
    if (this.count === 0 && !head) return { ok: true, entries: 0, head: null };
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
  entries: readonly LedgerEntry[],
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
