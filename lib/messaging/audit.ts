import * as v from 'valibot';
import type { ArchiveSummary, BackupInspection } from '../ledger/backup';
import type { DocumentAudit, DocumentRow } from '../ledger/documents';

export type { ArchiveSummary, BackupInspection };
import type { Failure } from './common';

/**
 * Audit requests (the audit page → background): attribution of a text, the document list,
 * verification, per-document export, whole-ledger backup/restore and retention.
 */
const MAX_TEXT = 2_000_000;
/** A backup travels as one message; Chrome caps a message at 64 MiB. */
const MAX_BACKUP = 60 * 1024 * 1024;
const DocumentKeySchema = v.pipe(v.string(), v.minLength(1), v.maxLength(12_000));

export const AUDIT_REQUEST_SCHEMAS = [
  v.object({ type: v.literal('audit.documents') }),
  v.object({
    type: v.literal('audit.attribute'),
    text: v.pipe(v.string(), v.maxLength(MAX_TEXT)),
    documentKey: v.nullable(DocumentKeySchema),
  }),
  v.object({ type: v.literal('audit.verify') }),
  v.object({ type: v.literal('audit.report'), documentKey: DocumentKeySchema, text: v.nullable(v.pipe(v.string(), v.maxLength(MAX_TEXT))) }),
  v.object({ type: v.literal('audit.backup') }),
  v.object({ type: v.literal('audit.restore'), backup: v.pipe(v.string(), v.maxLength(MAX_BACKUP)), replace: v.boolean() }),
  /** What a restore of this backup would do, and who signed it: shown before "replace" is confirmed. */
  v.object({ type: v.literal('audit.inspectBackup'), backup: v.pipe(v.string(), v.maxLength(MAX_BACKUP)) }),
  /** Ledgers a "replace" archived; one of them as a backup file. */
  v.object({ type: v.literal('audit.archives') }),
  v.object({ type: v.literal('audit.archiveFile'), id: v.pipe(v.number(), v.integer(), v.minValue(1)) }),
  v.object({ type: v.literal('audit.prune'), retentionDays: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(36_500)) }),
  /** An editor's review of the AI sentences of `text` in a document: one outcome per AI sentence, in order. */
  v.object({
    type: v.literal('audit.review'),
    documentKey: DocumentKeySchema,
    text: v.pipe(v.string(), v.maxLength(MAX_TEXT)),
    reviewer: v.object({ name: v.pipe(v.string(), v.maxLength(200)), role: v.pipe(v.string(), v.maxLength(200)) }),
    outcomes: v.pipe(v.array(v.picklist(['kept', 'amended', 'rejected'])), v.maxLength(100_000)),
    note: v.pipe(v.string(), v.maxLength(5_000)),
  }),
  /** From the in-page audit: open the audit page on this field's text, to record a review there. */
  v.object({ type: v.literal('audit.reviewOnAuditPage'), documentKey: DocumentKeySchema, text: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_TEXT)) }),
  /** The audit page takes the text handed to it (once). */
  v.object({ type: v.literal('audit.takeHandoff'), token: v.pipe(v.string(), v.regex(/^[0-9a-f-]{36}$/)) }),
  /** The acceptances that count in one document (to choose what to move). */
  v.object({ type: v.literal('audit.documentEntries'), documentKey: DocumentKeySchema }),
  /** Refile acceptances under another document (merge, split, or correct the earlier key rule). */
  v.object({
    type: v.literal('audit.move'),
    seqs: v.pipe(v.array(v.pipe(v.number(), v.integer(), v.minValue(1))), v.minLength(1), v.maxLength(100_000)),
    to: DocumentKeySchema,
    title: v.nullable(v.pipe(v.string(), v.maxLength(500))),
    reason: v.picklist(['merge', 'split', 'refile']),
  }),
] as const;

export type AuditKind = 'ai-verbatim' | 'ai-edited' | 'ai-rewrite' | 'pasted' | 'typed' | 'not-logged';

/** A document as the audit page lists it: the ledger's row, with "never audited" as null. */
export type AuditDocument = Omit<DocumentRow, 'lastAudit'> & { lastAudit: DocumentAudit | null };

/** One acceptance of a document, as the audit page lists it for moving. */
export interface AuditDocumentEntry {
  seq: number;
  acceptedAt: number;
  action: string;
  pageTitle: string;
  sentences: number;
  /** The start of the inserted text (null in privacy mode). */
  excerpt: string | null;
  /** The key it was first filed under, when it was moved here from another document. */
  movedFrom: string | null;
}

export interface AuditMatch {
  seq: number;
  documentKey: string;
  pageTitle: string;
  action: string;
  rewrite: boolean;
  acceptedAt: number;
  model: { id: string; revision: string; dtype: string; backend: string };
  /** The logged sentence as suggested (null in privacy mode). */
  suggestedSentence: string | null;
  /** The whole suggestion shown to the writer (null in privacy mode). */
  suggestion: string | null;
  /** For rewrites: the writer's text it replaced (null in privacy mode or none). */
  original: string | null;
}

export interface AuditSentence {
  text: string;
  start: number;
  end: number;
  kind: AuditKind;
  /** 0..1 share of words changed (0 for verbatim). */
  changedRatio: number | null;
  estimated: boolean;
  match: AuditMatch | null;
  /** For an AI sentence: the latest review that saw it as it is now (null: not reviewed). */
  review: { outcome: 'kept' | 'amended' | 'rejected'; reviewer: { name: string; role: string }; at: number } | null;
  /** The AI's words as spans of the audited text (empty when not logged; the whole sentence when estimated). */
  aiSpans: { start: number; end: number }[];
  /** Characters (code points) of the sentence that are the AI's. */
  aiCharacters: number;
  /** A pasted sentence whose copy the extension saw: the page it came from. */
  pastedFrom?: { url: string; title: string };
}

export interface AuditFiguresMessage {
  sentences: number;
  characters: number;
  /** `pasted` / `typed` only when something was pasted / typed (as in lib/ledger/audit.ts). */
  kinds: Record<Exclude<AuditKind, 'pasted' | 'typed'>, { sentences: number; characters: number }> & {
    pasted?: { sentences: number; characters: number };
    typed?: { sentences: number; characters: number };
  };
  aiSentences: number;
  aiCharacters: number;
  aiSentenceShare: number;
  aiCharacterShare: number;
  humanTouch: number;
}

export interface AuditAttribution {
  documentKey: string | null;
  sentences: AuditSentence[];
  figures: AuditFiguresMessage;
}

export type AuditVerifyResult =
  | { ok: true; entries: number; headSeq: number | null; keyId: string | null; pruned: number }
  | { ok: false; brokenAt: number; reason: string };

export interface AuditExportFile {
  name: string;
  mime: string;
  content: string;
}

export interface AuditResponses {
  'audit.documents': { ok: true; documents: AuditDocument[] } | Failure;
  'audit.attribute': { ok: true; attribution: AuditAttribution } | Failure;
  'audit.verify': { ok: true; result: AuditVerifyResult } | Failure;
  'audit.report': { ok: true; statement: string; files: { json: AuditExportFile; csv: AuditExportFile; markdown: AuditExportFile; html: AuditExportFile } } | Failure;
  'audit.backup': { ok: true; file: AuditExportFile; entries: number } | Failure;
  'audit.restore': { ok: true; imported: number; total: number; mode: string; archived: { id: number; entries: number } | null } | Failure;
  'audit.inspectBackup': { ok: true; inspection: BackupInspection } | Failure;
  'audit.archives': { ok: true; archives: ArchiveSummary[] } | Failure;
  'audit.archiveFile': { ok: true; file: AuditExportFile } | Failure;
  'audit.prune': { ok: true; pruned: number; checkpointSeq: number | null } | Failure;
  'audit.documentEntries': { ok: true; entries: AuditDocumentEntry[] } | Failure;
  'audit.review': { ok: true; seq: number; sentences: number } | Failure;
  'audit.reviewOnAuditPage': { ok: true; opened: true } | Failure;
  'audit.takeHandoff': { ok: true; documentKey: string; text: string } | Failure;
  'audit.move': { ok: true; moved: number; seqs: number[] } | Failure;
}
