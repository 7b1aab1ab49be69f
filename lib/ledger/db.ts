import Dexie, { type Table } from 'dexie';
import type { LedgerEntry, PublicKeyInfo, SignedCheckpoint, SignedHead, SigningAlgorithm } from './types';
import type { DocumentRow } from './documents';
import { MIGRATIONS, type Migration } from './migrations';

export interface SentenceIndexRow {
  rowId?: number;
  seq: number;
  /** Sentence position within the entry. */
  i: number;
  hash: string;
  bands: string[];
  documentKey: string;
}

export type MetaRow =
  | ({ key: 'head' } & SignedHead)
  /** Retention: entries up to checkpoint.seq were pruned (v2). */
  | ({ key: 'checkpoint' } & SignedCheckpoint)
  /** Public keys of restored backups, trusted for verifying what they signed (v2). */
  | { key: 'trustedKeys'; keys: PublicKeyInfo[] };

export interface KeyRow {
  id: 'signing';
  algorithm: SigningAlgorithm;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** base64 SubjectPublicKeyInfo. */
  spki: string;
  keyId: string;
  createdAt: number;
}

/** A ledger replaced by a restore, kept whole (schema v3). */
export interface ArchiveRow {
  id?: number;
  archivedAt: number;
  reason: 'replaced-by-restore';
  /** Entries in it, and the key that signed its head (for the list without parsing `backup`). */
  entries: number;
  keyId: string | null;
  /** The replaced ledger as a backup file (lib/ledger/backup.ts): verifiable and exportable as is. */
  backup: string;
}

export const DEFAULT_DB_NAME = 'ledgerline-ledger';

export class LedgerDb extends Dexie {
  entries!: Table<LedgerEntry, number>;
  sentenceIndex!: Table<SentenceIndexRow, number>;
  meta!: Table<MetaRow, string>;
  keys!: Table<KeyRow, string>;
  /** Present from schema v2. */
  documents!: Table<DocumentRow, string>;
  /** Present from schema v3. */
  archives!: Table<ArchiveRow, number>;

  constructor(
    name: string,
    deps: { indexedDB?: IDBFactory; IDBKeyRange?: typeof IDBKeyRange } = {},
    migrations: readonly Migration[] = MIGRATIONS,
  ) {
    super(name, {
      // An accepted sentence is on disk when append() resolves (Chromium's default is 'relaxed':
      // committed to the OS, not flushed), so a crash right after accepting cannot lose the entry.
      chromeTransactionDurability: 'strict',
      ...(deps.indexedDB ? { indexedDB: deps.indexedDB } : {}),
      ...(deps.IDBKeyRange ? { IDBKeyRange: deps.IDBKeyRange } : {}),
    });
    for (const m of migrations) {
      const v = this.version(m.version).stores(m.stores);
      if (m.upgrade) v.upgrade(m.upgrade);
    }
  }
}
