import { isAiKind } from '../lib/ledger/audit';
import type { ComponentChildren } from 'preact';
import { useErrorBoundary } from 'preact/hooks';
import { t } from '@/lib/i18n';
import { percent as pct } from '@/lib/ledger/audit';
import { isStub } from '@/lib/ledger/entry';
import type { DocumentReport, ReportReview, ReportSentence } from '@/lib/ledger/report';
import type { LedgerEntry } from '@/lib/ledger/types';
import { KIND_TEXT, sentenceLabel, sentenceParts } from './AuditSentenceCard';

/**
 * What a checked report says: the document, the disclosure (short line and detail), the shares,
 * the text with the AI's words marked (or, without text, the logged sentences, which privacy mode
 * keeps as hashes only), and the reviews, unreviewed AI text first. A changed file may hold
 * anything: a part that cannot be drawn is replaced by one plain sentence, never a blank page.
 */
const when = (iso: string) => new Date(iso).toLocaleString();

type Level = 2 | 3;

function Guarded({ children }: { children: ComponentChildren }) {
  const [error] = useErrorBoundary();
  if (error) return <p data-testid="report-claims-unreadable">{t('reportCheckClaimsUnreadable')}</p>;
  return <>{children}</>;
}

const asAuditSentence = (s: ReportSentence) => ({
  text: s.text,
  start: s.start,
  kind: s.category,
  aiSpans: s.aiSpans,
  changedRatio: s.changedPercent === null ? null : s.changedPercent / 100,
  estimated: s.estimated,
});

function HighlightedText({ text }: { text: NonNullable<DocumentReport['text']> }) {
  const parts: ComponentChildren[] = [];
  let at = 0;
  text.sentences.forEach((s, i) => {
    if (s.start > at) parts.push(text.content.slice(at, s.start));
    const sentence = asAuditSentence(s);
    parts.push(
      <span key={i} class={`sentence kind-${s.category}`} data-testid="report-sentence" data-kind={s.category}>
        <span class="visually-hidden">[{sentenceLabel(sentence)}] </span>
        {sentenceParts(sentence).map((part, j) => (
          <span key={j} class={part.ai ? 'ai-part' : 'writer-part'}>
            {part.text}
          </span>
        ))}
      </span>,
    );
    at = s.end;
  });
  if (at < text.content.length) parts.push(text.content.slice(at));
  return (
    <div class="highlighted" data-testid="report-text">
      {parts}
    </div>
  );
}

function reviewerOf(review: ReportReview): string {
  return review.reviewer.role ? `${review.reviewer.name} (${review.reviewer.role})` : review.reviewer.name;
}

const OUTCOME_KEYS = { kept: 'auditReviewKept', amended: 'auditReviewAmended', rejected: 'auditReviewRejected' } as const;

function Reviews({ report, level }: { report: DocumentReport; level: Level }) {
  const H = `h${level + 1}` as 'h3' | 'h4';
  const reviews = report.summary.reviews;
  const byEntry = new Map(reviews.map((r) => [r.entry, r]));
  const ai = (report.text?.sentences ?? []).filter((s) => isAiKind(s.category));
  // Unreviewed AI text first: that is what an editor has to act on.
  const ordered = [...ai.filter((s) => !s.review), ...ai.filter((s) => s.review)];
  return (
    <>
      <H>{t('reportCheckReviewsHeading')}</H>
      {reviews.length ? (
        <ul data-testid="report-reviews">
          {reviews.map((r) => (
            <li key={r.entry} data-testid="report-review">
              {t('reportCheckReviewRow', reviewerOf(r), when(r.when), r.sentences, r.outcomes.kept, r.outcomes.amended, r.outcomes.rejected)}
              {r.note && <span class="note"> {t('reportCheckReviewNote', r.note)}</span>}
            </li>
          ))}
        </ul>
      ) : (
        <p data-testid="report-no-reviews">{t('reportCheckNoReviews')}</p>
      )}
      {ordered.length > 0 && (
        <table class="sentences" data-testid="report-review-table">
          <caption>{t('reportCheckSentenceReviewCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('auditColumnNumber')}</th>
              <th scope="col">{t('auditColumnCategory')}</th>
              <th scope="col">{t('auditColumnReview')}</th>
              <th scope="col">{t('auditColumnSentence')}</th>
            </tr>
          </thead>
          <tbody>
            {ordered.map((s) => {
              const review = s.review ? byEntry.get(s.review.entry) : undefined;
              return (
                <tr key={s.index} data-testid="report-review-row" data-reviewed={s.review ? 'yes' : 'no'}>
                  <td>{s.index + 1}</td>
                  <td>{sentenceLabel(asAuditSentence(s))}</td>
                  <td data-testid="report-review-outcome">
                    {s.review
                      ? t('auditReviewedBy', t(OUTCOME_KEYS[s.review.outcome]), review ? reviewerOf(review) : '?', review ? when(review.when) : '?')
                      : t('auditNotReviewed')}
                  </td>
                  <td>{s.text}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}

/** Without text: the document's logged AI sentences from the chain; privacy mode left hashes only. */
function LoggedSentences({ report, level }: { report: DocumentReport; level: Level }) {
  const H = `h${level + 1}` as 'h3' | 'h4';
  const entries = report.chain.entries.filter((e): e is LedgerEntry => !isStub(e) && e.documentKey === report.document.key && e.sentences.length > 0);
  return (
    <>
      <H>{t('reportCheckLoggedHeading')}</H>
      <p data-testid="report-no-text">{t('reportCheckNoText')}</p>
      <ul data-testid="report-logged">
        {entries.flatMap((e) =>
          e.sentences.map((s, i) => (
            <li key={`${e.seq}:${i}`} data-testid="report-logged-sentence">
              {t('reportCheckLoggedSentence', e.seq, e.action, when(new Date(e.acceptedAt).toISOString()))}{' '}
              {s.text !== null ? <q>{s.text}</q> : <span data-testid="report-privacy-hash">{t('reportCheckPrivacyHash', s.normalizedHash)}</span>}
            </li>
          )),
        )}
      </ul>
    </>
  );
}

function Shares({ report, level }: { report: DocumentReport; level: Level }) {
  const H = `h${level + 1}` as 'h3' | 'h4';
  const f = report.summary.text;
  if (!f) return null;
  return (
    <>
      <H>{t('reportCheckSharesHeading')}</H>
      <p data-testid="report-share">
        <strong>{t('auditShareLabel')}</strong> {t('auditShare', f.aiSentences, f.sentences, pct(f.aiSentenceShare), pct(f.aiCharacterShare))}
      </p>
      <p data-testid="report-human-touch">
        <strong>{t('auditHumanTouchLabel')}</strong> {t('auditHumanTouch', pct(f.humanTouch))}
      </p>
      <ul class="legend" aria-label={t('auditLegendLabel')}>
        {(Object.keys(KIND_TEXT) as (keyof typeof KIND_TEXT)[]).map((k) => (
          <li key={k} class={`kind-${k}`} data-testid={`report-count-${k}`}>
            <span class="swatch" aria-hidden="true" /> {t('auditLegendCount', KIND_TEXT[k], f.kinds[k]?.sentences ?? 0)}
          </li>
        ))}
      </ul>
      <p class="caveat">{t('auditCaveat')}</p>
    </>
  );
}

function Details({ report, level }: { report: DocumentReport; level: Level }) {
  const H = `h${level + 1}` as 'h3' | 'h4';
  return (
    <>
      <p data-testid="report-document">
        <strong>{t('reportCheckDocument')}</strong> {report.document.title || t('auditUntitled')}
        <span class="key"> {report.document.key}</span>
      </p>
      <p class="hint">{t('reportCheckGenerated', when(report.generatedAt), report.generator.version)}</p>
      <H>{t('reportCheckDisclosureHeading')}</H>
      <blockquote class="statement" data-testid="report-line">
        {report.disclosure.line}
      </blockquote>
      <details>
        <summary>{t('reportCheckStatementSummary')}</summary>
        <p data-testid="report-statement">{report.disclosure.statement}</p>
      </details>
      <Shares report={report} level={level} />
      {report.text ? (
        <>
          <H>{t('reportCheckTextHeading')}</H>
          <HighlightedText text={report.text} />
        </>
      ) : (
        <LoggedSentences report={report} level={level} />
      )}
      <Reviews report={report} level={level} />
    </>
  );
}

export function ReportVerificationDetails({ report, headingLevel }: { report: unknown; headingLevel: Level }) {
  return (
    <Guarded>
      <Details report={report as DocumentReport} level={headingLevel} />
    </Guarded>
  );
}
