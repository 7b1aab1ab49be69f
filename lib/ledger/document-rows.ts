import type { LedgerDb } from './db';
import { documentRowOf } from './documents';
import type { LedgerEntry } from './types';

/** The stored entries filed under `key` and the acceptances its moves received (by seq). */
export async function storedEntriesOfDocument(db: LedgerDb, key: string): Promise<LedgerEntry[]> {
  const bySeq = new Map<number, LedgerEntry>();
  for (const e of await db.entries.where('documentKey').equals(key).toArray()) bySeq.set(e.seq, e);
  const received = [...bySeq.values()].flatMap((e) => (e.moves?.direction === 'in' ? e.moves.entries.map((r) => r.seq) : []));
  for (const e of received.length ? await db.entries.bulkGet(received) : []) if (e) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * Recompute the rows of `keys` from the stored entries, keeping each row's last audit; a key with
 * nothing filed under it loses its row. Run inside the caller's transaction (entries, documents).
 */
export async function rebuildDocumentRows(db: LedgerDb, keys: Iterable<string>): Promise<void> {
  for (const key of new Set(keys)) {
    const row = documentRowOf(key, await storedEntriesOfDocument(db, key));
    const prior = await db.documents.get(key);
    if (!row) {
      if (prior) await db.documents.delete(key);
      continue;
    }
    await db.documents.put({ ...row, ...(prior?.lastAudit ? { lastAudit: prior.lastAudit } : {}) });
  }
}

/** The documents an entry's write or removal changes: its own, and a move's other side. */
export function documentsTouchedBy(e: LedgerEntry): string[] {
  return e.moves ? [e.documentKey, e.moves.peer] : [e.documentKey];
}
