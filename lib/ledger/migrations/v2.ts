import type { Migration } from './types';
import { documentDelta, mergeDocumentDelta, type DocumentRow } from '../documents';
import type { LedgerEntry } from '../types';

/**
 * v2: a `documents` table (one row per document key: title, when, how many entries, sentences
 * and characters were accepted, and the last audit's AI share), so the audit page lists
 * documents without scanning the ledger. Built here from the existing entries.
 * Entries are left exactly as they were: v1 entries keep their v1 hashes and still verify;
 * new entries are written in format 2 (see types.ts). `meta` may now also hold the retention
 * checkpoint and imported public keys (no index change).
 */
export const v2: Migration = {
  version: 2,
  stores: {
    entries: 'seq, &id, documentKey, acceptedAt',
    sentenceIndex: '++rowId, seq, hash, *bands, documentKey',
    meta: 'key',
    keys: 'id',
    documents: 'key, lastAcceptedAt',
  },
  async upgrade(tx) {
    const docs = new Map<string, DocumentRow>();
    await tx
      .table<LedgerEntry, number>('entries')
      .orderBy('seq')
      .each((e) => {
        docs.set(e.documentKey, mergeDocumentDelta(docs.get(e.documentKey), documentDelta(e)));
      });
    if (docs.size) await tx.table<DocumentRow, string>('documents').bulkPut([...docs.values()]);
  },
};
