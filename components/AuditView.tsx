import { isAiKind } from '../lib/ledger/audit';
import type { JSX } from 'preact';
import type { ArchiveSummary, AuditAttribution, AuditDocument, AuditDocumentEntry, AuditKind, AuditSentence, AuditVerifyResult, BackupInspection } from '@/lib/messaging';
import { t, tCount } from '@/lib/i18n';
import { percent } from '@/lib/ledger/audit';
import { AuditSentenceCard as Card, KIND_TEXT, SentenceText, sentenceLabel, tWith } from './AuditSentenceCard';
import { DocumentFiling, type FilingTarget } from './DocumentFiling';
import { ReportVerification } from './ReportVerification';
import { ContentCredentials, type CredentialsCopyResult } from './ContentCredentials';
import { ReviewForm, type ReviewDecision } from './ReviewForm';
import type { ReportFileCheck } from '@/lib/ledger/report-file';
import './AuditView.css';

/** Shares that add up to 1 show as percentages that add up to 100. */
const pct = percent;
const when = (ms: number) => new Date(ms).toLocaleString();

/**
 * The audit page (props in, callbacks out): documents with their AI share, one text attributed
 * sentence by sentence, verify, exports, backup and restore.
 */
export type ExportKind = 'json' | 'csv' | 'markdown' | 'html';

export interface AuditViewProps {
  documents: AuditDocument[] | null;
  selectedKey: string | null;
  onSelectDocument: (key: string | null) => void;
  text: string;
  onTextChange: (text: string) => void;
  onAnalyze: () => void;
  analyzing: boolean;
  attribution: AuditAttribution | null;
  verify: AuditVerifyResult | null;
  verifying: boolean;
  onVerify: () => void;
  onExport: (kind: ExportKind) => void;
  /** The offline report checker page, for download next to the report. */
  onExportVerifier: () => void;
  /** Copy the text with its C2PA manifest embedded (absent: the option is not shown). */
  onCopyWithCredentials?: () => Promise<CredentialsCopyResult>;
  /** The last exported report's disclosure: the short line and the detailed statement. */
  statement: { line: string; detail: string } | null;
  /** A report file the editor dropped or picked, checked (null before the first). */
  reportCheck: ReportFileCheck | null;
  /** The name of the report file being checked now. */
  reportChecking: string | null;
  onCheckReport: (file: File) => void;
  onBackup: () => void;
  onRestore: (file: File, replace: boolean) => void;
  replace: boolean;
  onReplaceChange: (replace: boolean) => void;
  /** A "replace" restore waiting for the writer's confirmation, with what the backup is. */
  pendingReplace: BackupInspection | null;
  onConfirmReplace: () => void;
  onCancelReplace: () => void;
  /** Ledgers earlier "replace" restores archived. */
  archives: ArchiveSummary[];
  onExportArchive: (id: number) => void;
  /** Changes with every analysis (a new text gets a fresh review form). */
  analysisId: number;
  /** The reviewer this browser remembers. */
  reviewer: { name: string; role: string };
  reviewing: boolean;
  onReview: (reviewer: { name: string; role: string }, outcomes: ReviewDecision[], note: string) => void;
  /** The acceptances counting in the selected document (null while loading or none selected). */
  documentEntries: AuditDocumentEntry[] | null;
  moving: boolean;
  onMove: (seqs: number[], target: FilingTarget) => void;
  /** Result of the last export, backup, restore or move. */
  notice: { kind: 'ok' | 'error'; text: string } | null;
  /** The notice answers a move (shown by the filing section, where the writer is). */
  filingNotice: boolean;
  /** The notice answers a review (shown under the review form). */
  reviewNotice: boolean;
  error: string | null;
}

function share(doc: AuditDocument): string {
  const a = doc.lastAudit;
  if (!a) return t('auditNotAudited');
  return t(
    'auditDocumentShare',
    a.aiSentences,
    a.sentences,
    pct(a.sentences ? a.aiSentences / a.sentences : 0),
    pct(a.characters ? a.aiCharacters / a.characters : 0),
  );
}

function DocumentList({ documents, selectedKey, onSelectDocument }: Pick<AuditViewProps, 'documents' | 'selectedKey' | 'onSelectDocument'>) {
  if (!documents) return <p>{t('auditLoadingDocuments')}</p>;
  if (!documents.length) return <p>{t('auditNoDocuments')}</p>;
  return (
    <table class="documents" data-testid="audit-documents">
      <caption>{t('auditDocumentsCaption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('auditColumnDocument')}</th>
          <th scope="col">{t('auditColumnAccepted')}</th>
          <th scope="col">{t('auditColumnSentences')}</th>
          <th scope="col">{t('auditColumnShare')}</th>
          <th scope="col">
            <span class="visually-hidden">{t('auditColumnSelect')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {documents.map((d) => (
          <tr key={d.key} data-testid="audit-document" aria-current={d.key === selectedKey ? 'true' : undefined}>
            <th scope="row">
              <span class="title">{d.title || t('auditUntitled')}</span>
              <span class="key">{d.key}</span>
            </th>
            <td>{d.entries}</td>
            <td>{t('auditDocumentSentences', d.sentences, d.characters)}</td>
            <td data-testid="audit-document-share">{share(d)}</td>
            <td>
              <button type="button" onClick={() => onSelectDocument(d.key)} aria-pressed={d.key === selectedKey}>
                {d.key === selectedKey ? t('auditSelected') : t('auditSelect')}
                <span class="visually-hidden"> {d.title || d.key}</span>
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Highlighted({ text, sentences }: { text: string; sentences: AuditSentence[] }) {
  const parts: (string | JSX.Element)[] = [];
  let at = 0;
  sentences.forEach((s, i) => {
    if (s.start > at) parts.push(text.slice(at, s.start));
    const cardId = `sentence-card-${i}`;
    parts.push(
      <span
        key={i}
        class={`sentence kind-${s.kind}`}
        tabIndex={0}
        data-testid="audit-sentence"
        data-kind={s.kind}
        aria-describedby={cardId}
      >
        <span class="visually-hidden">[{sentenceLabel(s)}] </span>
        <SentenceText s={s} />
        <Card s={s} id={cardId} />
      </span>,
    );
    at = s.end;
  });
  if (at < text.length) parts.push(text.slice(at));
  return (
    <div class="highlighted" data-testid="audit-highlighted">
      {parts}
    </div>
  );
}

function Figures({ a }: { a: AuditAttribution }) {
  const f = a.figures;
  return (
    <div class="figures">
      <p data-testid="audit-share">
        <strong>{t('auditShareLabel')}</strong> {t('auditShare', f.aiSentences, f.sentences, pct(f.aiSentenceShare), pct(f.aiCharacterShare))}
      </p>
      <p data-testid="audit-human-touch">
        <strong>{t('auditHumanTouchLabel')}</strong> {t('auditHumanTouch', pct(f.humanTouch))}
      </p>
      <ul class="legend" aria-label={t('auditLegendLabel')}>
        {(Object.keys(KIND_TEXT) as AuditKind[]).map((k) => (
          <li key={k} class={`kind-${k}`} data-testid={`audit-count-${k}`}>
            <span class="swatch" aria-hidden="true" /> {t('auditLegendCount', KIND_TEXT[k], f.kinds[k]?.sentences ?? 0)}
          </li>
        ))}
      </ul>
      <p class="caveat" data-testid="audit-caveat">
        {t('auditCaveat')}
      </p>
    </div>
  );
}

function SentenceTable({ sentences }: { sentences: AuditSentence[] }) {
  return (
    <table class="sentences" data-testid="audit-sentence-table">
      <caption>{t('auditSentencesCaption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('auditColumnNumber')}</th>
          <th scope="col">{t('auditColumnCategory')}</th>
          <th scope="col">{t('auditColumnModel')}</th>
          <th scope="col">{t('auditColumnAction')}</th>
          <th scope="col">{t('auditColumnAcceptedAt')}</th>
          <th scope="col">{t('auditColumnSentence')}</th>
          <th scope="col">{t('auditColumnReview')}</th>
        </tr>
      </thead>
      <tbody>
        {sentences.map((s, i) => (
          <tr key={i} data-testid="audit-sentence-row" data-kind={s.kind}>
            <td>{i + 1}</td>
            <td data-testid="audit-sentence-label">{sentenceLabel(s)}</td>
            <td>{s.match?.model.id ?? '—'}</td>
            <td>{s.match?.action ?? '—'}</td>
            <td>{s.match ? when(s.match.acceptedAt) : '—'}</td>
            <td>{s.text}</td>
            <td data-testid="audit-sentence-review">{reviewLabel(s)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function reviewLabel(s: AuditSentence): string {
  if (!isAiKind(s.kind)) return '—';
  if (!s.review) return t('auditNotReviewed');
  const decision = { kept: t('auditReviewKept'), amended: t('auditReviewAmended'), rejected: t('auditReviewRejected') }[s.review.outcome];
  const who = s.review.reviewer.role ? `${s.review.reviewer.name} (${s.review.reviewer.role})` : s.review.reviewer.name;
  return t('auditReviewedBy', decision, who, when(s.review.at));
}

function VerifyLine({ verify }: { verify: AuditVerifyResult | null }) {
  if (!verify) return null;
  if (verify.ok) {
    return (
      <p class="verified" role="status" data-testid="audit-verify-result">
        {tCount('auditVerified', verify.entries, verify.entries)}
        {verify.headSeq !== null ? `, ${t('auditVerifiedHead', verify.headSeq)}` : ''}
        {verify.keyId ? ` ${t('auditVerifiedKey', verify.keyId.slice(0, 16))}` : ''}
        {verify.pruned ? `; ${tCount('auditVerifiedPruned', verify.pruned, verify.pruned)}` : ''}.
      </p>
    );
  }
  return (
    <p class="broken" role="alert" data-testid="audit-verify-result">
      {t('auditNotVerified', verify.brokenAt, verify.reason)}
    </p>
  );
}

export function AuditView(p: AuditViewProps): JSX.Element {
  const selected = p.documents?.find((d) => d.key === p.selectedKey) ?? null;
  return (
    <main class="audit">
      <h1>{t('auditTitle')}</h1>
      {p.error && (
        <p role="alert" class="broken">
          {p.error}
        </p>
      )}

      <section aria-labelledby="documents-heading">
        <h2 id="documents-heading">{t('auditDocumentsHeading')}</h2>
        <DocumentList documents={p.documents} selectedKey={p.selectedKey} onSelectDocument={p.onSelectDocument} />
        {p.selectedKey && (
          <p>
            {tWith('auditAuditing', <strong data-testid="audit-selected">{selected?.title || p.selectedKey}</strong>)}{' '}
            <button type="button" onClick={() => p.onSelectDocument(null)}>
              {t('auditWholeLedger')}
            </button>
          </p>
        )}
      </section>

      {selected && p.documents && (
        <section aria-labelledby="filing-heading">
          <h2 id="filing-heading">{t('auditFilingHeading')}</h2>
          <DocumentFiling document={selected} documents={p.documents} entries={p.documentEntries} moving={p.moving} onMove={p.onMove} />
          {p.notice && p.filingNotice && <Notice notice={p.notice} />}
        </section>
      )}

      <section aria-labelledby="text-heading">
        <h2 id="text-heading">{t('auditTextHeading')}</h2>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            p.onAnalyze();
          }}
        >
          <label for="audit-text">{t('auditTextLabel')}</label>
          <textarea
            id="audit-text"
            data-testid="audit-text"
            rows={8}
            value={p.text}
            onInput={(e) => p.onTextChange((e.currentTarget as HTMLTextAreaElement).value)}
          />
          <button type="submit" data-testid="audit-analyze" disabled={p.analyzing || !p.text.trim()}>
            {p.analyzing ? t('auditAnalyzing') : t('auditAnalyze')}
          </button>
        </form>
        {p.attribution && (
          <div data-testid="audit-result" aria-live="polite">
            <Figures a={p.attribution} />
            <h3>{t('auditHighlightedHeading')}</h3>
            <p class="hint">{t('auditHighlightedHint')}</p>
            <Highlighted text={p.text} sentences={p.attribution.sentences} />
            <SentenceTable sentences={p.attribution.sentences} />
            <h3>{t('auditReviewHeading')}</h3>
            {p.attribution.documentKey ? (
              <ReviewForm key={p.analysisId} sentences={p.attribution.sentences} reviewer={p.reviewer} reviewing={p.reviewing} onReview={p.onReview} />
            ) : (
              <p>{t('auditReviewSelectDocument')}</p>
            )}
            {p.notice && p.reviewNotice && <Notice notice={p.notice} />}
          </div>
        )}
      </section>

      <section aria-labelledby="verify-heading">
        <h2 id="verify-heading">{t('auditVerifyHeading')}</h2>
        <button type="button" onClick={p.onVerify} disabled={p.verifying} data-testid="audit-verify">
          {p.verifying ? t('auditVerifying') : t('auditVerify')}
        </button>
        <VerifyLine verify={p.verify} />
      </section>

      <section aria-labelledby="export-heading">
        <h2 id="export-heading">{t('auditExportHeading')}</h2>
        {!p.selectedKey && <p>{t('auditExportSelectFirst')}</p>}
        <div class="buttons" role="group" aria-label={t('auditExportFormats')}>
          {(
            [
              ['json', t('auditExportJson')],
              ['csv', t('auditExportCsv')],
              ['markdown', t('auditExportMarkdown')],
              ['html', t('auditExportHtml')],
            ] as const
          ).map(([kind, label]) => (
            <button key={kind} type="button" disabled={!p.selectedKey} onClick={() => p.onExport(kind)} data-testid={`audit-export-${kind}`}>
              {label}
            </button>
          ))}
          <button type="button" disabled={!p.selectedKey} onClick={p.onExportVerifier} data-testid="audit-export-verifier">
            {t('auditExportVerifier')}
          </button>
        </div>
        {p.statement && (
          <>
            <p>{t('auditExportLine')}</p>
            <blockquote class="statement" data-testid="audit-statement-line">
              {p.statement.line}
            </blockquote>
            <p>{t('auditExportStatement')}</p>
            <blockquote class="statement" data-testid="audit-statement">
              {p.statement.detail}
            </blockquote>
          </>
        )}
        <p class="hint">{t('auditExportVerifierHint')}</p>
        <p class="hint">{tWith('auditExportHint', <code>npm run verify -- report.json</code>)}</p>
        {p.onCopyWithCredentials && <ContentCredentials ready={!!p.selectedKey && !!p.text.trim()} onCopy={p.onCopyWithCredentials} />}
      </section>

      <section aria-labelledby="report-check-heading">
        <h2 id="report-check-heading">{t('reportCheckHeading')}</h2>
        <ReportVerification result={p.reportCheck} checking={p.reportChecking} onFile={p.onCheckReport} headingLevel={3} />
      </section>

      <section aria-labelledby="backup-heading">
        <h2 id="backup-heading">{t('auditBackupHeading')}</h2>
        <button type="button" onClick={p.onBackup} data-testid="audit-backup">
          {t('auditBackupButton')}
        </button>
        <div class="restore">
          <label for="audit-restore-file">{t('auditRestoreLabel')}</label>
          <input
            id="audit-restore-file"
            type="file"
            accept="application/json,.json"
            data-testid="audit-restore-file"
            onChange={(e) => {
              const input = e.currentTarget as HTMLInputElement;
              const file = input.files?.[0];
              if (file) p.onRestore(file, p.replace);
              input.value = '';
            }}
          />
          <label class="inline">
            <input type="checkbox" checked={p.replace} onChange={(e) => p.onReplaceChange((e.currentTarget as HTMLInputElement).checked)} />{' '}
            {t('auditReplaceLabel')}
          </label>
        </div>
        {p.pendingReplace && <ReplaceConfirmation inspection={p.pendingReplace} onConfirm={p.onConfirmReplace} onCancel={p.onCancelReplace} />}
        {p.archives.length > 0 && (
          <div class="archives">
            <h3>{t('auditArchivesHeading')}</h3>
            <ul data-testid="audit-archives">
              {p.archives.map((a) => (
                <li key={a.id}>
                  {tCount('auditArchiveRow', a.entries, new Date(a.archivedAt).toLocaleString(), a.entries, a.keyId ? a.keyId.slice(0, 16) : '–')}{' '}
                  <button type="button" onClick={() => p.onExportArchive(a.id)} data-testid="audit-archive-export">
                    {t('auditArchiveExport')}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
        {p.notice && !p.filingNotice && !p.reviewNotice && <Notice notice={p.notice} />}
      </section>
    </main>
  );
}

function Notice({ notice }: { notice: NonNullable<AuditViewProps['notice']> }) {
  return (
    <p role={notice.kind === 'error' ? 'alert' : 'status'} class={notice.kind === 'error' ? 'broken' : 'verified'} data-testid="audit-notice">
      {notice.text}
    </p>
  );
}

/** What the writer sees before a backup replaces this browser's ledger: whose it is, and that nothing is deleted. */
function ReplaceConfirmation({ inspection: i, onConfirm, onCancel }: { inspection: BackupInspection; onConfirm: () => void; onCancel: () => void }) {
  const day = (ms: number | null) => (ms === null ? '–' : new Date(ms).toLocaleDateString());
  return (
    <div class="confirm" role="alertdialog" aria-labelledby="replace-heading" aria-describedby="replace-text" data-testid="audit-replace-confirm">
      <h3 id="replace-heading">{t('auditReplaceConfirmHeading')}</h3>
      <p id="replace-text">
        {tCount('auditReplaceConfirm', i.entries, i.entries, day(i.firstAcceptedAt), day(i.lastAcceptedAt), i.headKeyId ? i.headKeyId.slice(0, 16) : '–', i.ownKeyId.slice(0, 16))}
      </p>
      {!i.knownKey && (
        <p class="broken" data-testid="audit-replace-foreign-key">
          {t('auditReplaceForeignKey')}
        </p>
      )}
      <p>{tCount('auditReplaceArchive', i.localEntries, i.localEntries)}</p>
      <button type="button" onClick={onConfirm} data-testid="audit-replace-confirm-button">
        {t('auditReplaceConfirmButton')}
      </button>{' '}
      <button type="button" onClick={onCancel}>
        {t('auditReplaceCancel')}
      </button>
    </div>
  );
}
