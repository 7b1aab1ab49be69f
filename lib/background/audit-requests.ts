import { isAiKind } from '../ledger/audit';
import { isRewriteAction } from '../engine/actions';
import { t } from '../i18n';
import { LedgerWriteError, type LedgerEntry } from '../ledger';
import { auditFigures } from '../ledger/audit';
import { reviewHashOf, reviewsBySentence, reviewsOf } from '../ledger/review';
import { sha256Hex } from '../text/hash';
import { archiveFile, backupToJson, exportBackup, inspectBackup, listArchives, restoreBackup, RestoreError } from '../ledger/backup';
import { buildDocumentReport, disclosureHtml, disclosureMarkdown, reportCsv, reportFileName, ReportError } from '../ledger/report';
import type { AuditMatch, AuditResponses, AuditSentence, Failure, Request } from '../messaging';
import type { LedgerRequestContext } from './ledger-requests';
import type { ReviewHandoffs } from './review-handoff';
import { FORBIDDEN, scopeCoversDocument, type SenderScope } from './sender-scope';

type AuditRequest = Extract<Request, { type: `audit.${string}` }>;

/** How much of an acceptance's text the move list shows. */
const EXCERPT_CHARS = 160;

function failure(error: unknown): Failure {
  if (error instanceof RestoreError) return { ok: false, code: 'refused', error: error.message };
  if (error instanceof ReportError) return { ok: false, code: 'unverified', error: error.message };
  if (error instanceof LedgerWriteError && error.code === 'quota') {
    return { ok: false, code: 'quota', error: t('auditErrorQuota') };
  }
  if (error instanceof LedgerWriteError && error.code === 'refused') return { ok: false, code: 'refused', error: error.message };
  return { ok: false, code: 'unknown', error: error instanceof Error ? error.message : String(error) };
}

function matchOf(entry: LedgerEntry, i: number): AuditMatch {
  return {
    seq: entry.seq,
    documentKey: entry.documentKey,
    pageTitle: entry.pageTitle,
    action: entry.action,
    rewrite: isRewriteAction(entry.action),
    acceptedAt: entry.acceptedAt,
    model: { ...entry.model },
    suggestedSentence: entry.sentences[i]?.text ?? null,
    suggestion: entry.suggestedText,
    original: entry.originalText,
  };
}

export interface AuditRequestContext extends LedgerRequestContext {
  /** Texts handed from the in-page audit to the audit page, and how that page is opened (`query`: its search part). */
  reviewHandoff?: { handoffs: ReviewHandoffs; openAuditPage(query: string): Promise<void> };
}

/** Audit page requests: attribution, document list, verify, export, backup/restore, retention. */
export async function handleAuditRequest(
  request: AuditRequest,
  context: AuditRequestContext,
  scope: SenderScope = { kind: 'extension-page' },
): Promise<AuditResponses[AuditRequest['type']]> {
  try {
    const ledger = context.ledger();
    switch (request.type) {
      case 'audit.documents': {
        const rows = await ledger.documents();
        return { ok: true, documents: rows.map((r) => ({ ...r, lastAudit: r.lastAudit ?? null })) };
      }
      case 'audit.attribute': {
        // In a web page (the panel's disclosure line, the in-page audit) only this document's
        // entries answer: a page must not learn what was accepted elsewhere, nor see its text.
        const pageScoped = scope.kind === 'content-script';
        if (pageScoped && (request.documentKey === null || !scopeCoversDocument(scope, request.documentKey))) return FORBIDDEN;
        const result = await ledger.attribute(request.text, request.documentKey ?? undefined, pageScoped ? { onlyDocument: true } : {});
        const seqs = [...new Set(result.sentences.flatMap((s) => (s.match ? [s.match.seq] : [])))];
        const entries = new Map<number, LedgerEntry>();
        for (const e of await ledger.db.entries.bulkGet(seqs)) if (e) entries.set(e.seq, e);
        const sentences: AuditSentence[] = result.sentences.map((s) => {
          const entry = s.match ? entries.get(s.match.seq) : undefined;
          return {
            text: s.text,
            start: s.start,
            end: s.end,
            kind: s.kind,
            changedRatio: !isAiKind(s.kind) ? null : (s.changedRatio ?? 0),
            estimated: s.estimated === true,
            match: entry && s.match ? matchOf(entry, s.match.i) : null,
            review: null,
            aiSpans: s.aiSpans,
            aiCharacters: s.aiCharacters,
            ...(s.pastedFrom ? { pastedFrom: s.pastedFrom } : {}),
          };
        });
        // Reviews are of this document's text; the page may see them (they are its own document's).
        const reviewed = request.documentKey
          ? await reviewsOf(
              result.sentences.map((s) => s.text),
              reviewsBySentence(await ledger.reviewsIn(request.documentKey)),
            )
          : [];
        result.sentences.forEach((s, i) => {
          const r = reviewed[i];
          if (isAiKind(s.kind) && r) sentences[i]!.review = { outcome: r.outcome, reviewer: r.reviewer, at: r.at };
        });
        const figures = auditFigures(result.sentences);
        if (request.documentKey) {
          await ledger.recordAudit(request.documentKey, {
            at: Date.now(),
            sentences: figures.sentences,
            aiSentences: figures.aiSentences,
            characters: figures.characters,
            aiCharacters: figures.aiCharacters,
            humanTouch: figures.humanTouch,
          });
        }
        return { ok: true, attribution: { documentKey: request.documentKey, sentences, figures } };
      }
      case 'audit.verify': {
        const r = await ledger.verify();
        const cp = await ledger.checkpoint();
        return {
          ok: true,
          result: r.ok
            ? { ok: true, entries: r.entries, headSeq: r.head?.seq ?? null, keyId: r.head?.keyId ?? null, pruned: cp?.pruned ?? 0 }
            : { ok: false, brokenAt: r.brokenAt, reason: r.reason },
        };
      }
      case 'audit.report': {
        const report = await buildDocumentReport(ledger, request.documentKey, {
          text: request.text,
          extensionVersion: context.extensionVersion,
        });
        return {
          ok: true,
          statement: report.disclosure.statement,
          files: {
            json: { name: reportFileName(report, 'json'), mime: 'application/json', content: `${JSON.stringify(report, null, 2)}\n` },
            csv: { name: reportFileName(report, 'csv'), mime: 'text/csv', content: reportCsv(report) },
            markdown: { name: reportFileName(report, 'md'), mime: 'text/markdown', content: disclosureMarkdown(report) },
            html: { name: reportFileName(report, 'html'), mime: 'text/html', content: disclosureHtml(report) },
          },
        };
      }
      case 'audit.backup': {
        const backup = await exportBackup(ledger, { extensionVersion: context.extensionVersion });
        return {
          ok: true,
          entries: backup.entries.length,
          file: {
            name: `ledgerline-backup-${backup.exportedAt.slice(0, 10)}.json`,
            mime: 'application/json',
            content: backupToJson(backup),
          },
        };
      }
      case 'audit.restore': {
        const r = await restoreBackup(ledger, request.backup, { replace: request.replace, extensionVersion: context.extensionVersion });
        return { ok: true, ...r };
      }
      case 'audit.inspectBackup':
        return { ok: true, inspection: await inspectBackup(ledger, request.backup) };
      case 'audit.archives':
        return { ok: true, archives: await listArchives(ledger) };
      case 'audit.archiveFile': {
        const content = await archiveFile(ledger, request.id);
        if (content === null) return { ok: false, code: 'not-found', error: t('auditArchiveMissing') };
        return { ok: true, file: { name: `ledgerline-archive-${request.id}.json`, mime: 'application/json', content } };
      }
      case 'audit.review': {
        const result = await ledger.attribute(request.text, request.documentKey);
        const ai = result.sentences.filter((s) => isAiKind(s.kind));
        if (ai.length !== request.outcomes.length) {
          return { ok: false, code: 'refused', error: t('auditReviewStale') };
        }
        const entry = await ledger.review(
          request.documentKey,
          {
            reviewer: { name: request.reviewer.name.trim(), role: request.reviewer.role.trim() },
            textHash: await sha256Hex(request.text),
            sentences: await Promise.all(ai.map(async (s, i) => ({ hash: await reviewHashOf(s.text), outcome: request.outcomes[i]! }))),
            note: request.note.trim(),
          },
          { extensionVersion: context.extensionVersion },
        );
        return { ok: true, seq: entry.seq, sentences: ai.length };
      }
      case 'audit.reviewOnAuditPage': {
        // A content script hands over a field of its own page only.
        if (!scopeCoversDocument(scope, request.documentKey)) return FORBIDDEN;
        const handoff = context.reviewHandoff;
        if (!handoff) return { ok: false, code: 'unavailable', error: t('auditHandoffUnavailable') };
        const token = handoff.handoffs.offer({ documentKey: request.documentKey, text: request.text });
        await handoff.openAuditPage(new URLSearchParams({ doc: request.documentKey, handoff: token }).toString());
        return { ok: true, opened: true };
      }
      case 'audit.takeHandoff': {
        const handed = context.reviewHandoff?.handoffs.take(request.token);
        return handed ? { ok: true, ...handed } : { ok: false, code: 'gone', error: t('auditHandoffGone') };
      }
      case 'audit.documentEntries': {
        const entries = await ledger.acceptancesIn(request.documentKey);
        return {
          ok: true,
          entries: entries.map((e) => ({
            seq: e.seq,
            acceptedAt: e.acceptedAt,
            action: e.action,
            pageTitle: e.pageTitle,
            sentences: e.sentences.length,
            excerpt: e.insertedText === null ? null : e.insertedText.slice(0, EXCERPT_CHARS),
            movedFrom: e.documentKey === request.documentKey ? null : e.documentKey,
          })),
        };
      }
      case 'audit.move': {
        const written = await ledger.move(request.seqs, request.to, {
          reason: request.reason,
          ...(request.title ? { title: request.title } : {}),
          extensionVersion: context.extensionVersion,
        });
        return { ok: true, moved: request.seqs.length, seqs: written.map((e) => e.seq) };
      }
      case 'audit.prune': {
        const r = await ledger.prune(request.retentionDays);
        return { ok: true, pruned: r.pruned, checkpointSeq: r.checkpoint?.seq ?? null };
      }
    }
  } catch (error) {
    return failure(error);
  }
}
