import type { LedgerEntry } from './types';

/** Share of AI text in a document's text as of its last audit. */
export interface DocumentAudit {
  at: number;
  sentences: number;
  aiSentences: number;
  characters: number;
  aiCharacters: number;
  /** Share of characters written or changed by the human (see audit.ts). */
  humanTouch: number;
}

/** One row per document key (migration v2). Counts cover the entries still in the ledger. */
export interface DocumentRow {
  key: string;
  title: string;
  firstAcceptedAt: number;
  lastAcceptedAt: number;
  entries: number;
  sentences: number;
  /** Characters of accepted sentences. */
  characters: number;
  lastAudit?: DocumentAudit;
}

/**
 * What one entry adds to its document's row. A withdrawal subtracts the acceptance it takes back
 * (`withdrawn`, when that entry is still in the ledger), so the row counts live AI text only.
 */
export function documentDelta(e: LedgerEntry, withdrawn?: LedgerEntry): DocumentRow {
  const characters = (x: LedgerEntry) => x.sentences.reduce((n, s) => n + (s.end - s.start), 0);
  const gone = e.withdraws && withdrawn?.seq === e.withdraws.seq ? withdrawn : null;
  return {
    key: e.documentKey,
    title: e.pageTitle,
    firstAcceptedAt: e.acceptedAt,
    lastAcceptedAt: e.acceptedAt,
    entries: e.withdraws ? (gone ? -1 : 0) : 1,
    sentences: gone ? -gone.sentences.length : e.sentences.length,
    characters: gone ? -characters(gone) : characters(e),
  };
}

/** Add an entry's delta to a row (title follows the latest acceptance). */
export function mergeDocumentDelta(row: DocumentRow | undefined, d: DocumentRow): DocumentRow {
  if (!row) return d;
  return {
    ...row,
    title: d.lastAcceptedAt >= row.lastAcceptedAt ? d.title : row.title,
    firstAcceptedAt: Math.min(row.firstAcceptedAt, d.firstAcceptedAt),
    lastAcceptedAt: Math.max(row.lastAcceptedAt, d.lastAcceptedAt),
    entries: row.entries + d.entries,
    sentences: row.sentences + d.sentences,
    characters: row.characters + d.characters,
  };
}

/** Rebuild rows from entries (restore, retention). */
export function documentsFromEntries(entries: Iterable<LedgerEntry>, base = new Map<string, DocumentRow>()): Map<string, DocumentRow> {
  const bySeq = new Map<number, LedgerEntry>();
  for (const e of entries) {
    bySeq.set(e.seq, e);
    const withdrawn = e.withdraws ? bySeq.get(e.withdraws.seq) : undefined;
    base.set(e.documentKey, mergeDocumentDelta(base.get(e.documentKey), documentDelta(e, withdrawn)));
  }
  return base;
}
