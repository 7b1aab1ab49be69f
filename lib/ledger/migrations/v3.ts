import type { Migration } from './types';

/**
 * v3: an `archives` table. A restore with "replace" no longer destroys the ledger it replaces:
 * the replaced chain is kept here as a complete backup (entries, signed head, checkpoint, keys),
 * still verifiable and exportable. Nothing else changes.
 */
export const v3: Migration = {
  version: 3,
  stores: {
    entries: 'seq, &id, documentKey, acceptedAt',
    sentenceIndex: '++rowId, seq, hash, *bands, documentKey',
    meta: 'key',
    keys: 'id',
    documents: 'key, lastAcceptedAt',
    archives: '++id, archivedAt',
  },
};
