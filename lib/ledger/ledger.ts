import { bandKeys, sketchFromHex } from '../text/similarity';
import { LedgerDb, DEFAULT_DB_NAME, type KeyRow, type SentenceIndexRow } from './db';
import { documentKeyOf } from './document-key';
import { observedInput, withObserved } from './observed';
import { sentenceHashes, typedHashes, typedSentences } from './typed';
import { buildAnnotationBody, buildEntryBody, buildPasteBody, buildTypedBody, buildWithdrawalBody, prepareSentences, sealEntry, validateInput, validatePasteInput, validateTypedInput, type UnhashedEntry } from './entry';
import { ChainVerifier, GENESIS_ANCHOR, type ChainAnchor } from './chain';
import { documentDelta, mergeDocumentDelta, type DocumentAudit, type DocumentRow } from './documents';
import { documentsTouchedBy, rebuildDocumentRows, storedEntriesOfDocument } from './document-rows';
import { currentDocumentOf, isAcceptance, movedTo, standingAcceptances } from './moves';
import type { Migration } from './migrations';
import { attributeText, MemoryIndex, type AttributionResult, type AttributionThresholds } from './attribution';
import { HeadMovedError, LedgerWriteError, isConflictError, toLedgerWriteError } from './errors';
import {
  CHECKPOINT_TYPE,
  DEFAULT_ALGORITHMS,
  checkpointBody,
  generateSigningKey,
  signHead,
  signCoseToBeSigned,
  signStatement,
  verifyCheckpoint,
} from './signing';
import {
  DEFAULT_SETTINGS,
  GENESIS_HASH,
  type AcceptanceInput,
  type LedgerEntry,
  type LedgerSettings,
  type MoveReason,
  type PasteInput,
  type TypedInput,
  type ReviewRef,
  type PublicKeyInfo,
  type SignedCheckpoint,
  type SignedHead,
  type SigningAlgorithm,
  type VerifyResult,
  type WithdrawalReason,
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
  /** Open at an older schema (migration tests). */
  migrations?: readonly Migration[];
  /** Write entries in an older format (migration tests). */
  entryFormat?: 1 | 2;
}

export interface LedgerStats {
  entries: number;
  sentences: number;
  sentencesToday: number;
}

export interface PruneResult {
  pruned: number;
  checkpoint: SignedCheckpoint | null;
}

export interface Ledger {
  /** `options.privacyMode` overrides the `settings` callback for this entry (the background reads settings asynchronously). */
  append(input: AcceptanceInput, options?: { privacyMode?: boolean }): Promise<LedgerEntry>;
  /**
   * Appends a withdrawal of the acceptance at `target` (seq and hash must match, it must be an
   * acceptance, not yet withdrawn). Throws LedgerWriteError 'refused' when it cannot be.
   */
  withdraw(target: { seq: number; hash: string }, reason: WithdrawalReason, extensionVersion: string): Promise<LedgerEntry>;
  /**
   * Refiles standing acceptances (all filed in one document now) under `to`: two entries, 'out'
   * and 'in', appended together. Throws LedgerWriteError 'refused' when it cannot be.
   */
  move(seqs: readonly number[], to: string, options: { reason: MoveReason; title?: string; extensionVersion: string }): Promise<LedgerEntry[]>;
  /**
   * Records an editor's review of a document's AI sentences (they must have something AI to
   * review). Throws LedgerWriteError 'refused' when it cannot be.
   */
  review(documentKey: string, review: ReviewRef, options: { title?: string; extensionVersion: string }): Promise<LedgerEntry>;
  /** Records text pasted into a watched field (hashes of its sentences; text only outside privacy mode). */
  paste(input: PasteInput, options?: { privacyMode?: boolean }): Promise<LedgerEntry>;
  /** The paste entries of a document, oldest first. */
  pastesIn(documentKey: string): Promise<LedgerEntry[]>;
  /**
   * Records the sentences of `input.text` the writer typed (by `typedRanges`; hashes only, in
   * every mode), leaving out those the document already has as typed: undefined when nothing is new.
   */
  typed(input: TypedInput): Promise<LedgerEntry | undefined>;
  /** The review entries of a document, oldest first. */
  reviewsIn(documentKey: string): Promise<LedgerEntry[]>;
  /** The entry at `seq`, or undefined (pruned, or never written). */
  entry(seq: number): Promise<LedgerEntry | undefined>;
  /** The document the entry at `seq` counts in now (after moves), or undefined when absent. */
  documentOf(seq: number): Promise<string | undefined>;
  /** The acceptances that count in a document now (withdrawals and moves applied), oldest first. */
  acceptancesIn(documentKey: string): Promise<LedgerEntry[]>;
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
    options?: { locale?: string; thresholds?: Partial<AttributionThresholds>; onlyDocument?: boolean },
  ): Promise<AttributionResult>;
  /** The signed chain head, or null for an empty ledger. */
  head(): Promise<SignedHead | null>;
  /** The retention checkpoint, or null when nothing was ever pruned. */
  checkpoint(): Promise<SignedCheckpoint | null>;
  /** Where the stored chain starts (genesis or after the checkpoint). */
  anchor(): Promise<ChainAnchor>;
  /** Public key for reports: algorithm, base64 SPKI and key id (sha256 of SPKI). Creates the key if needed. */
  publicKey(): Promise<PublicKeyInfo>;
  /** This ledger's key plus keys trusted from restored backups. */
  knownKeys(): Promise<PublicKeyInfo[]>;
  /** Sign a typed statement (report) with the ledger key. */
  signStatement(type: string, body: Record<string, unknown>): Promise<{ algorithm: SigningAlgorithm; keyId: string; signature: string }>;
  /** Sign a COSE_Sign1 Sig_structure (a C2PA claim), nothing else; refused for any other bytes. */
  signCose(toBeSigned: Uint8Array<ArrayBuffer>): Promise<{ keyId: string; signature: Uint8Array<ArrayBuffer> }>;
  /** Documents with accepted suggestions, most recent first. */
  documents(): Promise<DocumentRow[]>;
  /** Remember the AI share found by the last audit of a document's text. */
  recordAudit(documentKey: string, audit: DocumentAudit): Promise<void>;
  /**
   * Retention: delete entries accepted more than `retentionDays` ago (the oldest contiguous run)
   * after verifying the chain, and keep a signed checkpoint so the rest still verifies.
   */
  prune(retentionDays: number): Promise<PruneResult>;
  /** Drop in-memory caches (the attribution index) after the tables were changed directly (restore). */
  invalidateCaches(): void;
  /** The underlying Dexie database (attribution and export read from it). */
  readonly db: LedgerDb;
  close(): void;
}

const VERIFY_PAGE = 500;
const DAY_MS = 86_400_000;

export function openLedger(options: OpenLedgerOptions = {}): Ledger {
  const db = new LedgerDb(
    options.name ?? DEFAULT_DB_NAME,
    {
      ...(options.indexedDB ? { indexedDB: options.indexedDB } : {}),
      ...(options.IDBKeyRange ? { IDBKeyRange: options.IDBKeyRange } : {}),
    },
    ...(options.migrations ? [options.migrations] : []),
  );
  const subtle = options.subtle ?? globalThis.crypto.subtle;
  const algorithms = options.algorithms ?? DEFAULT_ALGORITHMS;
  const settings = options.settings ?? (() => DEFAULT_SETTINGS);
  const now = options.now ?? (() => Date.now());
  const maxRetries = options.maxRetries ?? 20;
  const entryFormat = options.entryFormat ?? 2;
  const hasDocuments = () => db.tables.some((t) => t.name === 'documents');

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

  async function checkpoint(): Promise<SignedCheckpoint | null> {
    const row = await db.meta.get('checkpoint');
    if (!row || row.key !== 'checkpoint') return null;
    const { key: _k, ...cp } = row;
    return cp;
  }

  async function anchor(): Promise<ChainAnchor> {
    const cp = await checkpoint();
    return cp ? { seq: cp.seq + 1, prevHash: cp.hash } : GENESIS_ANCHOR;
  }

  /** Key for a write; a failure to create it is a write failure the writer must hear about. */
  async function writeKey(): Promise<KeyRow> {
    try {
      return await signingKey();
    } catch (err) {
      throw toLedgerWriteError(err);
    }
  }

  /**
   * Appends the entry `build` makes for the next chain position: hashing and signing outside the
   * transaction, then a write that checks the head did not move (retried with jitter if it did).
   * `check` runs inside the transaction, for conditions another writer could change.
   */
  async function appendEntry(
    build: (at: { seq: number; prevHash: string }) => Promise<UnhashedEntry>,
    check: () => Promise<void> = async () => undefined,
  ): Promise<LedgerEntry> {
    return (await appendEntries([build], check))[0]!;
  }

  /** Several entries at consecutive positions, in one transaction (a move's two halves). */
  async function appendEntries(
    builds: readonly ((at: { seq: number; prevHash: string }) => Promise<UnhashedEntry>)[],
    check: () => Promise<void> = async () => undefined,
  ): Promise<LedgerEntry[]> {
    const key = await writeKey();
    const withDocuments = hasDocuments();
    for (let attempt = 0; ; attempt++) {
      try {
        // 1. Prepare outside any transaction: awaiting crypto.subtle inside a Dexie transaction commits it early.
        const prev = await lastEntry();
        const start = prev ? null : await anchor();
        const prevSeq = prev?.seq ?? start!.seq - 1;
        const prevHash = prev?.hash ?? start!.prevHash;
        const entries: LedgerEntry[] = [];
        for (const build of builds) {
          const last = entries[entries.length - 1];
          entries.push(await sealEntry(await build({ seq: (last?.seq ?? prevSeq) + 1, prevHash: last?.hash ?? prevHash })));
        }
        const newest = entries[entries.length - 1]!;
        const head = await signHead(key, { seq: newest.seq, hash: newest.hash, signedAt: now() }, subtle);
        const indexRows: SentenceIndexRow[] = entries.flatMap((entry) =>
          entry.sentences.map((s, i) => ({
            seq: entry.seq,
            i,
            hash: s.normalizedHash,
            bands: bandKeys(sketchFromHex(s.sketch)),
            documentKey: entry.documentKey,
          })),
        );
        const withdrawn = new Map<number, LedgerEntry>();
        for (const e of entries) {
          const target = e.withdraws ? await db.entries.get(e.withdraws.seq) : undefined;
          if (target) withdrawn.set(e.seq, target);
        }

        // 2. Write: only IndexedDB work inside; check the head did not move.
        const tables = [db.entries, db.sentenceIndex, db.meta, ...(withDocuments ? [db.documents] : [])];
        await db.transaction('rw', tables, async () => {
          const current = await db.entries.orderBy('seq').last();
          if ((current?.seq ?? prevSeq) !== prevSeq || (current?.hash ?? prevHash) !== prevHash || (!current && prev)) {
            throw new HeadMovedError(`head moved from ${prevSeq}`);
          }
          await check();
          await db.entries.bulkAdd(entries);
          if (indexRows.length) await db.sentenceIndex.bulkAdd(indexRows);
          if (withDocuments) {
            for (const entry of entries) {
              // A move changes which acceptances two documents hold: recompute both rows.
              if (entry.moves) await rebuildDocumentRows(db, documentsTouchedBy(entry));
              else await db.documents.put(mergeDocumentDelta(await db.documents.get(entry.documentKey), documentDelta(entry, withdrawn.get(entry.seq))));
            }
          }
          await db.meta.put({ key: 'head', ...head });
        });
        if (entries.some((e) => e.moves)) invalidateCaches();
        return entries;
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

  async function append(input: AcceptanceInput, appendOptions: { privacyMode?: boolean } = {}): Promise<LedgerEntry> {
    validateInput(input);
    const privacy = appendOptions.privacyMode ?? settings().privacyMode;
    const sentences = await prepareSentences(input.insertedText, privacy);
    const id = globalThis.crypto.randomUUID();
    return appendEntry((at) => buildEntryBody(input, sentences, { id, ...at, privacy, format: entryFormat }));
  }

  async function paste(input: PasteInput, pasteOptions: { privacyMode?: boolean } = {}): Promise<LedgerEntry> {
    validatePasteInput(input);
    const privacy = pasteOptions.privacyMode ?? settings().privacyMode;
    const id = globalThis.crypto.randomUUID();
    return appendEntry((at) => buildPasteBody(input, { id, ...at, privacy }));
  }

  /** Why `target` cannot be withdrawn now, or null. */
  async function withdrawalRefusal(target: { seq: number; hash: string }): Promise<string | null> {
    const entry = await db.entries.get(target.seq);
    if (!entry) {
      const start = await anchor();
      return target.seq < start.seq
        ? 'That acceptance was already removed by retention; there is nothing left to withdraw.'
        : 'No such acceptance in the ledger.';
    }
    if (entry.hash !== target.hash) return 'The ledger entry at that position is a different acceptance.';
    if (entry.withdraws) return 'That entry is itself a withdrawal.';
    if (!isAcceptance(entry)) return 'That entry is a move, a review, a paste or a typing record, not an acceptance.';
    const later = await db.entries.where('seq').above(entry.seq).filter((e) => e.withdraws?.seq === entry.seq).count();
    return later > 0 ? 'That acceptance was already withdrawn.' : null;
  }

  async function withdraw(target: { seq: number; hash: string }, reason: WithdrawalReason, extensionVersion: string): Promise<LedgerEntry> {
    const refusal = await withdrawalRefusal(target);
    if (refusal) throw new LedgerWriteError('refused', refusal);
    const entry = (await db.entries.get(target.seq))!;
    const documentKey = (await documentOf(target.seq)) ?? entry.documentKey;
    const id = globalThis.crypto.randomUUID();
    return appendEntry(
      (at) => buildWithdrawalBody(entry, reason, { id, ...at, withdrawnAt: now(), extensionVersion, documentKey }),
      async () => {
        // Another context withdrew it meanwhile.
        const again = await withdrawalRefusal(target);
        if (again) throw new LedgerWriteError('refused', again);
      },
    );
  }

  /** Withdrawals and moves after `seq` (what changes whether, and where, an acceptance counts). */
  async function laterChanges(seq: number): Promise<LedgerEntry[]> {
    return db.entries.where('seq').above(seq).filter((e) => !!e.withdraws || !!e.moves).toArray();
  }

  async function documentOf(seq: number): Promise<string | undefined> {
    const entry = await db.entries.get(seq);
    return entry && currentDocumentOf(entry, movedTo(await laterChanges(seq)));
  }

  /** Why `seqs` cannot be moved to `to` now, or the entries and the document they leave. */
  async function moveCheck(seqs: readonly number[], to: string): Promise<{ refusal: string } | { entries: LedgerEntry[]; from: string }> {
    const unique = [...new Set(seqs)].sort((a, b) => a - b);
    if (!unique.length) return { refusal: 'No acceptances to move.' };
    if (!to.trim()) return { refusal: 'The document to move to has no name.' };
    const entries = await db.entries.bulkGet(unique);
    const later = await laterChanges(unique[0]!);
    const withdrawn = new Set(later.flatMap((e) => (e.withdraws ? [e.withdraws.seq] : [])));
    const moved = movedTo(later);
    const from = new Set<string>();
    for (const [i, e] of entries.entries()) {
      if (!e) return { refusal: `Entry ${unique[i]} is not in the ledger (removed by retention, or never written).` };
      if (!isAcceptance(e)) return { refusal: `Entry ${e.seq} is a withdrawal or a move, not an acceptance.` };
      if (withdrawn.has(e.seq)) return { refusal: `Entry ${e.seq} was withdrawn; it counts nowhere.` };
      from.add(currentDocumentOf(e, moved));
    }
    if (from.size > 1) return { refusal: 'Those acceptances are in different documents; move them from one document at a time.' };
    const [source] = from;
    if (source === to) return { refusal: 'Those acceptances are already in that document.' };
    return { entries: entries as LedgerEntry[], from: source! };
  }

  async function move(
    seqs: readonly number[],
    to: string,
    opts: { reason: MoveReason; title?: string; extensionVersion: string },
  ): Promise<LedgerEntry[]> {
    const checked = await moveCheck(seqs, to);
    if ('refusal' in checked) throw new LedgerWriteError('refused', checked.refusal);
    const { entries, from } = checked;
    const refs = entries.map((e) => ({ seq: e.seq, hash: e.hash }));
    const rows = hasDocuments() ? await db.documents.bulkGet([from, to]) : [];
    const first = entries[0]!;
    const movedAt = now();
    const fromTitle = rows[0]?.title ?? first.pageTitle;
    const toTitle = opts.title?.trim() || rows[1]?.title || first.pageTitle;
    const half = (direction: 'out' | 'in') => async (at: { seq: number; prevHash: string }) =>
      buildAnnotationBody(first, { moves: { direction, peer: direction === 'out' ? to : from, entries: refs, reason: opts.reason } }, {
        id: globalThis.crypto.randomUUID(),
        ...at,
        documentKey: direction === 'out' ? from : to,
        pageTitle: direction === 'out' ? fromTitle : toTitle,
        at: movedAt,
        extensionVersion: opts.extensionVersion,
      });
    return appendEntries([half('out'), half('in')], async () => {
      // Another context withdrew or moved one of them meanwhile.
      const again = await moveCheck(seqs, to);
      if ('refusal' in again) throw new LedgerWriteError('refused', again.refusal);
    });
  }

  async function review(documentKey: string, reviewed: ReviewRef, opts: { title?: string; extensionVersion: string }): Promise<LedgerEntry> {
    if (!reviewed.reviewer.name.trim()) throw new LedgerWriteError('refused', 'A review needs the reviewer’s name.');
    if (!reviewed.sentences.length) throw new LedgerWriteError('refused', 'There is no AI-suggested sentence in this text to review.');
    const standing = standingAcceptances(await storedEntriesOfDocument(db, documentKey), documentKey);
    const about = standing[standing.length - 1];
    if (!about) throw new LedgerWriteError('refused', 'No accepted suggestion counts in this document, so there is nothing to review.');
    const row = hasDocuments() ? await db.documents.get(documentKey) : undefined;
    const id = globalThis.crypto.randomUUID();
    return appendEntry((at) =>
      buildAnnotationBody(about, { review: reviewed }, {
        id,
        ...at,
        documentKey,
        pageTitle: opts.title?.trim() || row?.title || about.pageTitle,
        at: now(),
        extensionVersion: opts.extensionVersion,
      }),
    );
  }

  /** Acceptances that stand (withdrawn ones and withdrawals not counted) and their sentences. */
  async function stats(): Promise<LedgerStats> {
    const day = new Date(now());
    day.setHours(0, 0, 0, 0);
    const [rows, today] = await Promise.all([documents(), db.entries.where('acceptedAt').aboveOrEqual(day.getTime()).toArray()]);
    const withdrawnToday = new Set(today.flatMap((e) => (e.withdraws ? [e.withdraws.seq] : [])));
    return {
      entries: rows.reduce((n, r) => n + r.entries, 0),
      sentences: rows.reduce((n, r) => n + r.sentences, 0),
      sentencesToday: today.reduce((n, e) => n + (withdrawnToday.has(e.seq) ? 0 : e.sentences.length), 0),
    };
  }

  async function recent(limit: number): Promise<LedgerEntry[]> {
    if (!(limit > 0)) return [];
    return db.entries.orderBy('seq').reverse().limit(Math.floor(limit)).toArray();
  }

  async function head(): Promise<SignedHead | null> {
    const row = await db.meta.get('head');
    if (!row || row.key !== 'head') return null;
    const { key: _k, ...signed } = row;
    return signed;
  }

  async function knownKeys(): Promise<PublicKeyInfo[]> {
    const own = await db.keys.get('signing');
    const trusted = await db.meta.get('trustedKeys');
    const list: PublicKeyInfo[] = own ? [{ algorithm: own.algorithm, spki: own.spki, keyId: own.keyId }] : [];
    if (trusted?.key === 'trustedKeys') for (const k of trusted.keys) if (!list.some((x) => x.keyId === k.keyId)) list.push(k);
    return list;
  }

  async function verify(): Promise<VerifyResult> {
    const keys = await knownKeys();
    const spkiFor = (keyId: string) => keys.find((k) => k.keyId === keyId)?.spki ?? null;
    const cp = await checkpoint();
    if (cp) {
      const spki = spkiFor(cp.keyId);
      if (!spki || !(await verifyCheckpoint(cp, spki))) {
        return { ok: false, brokenAt: cp.seq, reason: 'retention checkpoint signature is invalid' };
      }
    }
    const start = cp ? { seq: cp.seq + 1, prevHash: cp.hash } : GENESIS_ANCHOR;
    const verifier = new ChainVerifier(start);
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
    return verifier.finish(signed, signed ? spkiFor(signed.keyId) : null);
  }

  async function publicKey(): Promise<PublicKeyInfo> {
    const k = await signingKey();
    return { algorithm: k.algorithm, spki: k.spki, keyId: k.keyId };
  }

  async function sign(type: string, body: Record<string, unknown>) {
    const k = await signingKey();
    return { algorithm: k.algorithm, keyId: k.keyId, signature: await signStatement(k, type, body, subtle) };
  }

  async function signCose(toBeSigned: Uint8Array<ArrayBuffer>) {
    const k = await signingKey();
    return { keyId: k.keyId, signature: await signCoseToBeSigned(k, toBeSigned, subtle) };
  }

  async function documents(): Promise<DocumentRow[]> {
    if (!hasDocuments()) return [];
    return db.documents.orderBy('lastAcceptedAt').reverse().toArray();
  }

  async function recordAudit(documentKey: string, audit: DocumentAudit): Promise<void> {
    if (!hasDocuments()) return;
    await db.documents.update(documentKey, { lastAudit: audit });
  }

  async function prune(retentionDays: number): Promise<PruneResult> {
    if (!(retentionDays > 0) || !Number.isFinite(retentionDays)) throw new RangeError('retentionDays must be a positive number');
    const cutoff = now() - retentionDays * DAY_MS;
    const start = await anchor();
    // The oldest contiguous run of entries accepted before the cutoff.
    const old = await db.entries.where('acceptedAt').below(cutoff).primaryKeys();
    old.sort((a, b) => a - b);
    let last = start.seq - 1;
    for (const seq of old) {
      if (seq === last + 1) last = seq;
      else if (seq > last + 1) break;
    }
    if (last < start.seq) return { pruned: 0, checkpoint: null };

    // Never bless a broken chain with a checkpoint.
    const verified = await verify();
    if (!verified.ok) {
      throw new LedgerWriteError(
        'unknown',
        `Retention paused: the ledger does not verify (entry ${verified.brokenAt}: ${verified.reason}). Nothing was deleted.`,
      );
    }
    const prunedEntries = await db.entries.where('seq').between(start.seq, last, true, true).toArray();
    const lastPruned = prunedEntries[prunedEntries.length - 1]!;
    const previous = await checkpoint();
    const key = await signingKey();
    const unsigned = {
      seq: lastPruned.seq,
      hash: lastPruned.hash,
      pruned: (previous?.pruned ?? 0) + prunedEntries.length,
      prunedAt: now(),
      retentionDays,
      keyId: key.keyId,
      algorithm: key.algorithm,
    };
    const cp: SignedCheckpoint = { ...unsigned, signature: await signStatement(key, CHECKPOINT_TYPE, checkpointBody(unsigned), subtle) };
    // Rows to recompute: where the pruned entries were filed, both sides of pruned moves, and
    // wherever later moves had taken pruned acceptances.
    const prunedSeqs = new Set(prunedEntries.map((e) => e.seq));
    const laterMoves = await db.entries.where('seq').above(lastPruned.seq).filter((e) => e.moves?.direction === 'in').toArray();
    const touched = new Set([
      ...prunedEntries.flatMap(documentsTouchedBy),
      ...laterMoves.filter((m) => m.moves!.entries.some((r) => prunedSeqs.has(r.seq))).map((m) => m.documentKey),
    ]);
    const withDocuments = hasDocuments();
    const tables = [db.entries, db.sentenceIndex, db.meta, ...(withDocuments ? [db.documents] : [])];
    try {
      await db.transaction('rw', tables, async () => {
        const still = await db.entries.get(lastPruned.seq);
        const cpNow = await db.meta.get('checkpoint');
        if (!still || still.hash !== lastPruned.hash || (cpNow?.key === 'checkpoint' ? cpNow.seq : null) !== (previous?.seq ?? null)) {
          throw new HeadMovedError('ledger changed while pruning');
        }
        await db.entries.where('seq').belowOrEqual(lastPruned.seq).delete();
        await db.sentenceIndex.where('seq').belowOrEqual(lastPruned.seq).delete();
        await db.meta.put({ key: 'checkpoint', ...cp });
        // Rebuilt from what is left (withdrawals make counts net, so a count cannot say "none left").
        if (withDocuments) await rebuildDocumentRows(db, touched);
      });
    } catch (err) {
      throw toLedgerWriteError(err);
    }
    invalidateCaches();
    return { pruned: prunedEntries.length, checkpoint: cp };
  }

  /**
   * Attribution runs on an in-memory index (compact MinHash LSH, see MemoryIndex), built from the
   * entries on first use and caught up with newer entries on each call: the IndexedDB multiEntry
   * index (`sentenceIndex.bands`, still maintained by every write) cannot answer 5,000 sentences
   * against 100,000 entries in the time an audit needs.
   */
  let building: Promise<{ index: MemoryIndex; lastSeq: number }> | null = null;
  async function attributionIndex(): Promise<MemoryIndex> {
    building ??= (async () => {
      // Moved acceptances are indexed under the document they count in now. Moves come after the
      // entries they move and are rare: a ledger that has any is read a second time with the map.
      const build = async (moved: ReadonlyMap<number, string>) => {
        const fresh = { index: new MemoryIndex(), lastSeq: 0, moves: [] as LedgerEntry[] };
        await db.entries.orderBy('seq').each((e) => {
          if (e.moves) fresh.moves.push(e);
          fresh.index.add(moved.has(e.seq) ? { ...e, documentKey: moved.get(e.seq)! } : e);
          fresh.lastSeq = e.seq;
        });
        return fresh;
      };
      const first = await build(new Map());
      return first.moves.length ? build(movedTo(first.moves)) : first;
    })();
    const state = await building;
    const newer = await db.entries.where('seq').above(state.lastSeq).toArray();
    if (newer.some((e) => e.moves)) {
      invalidateCaches();
      return attributionIndex();
    }
    for (const e of newer) {
      if (e.seq <= state.lastSeq) continue;
      state.index.add(e);
      state.lastSeq = e.seq;
    }
    return state.index;
  }
  function invalidateCaches() {
    building = null;
  }

  async function observedInDocument(documentKey: string, which: (e: LedgerEntry) => boolean = (e) => !!e.paste || !!e.typed): Promise<LedgerEntry[]> {
    return (await db.entries.where('documentKey').equals(documentKey).toArray()).filter(which).sort((a, b) => a.seq - b.seq);
  }

  async function typed(input: TypedInput): Promise<LedgerEntry | undefined> {
    validateTypedInput(input);
    const key = documentKeyOf(input.document);
    const known = typedHashes(await observedInDocument(key, (e) => !!e.typed));
    const hashes = (await sentenceHashes(typedSentences(input.text, input.typedRanges))).filter((h) => !known.has(h));
    if (!hashes.length) return undefined;
    const id = globalThis.crypto.randomUUID();
    return appendEntry((at) => buildTypedBody(input, hashes, { id, ...at, privacy: settings().privacyMode }));
  }

  async function attribute(
    text: string,
    documentKey?: string,
    opts: { locale?: string; thresholds?: Partial<AttributionThresholds>; onlyDocument?: boolean } = {},
  ) {
    const source = await attributionIndex();
    const result = await attributeText(text, source, {
      ...(documentKey !== undefined ? { documentKey } : {}),
      ...(opts.onlyDocument ? { onlyDocument: true } : {}),
      ...(opts.locale !== undefined ? { locale: opts.locale } : {}),
      ...(opts.thresholds ? { thresholds: opts.thresholds } : {}),
    });
    // Pastes and typing count within their document only (elsewhere they say nothing about this text).
    return documentKey === undefined ? result : withObserved(result, observedInput(await observedInDocument(documentKey)));
  }

  return {
    append,
    withdraw,
    move,
    entry: (seq: number) => db.entries.get(seq),
    documentOf,
    review,
    paste,
    pastesIn: (documentKey: string) => observedInDocument(documentKey, (e) => !!e.paste),
    typed,
    reviewsIn: async (documentKey: string) => (await db.entries.where('documentKey').equals(documentKey).toArray()).filter((e) => !!e.review).sort((a, b) => a.seq - b.seq),
    acceptancesIn: async (documentKey: string) => standingAcceptances(await storedEntriesOfDocument(db, documentKey), documentKey),
    attribute,
    stats,
    recent,
    verify,
    head,
    checkpoint,
    anchor,
    publicKey,
    knownKeys,
    signStatement: sign,
    signCose,
    documents,
    recordAudit,
    prune,
    invalidateCaches,
    db,
    close: () => db.close(),
  };
}

export { LedgerWriteError };
