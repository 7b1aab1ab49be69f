import { bandKeys, sketchFromHex } from '../text/similarity';
import { canonicalJson } from './canonical';
import { GENESIS_ANCHOR, verifyChain, type ChainAnchor } from './chain';
import type { SentenceIndexRow } from './db';
import { documentsTouchedBy, rebuildDocumentRows } from './document-rows';
import { isStub } from './entry';
import { HeadMovedError, toLedgerWriteError } from './errors';
import type { Ledger } from './ledger';
import { verifyCheckpoint } from './signing';
import type { LedgerEntry, PublicKeyInfo, SignedCheckpoint, SignedHead } from './types';

/**
 * Whole-ledger backup and restore. The backup is plain JSON: every entry, the signed head, the
 * retention checkpoint and the public keys. The private key never leaves the browser (it is
 * non-extractable), so a restored ledger keeps this browser's key for new entries and trusts the
 * backup's public keys for what they signed.
 *
 * Restore verifies everything before writing and writes in one IndexedDB transaction: a tampered
 * or damaged file is refused with the entry that breaks, and nothing is ever half-imported.
 */
export const BACKUP_FORMAT = 'ledgerline.backup.v1';

export interface LedgerBackup {
  format: typeof BACKUP_FORMAT;
  exportedAt: string;
  extensionVersion: string;
  keys: PublicKeyInfo[];
  checkpoint: SignedCheckpoint | null;
  head: SignedHead | null;
  entries: LedgerEntry[];
}

export async function exportBackup(ledger: Ledger, options: { extensionVersion: string; now?: () => number }): Promise<LedgerBackup> {
  const [keys, checkpoint, head, entries] = await Promise.all([
    ledger.knownKeys(),
    ledger.checkpoint(),
    ledger.head(),
    ledger.db.entries.orderBy('seq').toArray(),
  ]);
  return {
    format: BACKUP_FORMAT,
    exportedAt: new Date((options.now ?? Date.now)()).toISOString(),
    extensionVersion: options.extensionVersion,
    keys,
    checkpoint,
    head,
    entries,
  };
}

/** The backup as a file: one line per entry so diffs and partial reads stay readable. */
export function backupToJson(backup: LedgerBackup): string {
  const { entries, ...rest } = backup;
  const head = JSON.stringify({ ...rest, entries: [] });
  if (!entries.length) return `${head}\n`;
  return `${head.slice(0, -2)}\n${entries.map((e) => JSON.stringify(e)).join(',\n')}\n]}\n`;
}

export class RestoreError extends Error {
  override readonly name = 'RestoreError';
}

export interface RestoreResult {
  /** Entries written. */
  imported: number;
  /** Entries now in the ledger. */
  total: number;
  mode: 'into-empty' | 'append' | 'replace' | 'up-to-date';
  /** With "replace": where the replaced ledger was archived (nothing is destroyed). */
  archived: { id: number; entries: number } | null;
}

/** What a backup is, next to this browser's ledger: shown before a restore is confirmed. */
export interface BackupInspection {
  entries: number;
  firstAcceptedAt: number | null;
  lastAcceptedAt: number | null;
  /** The key that signed the backup's head (null for an empty backup). */
  headKeyId: string | null;
  /** This browser's signing key. */
  ownKeyId: string;
  /** The head was signed by this browser's key, or by a key this browser already trusts. */
  knownKey: boolean;
  /** What a restore would do: 'different' needs "replace" (which archives this ledger first). */
  relation: 'into-empty' | 'up-to-date' | 'append' | 'different';
  localEntries: number;
}

/** A ledger kept by a restore's "replace", as listed (its backup file is fetched on demand). */
export interface ArchiveSummary {
  id: number;
  archivedAt: number;
  entries: number;
  keyId: string | null;
}

const refuse = (why: string): never => {
  throw new RestoreError(`Backup refused: ${why}. Nothing was imported.`);
};

/** Parse and check a backup file; returns it only when it verifies completely. */
export async function checkBackup(text: string): Promise<LedgerBackup & { anchor: ChainAnchor }> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return refuse(`the file is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return refuse('the file is not a Ledgerline backup');
  const b = data as LedgerBackup;
  if (b.format !== BACKUP_FORMAT) return refuse(`the file is not a Ledgerline backup (format ${JSON.stringify(b.format)})`);
  if (!Array.isArray(b.entries) || !Array.isArray(b.keys)) return refuse('the file has no entries or keys list');
  const spkiFor = (keyId: unknown) => b.keys.find((k) => k && k.keyId === keyId)?.spki ?? null;
  let anchor = GENESIS_ANCHOR;
  if (b.checkpoint !== null && b.checkpoint !== undefined) {
    const spki = spkiFor(b.checkpoint.keyId);
    if (!spki || !(await verifyCheckpoint(b.checkpoint, spki))) {
      return refuse(`its retention checkpoint (entry ${String(b.checkpoint.seq)}) has an invalid signature`);
    }
    anchor = { seq: b.checkpoint.seq + 1, prevHash: b.checkpoint.hash };
  }
  for (const e of b.entries) if (!e || typeof e !== 'object' || isStub(e)) return refuse(`entry ${String(e?.seq)} is incomplete`);
  const head = b.head ?? null;
  const result = await verifyChain(b.entries, head, head ? spkiFor(head.keyId) : null, anchor);
  if (!result.ok) return refuse(`entry ${result.brokenAt} does not verify (${result.reason})`);
  return { ...b, checkpoint: b.checkpoint ?? null, head, anchor };
}

type CheckedBackup = Awaited<ReturnType<typeof checkBackup>>;

/**
 * How a backup relates to this ledger: into an empty ledger everything; a backup that continues
 * this ledger (same entries, then more) appends the rest; the same or an older copy of it is
 * up to date; anything else is a different ledger.
 */
async function relationTo(ledger: Ledger, backup: CheckedBackup): Promise<{ relation: BackupInspection['relation']; localSeq: number; localCount: number; why: string }> {
  const db = ledger.db;
  const [localHead, localCheckpoint, localCount] = await Promise.all([ledger.head(), ledger.checkpoint(), db.entries.count()]);
  if (!localHead && !localCheckpoint && localCount === 0) return { relation: 'into-empty', localSeq: 0, localCount, why: '' };
  const backupLast = backup.entries[backup.entries.length - 1];
  // Same ledger? The local head must be an entry of the backup (same seq, same hash).
  const localSeq = localHead?.seq ?? localCheckpoint?.seq ?? 0;
  const localHash = localHead?.hash ?? localCheckpoint?.hash;
  const backupSeq = backupLast?.seq ?? backup.checkpoint?.seq ?? 0;
  if (backupSeq < localSeq) {
    const local = await db.entries.get(backupSeq);
    if (backupLast && local?.hash === backupLast.hash) return { relation: 'up-to-date', localSeq, localCount, why: '' };
    return { relation: 'different', localSeq, localCount, why: `its last entry ${backupSeq} is not this ledger's entry ${backupSeq}` };
  }
  if (backupSeq === localSeq && backupLast?.hash === localHash) return { relation: 'up-to-date', localSeq, localCount, why: '' };
  const atLocal = backup.entries.find((e) => e.seq === localSeq);
  if (!atLocal || atLocal.hash !== localHash) return { relation: 'different', localSeq, localCount, why: `entry ${localSeq} differs` };
  return { relation: 'append', localSeq, localCount, why: '' };
}

/** Verifies a backup and says what restoring it would do, without writing anything. */
export async function inspectBackup(ledger: Ledger, text: string): Promise<BackupInspection> {
  const backup = await checkBackup(text);
  const { relation, localCount } = await relationTo(ledger, backup);
  const own = await ledger.publicKey();
  const known = await ledger.knownKeys();
  const headKeyId = backup.head?.keyId ?? null;
  const accepted = backup.entries.map((e) => e.acceptedAt);
  return {
    entries: backup.entries.length,
    firstAcceptedAt: accepted.length ? Math.min(...accepted) : null,
    lastAcceptedAt: accepted.length ? Math.max(...accepted) : null,
    headKeyId,
    ownKeyId: own.keyId,
    knownKey: headKeyId === null || known.some((k) => k.keyId === headKeyId),
    relation,
    localEntries: localCount,
  };
}

/**
 * Restore a backup (see relationTo). A different ledger is refused unless `replace` is set; then
 * this browser's ledger is archived whole, in the same transaction, before the backup's takes its
 * place: it stays verifiable and exportable (listArchives, archiveFile), nothing is destroyed.
 */
export async function restoreBackup(
  ledger: Ledger,
  text: string,
  options: { replace?: boolean; extensionVersion?: string; now?: () => number } = {},
): Promise<RestoreResult> {
  const backup = await checkBackup(text);
  const db = ledger.db;
  const { relation, localSeq, localCount, why } = await relationTo(ledger, backup);
  const localHead = await ledger.head();
  if (relation === 'up-to-date') return { imported: 0, total: localCount, mode: 'up-to-date', archived: null };
  if (relation === 'different' && !options.replace) {
    return refuse(`it is a different ledger from this browser's (${why}); restore with "replace" to archive this browser's ledger and use the backup's`);
  }
  const mode: RestoreResult['mode'] = relation === 'into-empty' ? 'into-empty' : relation === 'append' ? 'append' : 'replace';
  const toWrite: LedgerEntry[] = mode === 'append' ? backup.entries.filter((e) => e.seq > localSeq) : backup.entries;
  const withArchives = db.tables.some((t) => t.name === 'archives');
  if (mode === 'replace' && !withArchives) return refuse('this ledger cannot keep an archive of itself yet (old database schema)');
  const archive =
    mode === 'replace'
      ? {
          archivedAt: (options.now ?? Date.now)(),
          reason: 'replaced-by-restore' as const,
          entries: localCount,
          keyId: localHead?.keyId ?? null,
          backup: backupToJson(await exportBackup(ledger, { extensionVersion: options.extensionVersion ?? 'unknown', ...(options.now ? { now: options.now } : {}) })),
        }
      : null;
  let archivedId: number | null = null;

  // Everything computed before the transaction (no crypto awaits inside it).
  const indexRows: SentenceIndexRow[] = toWrite.flatMap((e) =>
    e.sentences.map((s, i) => ({ seq: e.seq, i, hash: s.normalizedHash, bands: bandKeys(sketchFromHex(s.sketch)), documentKey: e.documentKey })),
  );
  const known = await ledger.knownKeys();
  const own = await ledger.publicKey();
  const trusted = [...known, ...backup.keys].filter((k, i, all) => k.keyId !== own.keyId && all.findIndex((x) => x.keyId === k.keyId) === i);
  const expectedHead = localHead ? canonicalJson(localHead) : null;

  try {
    await db.transaction('rw', [db.entries, db.sentenceIndex, db.meta, db.documents, ...(withArchives ? [db.archives] : [])], async () => {
      const headNow = await db.meta.get('head');
      const { key: _k, ...headBody } = (headNow ?? {}) as Record<string, unknown>;
      if ((headNow ? canonicalJson(headBody) : null) !== expectedHead) throw new HeadMovedError('the ledger changed during the restore');
      if (archive) archivedId = await db.archives.add(archive);
      if (mode === 'replace') {
        await Promise.all([db.entries.clear(), db.sentenceIndex.clear(), db.documents.clear()]);
        await db.meta.bulkDelete(['head', 'checkpoint']);
      }
      if (toWrite.length) {
        await db.entries.bulkAdd(toWrite);
        if (indexRows.length) await db.sentenceIndex.bulkAdd(indexRows);
      }
      if (mode !== 'append' && backup.checkpoint) await db.meta.put({ key: 'checkpoint', ...backup.checkpoint });
      if (backup.head) await db.meta.put({ key: 'head', ...backup.head });
      await db.meta.put({ key: 'trustedKeys', keys: trusted });
      // Rebuild document rows for the documents touched (keep their last audit).
      await rebuildDocumentRows(db, toWrite.flatMap(documentsTouchedBy));
    });
  } catch (err) {
    if (err instanceof RestoreError) throw err;
    const w = toLedgerWriteError(err);
    throw new RestoreError(`Backup not restored: ${w.code === 'quota' ? 'the browser storage is full' : w.message}. Nothing was imported.`, {
      cause: err,
    });
  }
  ledger.invalidateCaches();
  return {
    imported: toWrite.length,
    total: await db.entries.count(),
    mode,
    archived: archive && archivedId !== null ? { id: archivedId, entries: archive.entries } : null,
  };
}

/** Ledgers kept by "replace", newest first. */
export async function listArchives(ledger: Ledger): Promise<ArchiveSummary[]> {
  if (!ledger.db.tables.some((t) => t.name === 'archives')) return [];
  const rows = await ledger.db.archives.orderBy('archivedAt').reverse().toArray();
  return rows.map(({ id, archivedAt, entries, keyId }) => ({ id: id!, archivedAt, entries, keyId }));
}

/** An archived ledger's backup file (restorable, verifiable with the same checks as any backup). */
export async function archiveFile(ledger: Ledger, id: number): Promise<string | null> {
  if (!ledger.db.tables.some((t) => t.name === 'archives')) return null;
  return (await ledger.db.archives.get(id))?.backup ?? null;
}
