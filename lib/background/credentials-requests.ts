import { embedCredentials, readCredentials } from '../c2pa/ledger-credentials';
import { WrapperError } from '../c2pa/text-wrapper';
import { ReportError } from '../ledger/report';
import type { CredentialsResponses, Failure, Request } from '../messaging';
import type { LedgerRequestContext } from './ledger-requests';
import { FORBIDDEN, type SenderScope } from './sender-scope';

type CredentialsRequest = Extract<Request, { type: `credentials.${string}` }>;

function failure(error: unknown): Failure {
  if (error instanceof ReportError) return { ok: false, code: 'unverified', error: error.message };
  if (error instanceof WrapperError) return { ok: false, code: 'refused', error: error.message };
  return { ok: false, code: 'unknown', error: error instanceof Error ? error.message : String(error) };
}

/** Content Credentials: sign a document's text with the ledger key, or check a text. Extension pages only. */
export async function handleCredentialsRequest(
  request: CredentialsRequest,
  context: LedgerRequestContext,
  scope: SenderScope,
): Promise<CredentialsResponses[CredentialsRequest['type']]> {
  if (scope.kind !== 'extension-page') return FORBIDDEN;
  try {
    const ledger = context.ledger();
    switch (request.type) {
      case 'credentials.embed': {
        const embedded = await embedCredentials(ledger, request.documentKey, request.text, { extensionVersion: context.extensionVersion });
        return { ok: true, ...embedded };
      }
      case 'credentials.read': {
        const { reading, ownKey } = await readCredentials(ledger, request.text);
        return { ok: true, reading, ownKey };
      }
    }
  } catch (error) {
    return failure(error);
  }
}
