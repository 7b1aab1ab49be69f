import { render } from 'preact';
import { ReportVerification } from '@/components/ReportVerification';
import { TextCredentialsCheck } from '@/components/TextCredentialsCheck';
import { readText, type TextCredentialReading } from '@/lib/c2pa/manifest';
import '@/lib/english-strings';
import { localizePage, t } from '@/lib/i18n';
import { checkReportFile, type ReportFileCheck } from '@/lib/ledger/report-file';
import '@/components/AuditView.css';

/**
 * The offline report checker: one HTML file with everything inlined (scripts/build-report-verifier.ts),
 * opened from disk in any browser. The verification is lib/ledger/report-verify, the code the
 * command line and the audit page run. It shows the English strings (no browser i18n outside an extension).
 */
localizePage(document, 'reportCheckPageTitle');
const app = document.getElementById('app')!;
let result: ReportFileCheck | null = null;
let checking: string | null = null;
/** A newsroom can hand out the checker as a link that names the writer's key: `…/report-verifier.html#key=<id>`. */
const expectedKeyId = new URLSearchParams(location.hash.slice(1)).get('key') ?? '';
/** A pasted text's Content Credentials (lib/c2pa), checked here too: no network, no extension. */
let textResult: TextCredentialReading | null = null;
let textChecking = false;

async function onText(text: string): Promise<void> {
  textChecking = true;
  draw();
  textResult = await readText(text);
  textChecking = false;
  draw();
}

async function onFile(file: File): Promise<void> {
  checking = file.name;
  draw();
  result = await checkReportFile(file.name, await file.text());
  checking = null;
  draw();
}

function draw(): void {
  render(
    <main class="audit">
      <h1>{t('reportCheckPageTitle')}</h1>
      {window.isSecureContext && crypto.subtle ? (
        <>
          <ReportVerification result={result} checking={checking} onFile={(file) => void onFile(file)} headingLevel={2} expectedKeyId={expectedKeyId} />
          <TextCredentialsCheck result={textResult} checking={textChecking} onCheck={(text) => void onText(text)} headingLevel={2} />
        </>
      ) : (
        <p role="alert" class="broken" data-testid="report-no-webcrypto">
          {t('reportCheckNoWebCrypto')}
        </p>
      )}
    </main>,
    app,
  );
}

draw();
