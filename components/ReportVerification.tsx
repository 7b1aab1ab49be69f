import { useState } from 'preact/hooks';
import { t, type MessageKey } from '@/lib/i18n';
import type { ReportFileCheck } from '@/lib/ledger/report-file';
import type { ReportCheck, ReportVerification as Verification } from '@/lib/ledger/report-verify';
import { ExpectedKeyCheck } from './ExpectedKeyCheck';
import { ReportVerificationDetails } from './ReportVerificationDetails';
import './ReportVerification.css';

/**
 * Check a report file (props in, callbacks out): a labelled file input that also takes a dropped
 * file, then the verdict in large plain words, each failed check with the entry it concerns, the
 * signing key and what it does and does not prove, and what the report says. Used by the audit
 * page and by the offline report checker page (standalone/report-verifier).
 */
export interface ReportVerificationProps {
  /** The last file checked (null before the first). */
  result: ReportFileCheck | null;
  /** The name of the file being checked now. */
  checking: string | null;
  onFile: (file: File) => void;
  /** The level of this view's own headings (2 on a page of its own, 3 inside the audit page). */
  headingLevel: 2 | 3;
  /** The key id the newsroom keeps for the writer, when known beforehand (the checker's link). */
  expectedKeyId?: string;
}

const CHECK_KEYS: Record<ReportCheck, MessageKey> = {
  shape: 'reportCheckCheckShape',
  key: 'reportCheckCheckKey',
  'report-signature': 'reportCheckCheckReportSignature',
  checkpoint: 'reportCheckCheckCheckpoint',
  anchor: 'reportCheckCheckAnchor',
  'chain-link': 'reportCheckCheckChainLink',
  'entry-hash': 'reportCheckCheckEntryHash',
  'sentence-hash': 'reportCheckCheckSentenceHash',
  'entry-format': 'reportCheckCheckEntryFormat',
  head: 'reportCheckCheckHead',
  'head-signature': 'reportCheckCheckHeadSignature',
  completeness: 'reportCheckCheckCompleteness',
  document: 'reportCheckCheckDocument',
  text: 'reportCheckCheckText',
  summary: 'reportCheckCheckSummary',
  actions: 'reportCheckCheckActions',
  disclosure: 'reportCheckCheckDisclosure',
};

function FilePicker({ onFile, checking }: Pick<ReportVerificationProps, 'onFile' | 'checking'>) {
  const [over, setOver] = useState(false);
  return (
    <div
      class={`report-drop${over ? ' over' : ''}`}
      data-testid="report-drop"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const file = e.dataTransfer?.files[0];
        if (file) onFile(file);
      }}
    >
      <label for="report-file">{t('reportCheckFileLabel')}</label>
      <input
        id="report-file"
        type="file"
        accept="application/json,.json"
        aria-describedby="report-drop-hint"
        data-testid="report-file"
        onChange={(e) => {
          const input = e.currentTarget as HTMLInputElement;
          const file = input.files?.[0];
          if (file) onFile(file);
          // The same file again (after fixing it) must be checked again.
          input.value = '';
        }}
      />
      <p id="report-drop-hint" class="hint">
        {t('reportCheckDropHint')}
      </p>
      {checking && (
        <p role="status" data-testid="report-checking">
          {t('reportCheckChecking', checking)}
        </p>
      )}
    </div>
  );
}

function Failures({ verification }: { verification: Verification }) {
  return (
    <ul class="report-failures" data-testid="report-failures">
      {verification.failures.map((f, i) => (
        <li key={i} data-testid="report-failure" data-check={f.check} data-entry={f.entry ?? undefined}>
          <strong data-testid="report-failure-check">{t(CHECK_KEYS[f.check])}</strong>
          {f.entry !== null && <span data-testid="report-failure-entry"> — {t('reportCheckFailureEntry', f.entry)}</span>}: {f.message}
          {f.at && <span class="at"> ({t('reportCheckFailureAt', f.at)})</span>}
        </li>
      ))}
    </ul>
  );
}

/** Which key signed, and that the report carries the key itself: it proves integrity, not identity. */
function SigningKey({ verification, expectedKeyId }: { verification: Verification; expectedKeyId: string }) {
  const { signerKeyId, algorithm, headKeyId } = verification.facts;
  if (!signerKeyId) return null;
  return (
    <div class="report-key" data-testid="report-key">
      <p>
        {t('reportCheckKey', algorithm ?? '?')} <code data-testid="report-key-id">{signerKeyId}</code>
      </p>
      <p data-testid="report-key-self-issued">{t('reportCheckSelfIssued')}</p>
      <ExpectedKeyCheck signerKeyId={signerKeyId} initial={expectedKeyId} />
      {headKeyId && headKeyId !== signerKeyId && (
        <p data-testid="report-key-other-head">
          {t('reportCheckOtherHeadKey')} <code>{headKeyId}</code>
        </p>
      )}
    </div>
  );
}

export function ReportVerification({ result, checking, onFile, headingLevel, expectedKeyId = '' }: ReportVerificationProps) {
  const H = `h${headingLevel}` as 'h2' | 'h3';
  return (
    <div class="report-check" data-testid="report-check">
      <p>{t('reportCheckIntro')}</p>
      <FilePicker onFile={onFile} checking={checking} />
      {result && !checking && (
        <div class="report-result" data-testid="report-result">
          {result.kind === 'unreadable' ? (
            <>
              <p class="report-verdict broken" role="alert" data-testid="report-verdict">
                {t('reportCheckNotVerified')}
              </p>
              <p data-testid="report-unreadable">{t('reportCheckUnreadable', result.fileName, result.reason)}</p>
            </>
          ) : result.verification.ok ? (
            <>
              <p class="report-verdict verified" role="status" data-testid="report-verdict">
                {t('reportCheckVerified')}
              </p>
              <p>{t('reportCheckVerifiedText', result.fileName)}</p>
              <SigningKey verification={result.verification} expectedKeyId={expectedKeyId} />
            </>
          ) : (
            <>
              <p class="report-verdict broken" role="alert" data-testid="report-verdict">
                {t('reportCheckNotVerified')}
              </p>
              <p>{t('reportCheckNotVerifiedText', result.fileName)}</p>
              <Failures verification={result.verification} />
              <SigningKey verification={result.verification} expectedKeyId={expectedKeyId} />
            </>
          )}
          {result.kind === 'checked' && !result.verification.failures.some((f) => f.check === 'shape') && (
            <section aria-labelledby="report-claims-heading" data-testid="report-claims">
              <H id="report-claims-heading">{result.verification.ok ? t('reportCheckClaimsHeading') : t('reportCheckClaimsUnverifiedHeading')}</H>
              <ReportVerificationDetails report={result.report} headingLevel={headingLevel} />
            </section>
          )}
        </div>
      )}
    </div>
  );
}
