import type { LedgerEntry } from './types';

/**
 * Where acceptances count once moves are applied (merge, split, refile). History is never
 * rewritten: a moved acceptance keeps its signed documentKey, and move entries appended later say
 * where it counts now. Everything here is pure so the ledger, the report and the verifier agree.
 */

/** An acceptance, as opposed to a withdrawal, a move, a review, a paste or a typing record. */
export const isAcceptance = (e: LedgerEntry) => !e.withdraws && !e.moves && !e.review && !e.paste && !e.typed;

/** seq → the document a moved acceptance counts in now (only moved ones appear). */
export function movedTo(entries: Iterable<LedgerEntry>): Map<number, string> {
  const to = new Map<number, string>();
  const sorted = [...entries].filter((e) => e.moves?.direction === 'in').sort((a, b) => a.seq - b.seq);
  for (const e of sorted) for (const ref of e.moves!.entries) to.set(ref.seq, e.documentKey);
  return to;
}

/** The document an entry counts in: its own key unless a later move took it elsewhere. */
export function currentDocumentOf(e: LedgerEntry, moved: ReadonlyMap<number, string>): string {
  return moved.get(e.seq) ?? e.documentKey;
}

/**
 * The entries a report for `documentKey` must carry in full: those filed under it, and the
 * acceptances its 'in' moves received (filed under another key). Sorted by seq.
 */
export function entriesOfDocument(all: readonly LedgerEntry[], documentKey: string): LedgerEntry[] {
  const own = all.filter((e) => e.documentKey === documentKey);
  const received = new Set(own.flatMap((e) => (e.moves?.direction === 'in' ? e.moves.entries.map((r) => r.seq) : [])));
  return all.filter((e) => e.documentKey === documentKey || received.has(e.seq)).sort((a, b) => a.seq - b.seq);
}

/**
 * The acceptances that count in `documentKey`, from that document's entries (entriesOfDocument):
 * replayed in chain order, so moves out and back, and withdrawals, land where they happened.
 */
export function standingAcceptances(docEntries: readonly LedgerEntry[], documentKey: string): LedgerEntry[] {
  const sorted = [...docEntries].sort((a, b) => a.seq - b.seq);
  const bySeq = new Map(sorted.map((e) => [e.seq, e]));
  const standing = new Map<number, LedgerEntry>();
  for (const e of sorted) {
    if (e.withdraws) standing.delete(e.withdraws.seq);
    else if (e.moves) {
      for (const ref of e.moves.entries) {
        const moved = bySeq.get(ref.seq);
        if (e.moves.direction === 'out') standing.delete(ref.seq);
        else if (moved && moved.hash === ref.hash) standing.set(ref.seq, moved);
      }
    } else if (isAcceptance(e) && e.documentKey === documentKey) standing.set(e.seq, e);
  }
  return [...standing.values()].sort((a, b) => a.seq - b.seq);
}
