import * as v from 'valibot';
import type { IssuedCertificate } from '../c2pa/certificate';
import type { TextCredentialContent } from '../c2pa/manifest';
import type { PublicKeyInfo } from '../ledger/types';
import type { Failure } from './common';

/**
 * Content Credentials requests (the audit page → background, extension pages only). The audit
 * page builds and signs the C2PA manifest with the libraries the background does not carry
 * (lib/c2pa/embed-text.ts); the background gives it what the ledger says of the document, keeps
 * the key's certificate, and signs the claim's COSE Sig_structure with the ledger key (and
 * nothing else: lib/ledger/signing.ts).
 */
const MAX_TEXT = 2_000_000;
const DocumentKeySchema = v.pipe(v.string(), v.minLength(1), v.maxLength(12_000));
const Base64Schema = (max: number) => v.pipe(v.string(), v.minLength(4), v.maxLength(max), v.regex(/^[A-Za-z0-9+/]+={0,2}$/));
/** A claim with its assertion hashes is a few kB; a certificate well under one. */
const MAX_TO_BE_SIGNED_BASE64 = 256_000;
const MAX_CERTIFICATE_BASE64 = 16_000;

export const CREDENTIALS_REQUEST_SCHEMAS = [
  v.object({ type: v.literal('credentials.prepare'), documentKey: DocumentKeySchema, text: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_TEXT)) }),
  v.object({ type: v.literal('credentials.sign'), toBeSigned: Base64Schema(MAX_TO_BE_SIGNED_BASE64) }),
  v.object({
    type: v.literal('credentials.keepCertificate'),
    certificate: v.object({
      certificate: Base64Schema(MAX_CERTIFICATE_BASE64),
      root: Base64Schema(MAX_CERTIFICATE_BASE64),
      keyId: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
      notAfter: v.pipe(v.number(), v.integer()),
    }),
  }),
] as const;

/** What the manifest of a document's text says, and the key (and certificate, if kept) that signs it. */
export interface CredentialsPrepared {
  ok: true;
  content: TextCredentialContent;
  /** The claim generator: this extension and its version. */
  generator: { name: string; version: string };
  key: PublicKeyInfo;
  /** Null: none kept for this key yet (or it nears its end): the page issues one and keeps it. */
  certificate: IssuedCertificate | null;
}

export interface CredentialsResponses {
  'credentials.prepare': CredentialsPrepared | Failure;
  /** The raw signature, base64 (r||s for ECDSA, as COSE has it). */
  'credentials.sign': { ok: true; keyId: string; signature: string } | Failure;
  'credentials.keepCertificate': { ok: true } | Failure;
}
