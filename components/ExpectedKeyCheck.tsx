import { useState } from 'preact/hooks';
import { t, type MessageKey } from '@/lib/i18n';
import { keyIdVerdict, MIN_KEY_ID_DIGITS, type KeyIdVerdict } from '@/lib/ledger/key-id-match';

const VERDICT_KEYS: Record<Exclude<KeyIdVerdict, 'empty'>, MessageKey> = {
  invalid: 'reportCheckKeyInvalid',
  'too-short': 'reportCheckKeyTooShort',
  match: 'reportCheckKeyMatches',
  mismatch: 'reportCheckKeyDiffers',
};

/**
 * The editor types (or the checker's link carries) the key id the newsroom keeps for the writer,
 * and sees whether this report's key is that one: the step that turns "signed by some key" into
 * "signed by this writer's browser". Props in; the typed id stays in the view.
 */
export function ExpectedKeyCheck({ signerKeyId, initial }: { signerKeyId: string; initial: string }) {
  const [expected, setExpected] = useState(initial);
  const verdict = keyIdVerdict(signerKeyId, expected);
  return (
    <div class="expected-key" data-testid="report-expected-key">
      <label for="report-expected-key">{t('reportCheckExpectedKeyLabel')}</label>
      <input
        id="report-expected-key"
        data-testid="report-expected-key-input"
        spellcheck={false}
        autocomplete="off"
        value={expected}
        onInput={(e) => setExpected((e.currentTarget as HTMLInputElement).value)}
      />
      <p role="status" data-testid="report-expected-key-verdict" data-verdict={verdict} class={verdict === 'mismatch' ? 'broken' : verdict === 'match' ? 'verified' : undefined}>
        {verdict === 'empty' ? '' : t(VERDICT_KEYS[verdict], MIN_KEY_ID_DIGITS)}
      </p>
    </div>
  );
}
