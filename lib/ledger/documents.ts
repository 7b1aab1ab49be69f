import { entriesOfDocument, standingAcceptances } from './moves';
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

const charactersOf = (e: LedgerEntry) => e.sentences.reduce((n, s) => n + (s.end - s.start), 0);

/**
 * What one entry adds to its document's row. A withdrawal subtracts the acceptance it takes back
 * (`withdrawn`, when that entry is still in the ledger), so the row counts live AI text only.
 */
export function documentDelta(e: LedgerEntry, withdrawn?: LedgerEntry): DocumentRow {
  const gone = e.withdraws && withdrawn?.seq === e.withdraws.seq ? withdrawn : null;
  return {
    key: e.documentKey,
    title: e.pageTitle,
    firstAcceptedAt: e.acceptedAt,
    lastAcceptedAt: e.acceptedAt,
    entries: e.withdraws ? (gone ? -1 : 0) : e.review || e.paste || e.typed ? 0 : 1,
    sentences: gone ? -gone.sentences.length : e.sentences.length,
    characters: gone ? -charactersOf(gone) : charactersOf(e),
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


/**
 * A document's row computed from its entries (entriesOfDocument: those filed under it and the
 * acceptances moved into it); undefined when nothing is filed under it. Used after moves,
 * restores and retention, where a per-entry delta cannot follow acceptances between documents.
 */
export function documentRowOf(key: string, docEntries: readonly LedgerEntry[]): DocumentRow | undefined {
  const filed = docEntries.filter((e) => e.documentKey === key).sort((a, b) => a.seq - b.seq);
  if (!filed.length) return undefined;
  const standing = standingAcceptances(docEntries, key);
  const latest = filed.reduce((a, b) => (b.acceptedAt >= a.acceptedAt ? b : a));
  return {
    key,
    title: latest.pageTitle,
    firstAcceptedAt: Math.min(...filed.map((e) => e.acceptedAt)),
    lastAcceptedAt: latest.acceptedAt,
    entries: standing.length,
    sentences: standing.reduce((n, e) => n + e.sentences.length, 0),
    characters: standing.reduce((n, e) => n + charactersOf(e), 0),
  };
}

/** Rows for every document in `all` (a whole ledger's entries). */
export function documentsFromEntries(all: readonly LedgerEntry[]): Map<string, DocumentRow> {
  const rows = new Map<string, DocumentRow>();
  for (const key of new Set(all.map((e) => e.documentKey))) {
    const row = documentRowOf(key, entriesOfDocument(all, key));
    if (row) rows.set(key, row);
  }
  return rows;
}
