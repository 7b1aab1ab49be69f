import type { Migration } from './types';

/**
 * v1: the hash-chained entries, a sentence index for attribution, the signed head
 * and the signing key.
 *  - entries: primary key `seq` (set by the ledger, contiguous, unique by construction).
 *  - sentenceIndex: one row per logged sentence: exact-hash lookup and multiEntry LSH band keys.
 *  - meta: small singletons ('head': the signed chain head).
 *  - keys: 'signing': { algorithm, privateKey (non-extractable CryptoKey), publicKey, spki, keyId }.
 */
export const v1: Migration = {
  version: 1,
  stores: {
    entries: 'seq, &id, documentKey, acceptedAt',
    sentenceIndex: '++rowId, seq, hash, *bands, documentKey',
    meta: 'key',
    keys: 'id',
  },
};
