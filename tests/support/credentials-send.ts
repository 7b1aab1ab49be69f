import { createRequestHandler } from '../../lib/background/request-handler';
import type { CredentialsSend } from '../../lib/c2pa/embed-text';
import type { Ledger } from '../../lib/ledger';

/** The audit page's messages to the background, answered by the real handler (validation included) for `ledger`. */
export function backgroundSend(ledger: Ledger, extensionVersion = '0.1.0'): CredentialsSend {
  const handle = createRequestHandler({ ledger: () => ledger, extensionVersion } as Parameters<typeof createRequestHandler>[0]);
  return (async (request: unknown) => {
    const answer = await handle(request, { kind: 'extension-page' });
    if (!answer) throw new Error(`refused as malformed: ${JSON.stringify(request).slice(0, 200)}`);
    return answer;
  }) as CredentialsSend;
}
