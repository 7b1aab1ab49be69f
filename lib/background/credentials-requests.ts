import { keepCertificate, storedCertificate } from '../c2pa/certificate-store';
import { credentialContent } from '../c2pa/credential-content';
import { stripWrapper, WrapperError } from '../c2pa/text-wrapper';
import { base64ToBytes, bytesToBase64 } from '../ledger/base64';
import { buildDocumentReport, ReportError } from '../ledger/report';
import { isCoseSign1ToBeSigned } from '../ledger/signing';
import type { CredentialsResponses, Failure, Request } from '../messaging';
import type { LedgerRequestContext } from './ledger-requests';
import { FORBIDDEN, type SenderScope } from './sender-scope';

type CredentialsRequest = Extract<Request, { type: `credentials.${string}` }>;

function failure(error: unknown): Failure {
  if (error instanceof ReportError) return { ok: false, code: 'unverified', error: error.message };
  if (error instanceof WrapperError) return { ok: false, code: 'refused', error: error.message };
  return { ok: false, code: 'unknown', error: error instanceof Error ? error.message : String(error) };
}

/**
 * Content Credentials, the ledger's part: what the manifest says (from the signed report), the
 * key's certificate, and the claim's signature. The manifest itself is built on the audit page
 * (lib/c2pa/embed-text.ts), so the C2PA and X.509 libraries stay out of the service worker.
 * Extension pages only.
 */
export async function handleCredentialsRequest(
  request: CredentialsRequest,
  context: LedgerRequestContext,
  scope: SenderScope,
): Promise<CredentialsResponses[CredentialsRequest['type']]> {
  if (scope.kind !== 'extension-page') return FORBIDDEN;
  try {
    const ledger = context.ledger();
    switch (request.type) {
      case 'credentials.prepare': {
        const report = await buildDocumentReport(ledger, request.documentKey, { text: stripWrapper(request.text), extensionVersion: context.extensionVersion });
        const { key, certificate } = await storedCertificate(ledger);
        return {
          ok: true,
          content: credentialContent(report, context.extensionVersion),
          generator: { name: 'Ledgerline', version: context.extensionVersion },
          key,
          certificate,
        };
      }
      case 'credentials.sign': {
        const toBeSigned = base64ToBytes(request.toBeSigned);
        if (!isCoseSign1ToBeSigned(toBeSigned)) return { ok: false, code: 'refused', error: 'Only a C2PA claim’s COSE Sig_structure is signed' };
        const { keyId, signature } = await ledger.signCose(toBeSigned);
        return { ok: true, keyId, signature: bytesToBase64(signature) };
      }
      case 'credentials.keepCertificate':
        return (await keepCertificate(ledger, request.certificate))
          ? { ok: true }
          : { ok: false, code: 'refused', error: 'Not a current certificate of this ledger key' };
    }
  } catch (error) {
    return failure(error);
  }
}
