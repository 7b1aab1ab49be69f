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

export function documentDelta(e: LedgerEntry): DocumentRow {
  return {
    key: e.documentKey,
    title: e.pageTitle,
    firstAcceptedAt: e.acceptedAt,
    lastAcceptedAt: e.acceptedAt,
    entries: 1,
    sentences: e.sentences.length,
    characters: e.sentences.reduce((n, s) => n + (s.end - s.start), 0),
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
  for (const e of entries) base.set(e.documentKey, mergeDocumentDelta(base.get(e.documentKey), documentDelta(e)));
  return base;
}
