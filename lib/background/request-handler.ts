import { parseRequest, type Request, type Response } from '../messaging';
import { handleEngineRequest, type EngineRequestContext } from './engine-requests';
import { handleLedgerRequest } from './ledger-requests';
import { handleAuditRequest, type AuditRequestContext } from './audit-requests';
import { handleProofreadRequest, type ProofreadRequestContext } from './proofread-requests';
import { handleCredentialsRequest } from './credentials-requests';
import { contentScriptMayAsk, FORBIDDEN, type SenderScope } from './sender-scope';

export type RequestHandlerDependencies = AuditRequestContext & EngineRequestContext & ProofreadRequestContext;

/**
 * Answers the one-shot requests. The message is validated here, at the receiver; an invalid one
 * is answered with null rather than acted on. What a content script may ask is narrower than an
 * extension page (see sender-scope.ts). Each domain has its own handler file.
 */
export function createRequestHandler(deps: RequestHandlerDependencies) {
  return async function handle(raw: unknown, scope: SenderScope): Promise<Response<Request['type']> | null> {
    const request = parseRequest(raw);
    if (!request) return null;
    if (scope.kind === 'content-script' && !contentScriptMayAsk(request.type)) return FORBIDDEN;
    if (request.type.startsWith('ledger.')) return handleLedgerRequest(request as Extract<Request, { type: `ledger.${string}` }>, deps, scope);
    if (request.type.startsWith('audit.')) return handleAuditRequest(request as Extract<Request, { type: `audit.${string}` }>, deps, scope);
    if (request.type.startsWith('credentials.')) return handleCredentialsRequest(request as Extract<Request, { type: `credentials.${string}` }>, deps, scope);
    if (request.type.startsWith('proofread.')) return handleProofreadRequest(request as Extract<Request, { type: `proofread.${string}` }>, deps);
    return handleEngineRequest(request as Extract<Request, { type: `engine.${string}` }>, deps);
  };
}
