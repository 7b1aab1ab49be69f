import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { t } from '@/lib/i18n';
import type { TextCredentialReading } from '@/lib/c2pa/manifest';

export interface TextCredentialsCheckProps {
  /** The last text checked (null before the first). */
  result: TextCredentialReading | null;
  checking: boolean;
  onCheck: (text: string) => void;
  headingLevel: 2 | 3;
}

const IPTC = 'http://cv.iptc.org/newscodes/digitalsourcetype/';
const sourceType = (uri: string | null) => (uri ? uri.replace(IPTC, '') : null);

/**
 * A pasted text's Content Credentials, checked (lib/c2pa/manifest.ts readText): whether the
 * signature verifies, whether the text changed since, who signed (a self-issued certificate),
 * the actions and the editor's review. Props in, callbacks out.
 */
export function TextCredentialsCheck(p: TextCredentialsCheckProps): JSX.Element {
  const [text, setText] = useState('');
  const Heading = `h${p.headingLevel}` as 'h2' | 'h3';
  return (
    <section aria-labelledby="text-check-heading" data-testid="text-check">
      <Heading id="text-check-heading">{t('textCheckHeading')}</Heading>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          p.onCheck(text);
        }}
      >
        <label for="text-check-input">{t('textCheckLabel')}</label>
        <textarea id="text-check-input" rows={6} value={text} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} data-testid="text-check-input" />
        <button type="submit" disabled={p.checking || !text} data-testid="text-check-button">
          {p.checking ? t('textCheckChecking') : t('textCheckButton')}
        </button>
      </form>
      <div aria-live="polite">{p.result && <Reading r={p.result} subheading={`h${p.headingLevel + 1}` as 'h3' | 'h4'} />}</div>
    </section>
  );
}

function verdict(r: TextCredentialReading): { text: string; ok: boolean; state: string } {
  if (!r.found) return { text: t('textCheckNone', r.problem ?? ''), ok: false, state: 'none' };
  if (r.valid && r.signatureValid && r.bindingValid && r.chainValid) return { text: t('textCheckVerified'), ok: true, state: 'verified' };
  if (r.signatureValid && !r.bindingValid) return { text: t('textCheckChanged'), ok: false, state: 'changed' };
  return { text: t('textCheckBroken'), ok: false, state: 'broken' };
}

function Reading({ r, subheading: Sub }: { r: TextCredentialReading; subheading: 'h3' | 'h4' }): JSX.Element {
  const v = verdict(r);
  return (
    <div data-testid="text-check-result" data-state={v.state}>
      <p role={v.ok ? 'status' : 'alert'} class={v.ok ? 'verified' : 'broken'} data-testid="text-check-verdict">
        {v.text}
      </p>
      {r.signer && (
        <>
          <p data-testid="text-check-signer">{t('textCheckSigner', r.signer.subject, r.signer.keyId)}</p>
          <p class="hint">{t('textCheckSelfIssued')}</p>
        </>
      )}
      {r.actions.length > 0 && (
        <>
          <Sub>{t('textCheckActions')}</Sub>
          <ul data-testid="text-check-actions">
            {r.actions.map((a, i) => (
              <li key={i}>
                <code>{a.action}</code>
                {sourceType(a.digitalSourceType) && (
                  <>
                    {' '}
                    <code>{sourceType(a.digitalSourceType)}</code>
                  </>
                )}
                {a.softwareAgent && ` (${a.softwareAgent})`}
                {a.description && `: ${a.description}`}
              </li>
            ))}
          </ul>
        </>
      )}
      {r.review && (
        <>
          <Sub>{t('textCheckReview')}</Sub>
          <ul data-testid="text-check-review">
            {r.review.reviews.map((x) => (
              <li key={x.entry}>{t('textCheckReviewBy', x.reviewer.name, x.reviewer.role, x.when.slice(0, 10), x.outcomes.kept, x.outcomes.amended, x.outcomes.rejected)}</li>
            ))}
            <li>{t('textCheckUnreviewed', r.review.unreviewedAiSentences, r.review.aiSentences)}</li>
          </ul>
        </>
      )}
      {r.errors.length > 0 && (
        <>
          <Sub>{t('textCheckFailures')}</Sub>
          <ul data-testid="text-check-failures">
            {r.errors.map((e, i) => (
              <li key={i}>
                <code>{e.code}</code>
                {e.explanation && `: ${e.explanation}`}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
