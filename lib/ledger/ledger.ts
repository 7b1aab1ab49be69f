import { bandKeys, sketchFromHex } from '../text/similarity';
import { LedgerDb, DEFAULT_DB_NAME, type KeyRow, type SentenceIndexRow } from './db';
import { buildEntryBody, hashEntry, prepareSentences, validateInput } from './entry';
import { ChainVerifier } from './chain';
import { attributeText, dexieCandidateSource, type AttributionResult, type AttributionThresholds } from './attribution';
import { HeadMovedError, LedgerWriteError, isConflictError, toLedgerWriteError } from './errors';
import { DEFAULT_ALGORITHMS, generateSigningKey, signHead } from './signing';
import {
  DEFAULT_SETTINGS,
  GENESIS_HASH,
  type AcceptanceInput,
  type LedgerEntry,
  type LedgerSettings,
  type SignedHead,
  type SigningAlgorithm,
  type VerifyResult,
} from './types';

export interface OpenLedgerOptions {
  /** IndexedDB database name. */
  name?: string;
  /** Injected for tests (fake-indexeddb) or non-window contexts. */
  indexedDB?: IDBFactory;
  IDBKeyRange?: typeof IDBKeyRange;
  /** Read on every append, so a settings change applies to the next entry. */
  settings?: () => LedgerSettings;
  /** Test seams. */
  subtle?: SubtleCrypto;
  algorithms?: readonly SigningAlgorithm[];
  now?: () => number;
  maxRetries?: number;
}

export interface LedgerStats {
  entries: number;
  sentences: number;
  sentencesToday: number;
}

export interface Ledger {
  append(input: AcceptanceInput): Promise<LedgerEntry>;
  stats(): Promise<LedgerStats>;
  recent(limit: number): Promise<LedgerEntry[]>;
  verify(): Promise<VerifyResult>;
  /**
   * Attribute each sentence of `text`: 'ai-verbatim' | 'ai-edited' (with changedRatio) | 'ai-rewrite' | 'not-logged'.
   * Searches the whole ledger (text moves between documents); matches in `documentKey` win ties.
   */
  attribute(
    text: string,
    documentKey?: string,
    options?: { locale?: string; thresholds?: Partial<AttributionThresholds> },
  ): Promise<AttributionResult>;
  /** The signed chain head, or null for an empty ledger. */
  head(): Promise<SignedHead | null>;
  /** Public key for reports: algorithm, base64 SPKI and key id (sha256 of SPKI). Creates the key if needed. */
  publicKey(): Promise<{ algorithm: SigningAlgorithm; spki: string; keyId: string }>;
  /** The underlying Dexie database (attribution and export read from it). */
  readonly db: LedgerDb;
  close(): void;
}

const VERIFY_PAGE = 500;

export function openLedger(options: OpenLedgerOptions = {}): Ledger {
  const db = new LedgerDb(options.name ?? DEFAULT_DB_NAME, {
    ...(options.indexedDB ? { indexedDB: options.indexedDB } : {}),
    ...(options.IDBKeyRange ? { IDBKeyRange: options.IDBKeyRange } : {}),
  });
  const subtle = options.subtle ?? globalThis.crypto.subtle;
  const algorithms = options.algorithms ?? DEFAULT_ALGORITHMS;
  const settings = options.settings ?? (() => DEFAULT_SETTINGS);
  const now = options.now ?? (() => Date.now());
  const maxRetries = options.maxRetries ?? 20;

  let keyPromise: Promise<KeyRow> | null = null;

  /** Load the signing key, creating it once. Generation happens outside the write transaction. */
  function signingKey(): Promise<KeyRow> {
    keyPromise ??= (async () => {
      const existing = await db.keys.get('signing');
      if (existing) return existing;
      const generated = await generateSigningKey(subtle, algorithms);
      const row: KeyRow = { id: 'signing', ...generated, createdAt: now() };
      // Another context may have created one meanwhile: keep whichever landed first.
      return db.transaction('rw', db.keys, async () => {
        const raced = await db.keys.get('signing');
        if (raced) return raced;
        await db.keys.add(row);
        return row;
      });
    })().catch((err) => {
      keyPromise = null;
      throw err;
    });
    return keyPromise;
  }

  async function lastEntry(): Promise<LedgerEntry | undefined> {
    return db.entries.orderBy('seq').last();
  }

  async function append(input: AcceptanceInput): Promise<LedgerEntry> {
    validateInput(input);
    let key: KeyRow;
    try {
      key = await signingKey();
    } catch (err) {
      throw toLedgerWriteError(err);
    }
    const privacy = settings().privacyMode;
    const sentences = await prepareSentences(input.insertedText, privacy);
    const id = globalThis.crypto.randomUUID();

    for (let attempt = 0; ; attempt++) {
      try {
        // 1. Prepare outside any transaction: awaiting crypto.subtle inside a Dexie transaction commits it early.
        const prev = await lastEntry();
        const prevSeq = prev?.seq ?? 0;
        const prevHash = prev?.hash ?? GENESIS_HASH;
        const body = await buildEntryBody(input, sentences, { id, seq: prevSeq + 1, prevHash, privacy });
        const entry: LedgerEntry = { ...body, hash: await hashEntry(body) };
        const head = await signHead(key, { seq: entry.seq, hash: entry.hash, signedAt: now() }, subtle);
        const indexRows: SentenceIndexRow[] = entry.sentences.map((s, i) => ({
          seq: entry.seq,
          i,
          hash: s.normalizedHash,
          bands: bandKeys(sketchFromHex(s.sketch)),
          documentKey: entry.documentKey,
        }));

        // 2. Write: only IndexedDB work inside; check the head did not move.
        await db.transaction('rw', [db.entries, db.sentenceIndex, db.meta], async () => {
          const current = await db.entries.orderBy('seq').last();
          if ((current?.seq ?? 0) !== prevSeq || (current?.hash ?? GENESIS_HASH) !== prevHash) {
            throw new HeadMovedError(`head moved from ${prevSeq}`);
          }
          await db.entries.add(entry);
          if (indexRows.length) await db.sentenceIndex.bulkAdd(indexRows);
          await db.meta.put({ key: 'head', ...head });
        });
        return entry;
      } catch (err) {
        if (isConflictError(err) && attempt < maxRetries) {
          // Back off a little, with jitter, so racing writers interleave.
          await new Promise((r) => setTimeout(r, Math.random() * 4 * (attempt + 1)));
          continue;
        }
        throw toLedgerWriteError(err);
      }
    }
  }

  async function stats(): Promise<LedgerStats> {
    const day = new Date(now());
    day.setHours(0, 0, 0, 0);
    const [entries, sentences, today] = await Promise.all([
      db.entries.count(),
      db.sentenceIndex.count(),
      db.entries.where('acceptedAt').aboveOrEqual(day.getTime()).toArray(),
    ]);
    return { entries, sentences, sentencesToday: today.reduce((n, e) => n + e.sentences.length, 0) };
  }

  async function recent(limit: number): Promise<LedgerEntry[]> {
    if (!(limit > 0)) return [];
    return db.entries.orderBy('seq').reverse().limit(Math.floor(limit)).toArray();
  }

  async function head(): Promise<SignedHead | null> {
    const row = await db.meta.get('head');
    if (!row) return null;
    const { key: _k, ...signed } = row;
    return signed;
  }

  async function verify(): Promise<VerifyResult> {
    const verifier = new ChainVerifier();
    // Page by primary key; hash outside the read so no transaction spans crypto awaits.
    let after = 0;
    let first = true;
    for (;;) {
      const page = await (first ? db.entries.orderBy('seq') : db.entries.where('seq').above(after)).limit(VERIFY_PAGE).toArray();
      first = false;
      for (const e of page) {
        await verifier.push(e);
        if (verifier.failed) return verifier.finish(null, null);
      }
      if (page.length < VERIFY_PAGE) break;
      after = page[page.length - 1]!.seq;
    }
    const signed = await head();
    const keyRow = await db.keys.get('signing');
    return verifier.finish(signed, keyRow?.spki ?? null);
  }

  async function publicKey() {
    const k = await signingKey();
    return { algorithm: k.algorithm, spki: k.spki, keyId: k.keyId };
  }

  const source = dexieCandidateSource(db);
  function attribute(text: string, documentKey?: string, opts: { locale?: string; thresholds?: Partial<AttributionThresholds> } = {}) {
    return attributeText(text, source, {
      ...(documentKey !== undefined ? { documentKey } : {}),
      ...(opts.locale !== undefined ? { locale: opts.locale } : {}),
      ...(opts.thresholds ? { thresholds: opts.thresholds } : {}),
    });
  }

  return {
    append,
    attribute,
    stats,
    recent,
    verify,
    head,
    publicKey,
    db,
    close: () => db.close(),
  };
}

export { LedgerWriteError };
