import * as v from 'valibot';
import { ENGINE_REQUEST_SCHEMAS, type EngineResponses } from './engine';
import { LEDGER_REQUEST_SCHEMAS, type LedgerResponses } from './ledger';
import { AUDIT_REQUEST_SCHEMAS, type AuditResponses } from './audit';
import { PROOFREAD_REQUEST_SCHEMAS, type ProofreadResponses } from './proofread';
import { CREDENTIALS_REQUEST_SCHEMAS, type CredentialsResponses } from './credentials';

/**
 * The one protocol between the extension's contexts, declared per domain (ledger, engine,
 * generate port, content commands, proofreading) and assembled here. Every message is a valibot schema and the
 * receiver validates it before acting: a malformed message is refused, never trusted.
 */

export * from './common';
export * from './content';
export * from './engine';
export * from './generate';
export * from './ledger';
export * from './audit';
export * from './proofread';
export * from './credentials';

const RequestSchema = v.variant('type', [...LEDGER_REQUEST_SCHEMAS, ...AUDIT_REQUEST_SCHEMAS, ...ENGINE_REQUEST_SCHEMAS, ...PROOFREAD_REQUEST_SCHEMAS, ...CREDENTIALS_REQUEST_SCHEMAS]);
export type Request = v.InferOutput<typeof RequestSchema>;

type ResponseMap = LedgerResponses & AuditResponses & EngineResponses & ProofreadResponses & CredentialsResponses;
/** What each one-shot request is answered with. */
export type Response<T extends Request['type']> = ResponseMap[T];

export function parseRequest(message: unknown): Request | null {
  const result = v.safeParse(RequestSchema, message);
  return result.success ? result.output : null;
}

/** Only this extension's own contexts may talk to the background. */
export function isOwnExtensionSender(sender: { id?: string } | undefined, ownId: string): boolean {
  return sender?.id === ownId;
}
