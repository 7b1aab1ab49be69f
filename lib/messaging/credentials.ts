import * as v from 'valibot';
import type { EmbeddedText } from '../c2pa/ledger-credentials';
import type { TextCredentialReading } from '../c2pa/manifest';
import type { Failure } from './common';

export type { TextCredentialReading };

/**
 * Content Credentials requests (the audit page → background, extension pages only): the
 * document's text with a C2PA manifest embedded (C2PA Annex A.8 text wrapper), signed with the
 * ledger key; and a text read back and checked.
 */
const MAX_TEXT = 2_000_000;
const DocumentKeySchema = v.pipe(v.string(), v.minLength(1), v.maxLength(12_000));
/** The embedded manifest adds a few thousand invisible characters to a text. */
const MAX_WRAPPED_TEXT = MAX_TEXT + 1_000_000;

export const CREDENTIALS_REQUEST_SCHEMAS = [
  v.object({ type: v.literal('credentials.embed'), documentKey: DocumentKeySchema, text: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_TEXT)) }),
  v.object({ type: v.literal('credentials.read'), text: v.pipe(v.string(), v.maxLength(MAX_WRAPPED_TEXT)) }),
] as const;

/** The text with its manifest wrapper at the end, and what the manifest holds (lib/c2pa/ledger-credentials). */
export type CredentialsEmbedded = { ok: true } & EmbeddedText;

export interface CredentialsResponses {
  'credentials.embed': CredentialsEmbedded | Failure;
  /** `ownKey`: signed by this browser's ledger key (or a key it trusts from a restored backup). */
  'credentials.read': { ok: true; reading: TextCredentialReading; ownKey: boolean } | Failure;
}
