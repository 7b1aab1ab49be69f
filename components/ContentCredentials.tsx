import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { t } from '@/lib/i18n';

/** What copying with Content Credentials came to (the audit page signs in the background and writes the clipboard). */
export type CredentialsCopyResult =
  | { ok: true; addedCharacters: number; aiSentences: number; reviews: number; manifestLabel: string }
  | { ok: false; error: string };

export interface ContentCredentialsProps {
  /** False until a document is selected and its text pasted. */
  ready: boolean;
  onCopy: () => Promise<CredentialsCopyResult>;
}

/**
 * "Copy text with Content Credentials" (audit page, export area): the document's text with a
 * C2PA manifest embedded as invisible characters (lib/c2pa), and plain words on what that does
 * not promise. The result line is announced (role=status; role=alert when it failed).
 */
export function ContentCredentials(p: ContentCredentialsProps): JSX.Element {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<CredentialsCopyResult | null>(null);
  const copy = async () => {
    setBusy(true);
    setResult(null);
    try {
      setResult(await p.onCopy());
    } catch (error) {
      setResult({ ok: false, error: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="credentials" data-testid="content-credentials">
      <h3>{t('credentialsHeading')}</h3>
      <p class="hint" data-testid="credentials-caveat">
        {t('credentialsCaveat')}
      </p>
      {!p.ready && <p>{t('credentialsNeedText')}</p>}
      <button type="button" disabled={!p.ready || busy} aria-busy={busy} onClick={() => void copy()} data-testid="credentials-copy">
        {busy ? t('credentialsCopying') : t('credentialsCopy')}
      </button>
      <div aria-live="polite">
        {result &&
          (result.ok ? (
            <p role="status" class="verified" data-testid="credentials-result" data-manifest={result.manifestLabel}>
              {t('credentialsCopied', result.addedCharacters, result.aiSentences, result.reviews)}
            </p>
          ) : (
            <p role="alert" class="broken" data-testid="credentials-result">
              {t('credentialsFailed', result.error)}
            </p>
          ))}
      </div>
    </div>
  );
}
