import type { Failure, Request, Response } from '../messaging';
import { base64ToBytes, bytesToBase64 } from '../ledger/base64';
import { issueCertificate } from './certificate';
import { ledgerSigner, signText } from './manifest';
import { stripWrapper } from './text-wrapper';

/**
 * "Copy text with Content Credentials", on the audit page: the background says what the manifest
 * holds (from the ledger) and signs the claim with the ledger key; this page builds the manifest
 * store with @trustnxt/c2pa-ts and issues the key's certificate with @peculiar/x509 (loaded with
 * this module, on the click), so neither library is in the service worker, which every message
 * has to start.
 */
export type CredentialsSend = <T extends Extract<Request['type'], `credentials.${string}`>>(request: Extract<Request, { type: T }>) => Promise<Response<T>>;

export interface EmbeddedText {
  /** The NFC text with the manifest wrapper at its end. */
  text: string;
  manifestLabel: string;
  manifestBytes: number;
  /** The invisible characters added (the wrapper). */
  addedCharacters: number;
  /** The ledger key that signed (sha256 of its SPKI). */
  keyId: string;
  aiSentences: number;
  reviews: number;
}

/** The answer, or its failure's words thrown (the view shows them). */
function answered<T extends { ok: true }>(r: T | Failure): T {
  if (!r.ok) throw new Error(r.error);
  return r;
}

/** The document's text with its Content Credentials embedded (refused when the ledger does not verify). */
export async function embedCredentials(send: CredentialsSend, documentKey: string, text: string): Promise<EmbeddedText> {
  const plain = stripWrapper(text);
  const prepared = answered(await send({ type: 'credentials.prepare', documentKey, text: plain }));
  let certificate = prepared.certificate;
  if (!certificate) {
    const publicKey = await crypto.subtle.importKey(
      'spki',
      base64ToBytes(prepared.key.spki),
      prepared.key.algorithm === 'Ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', namedCurve: 'P-256' },
      true,
      ['verify'],
    );
    certificate = await issueCertificate({ publicKey, keyId: prepared.key.keyId, algorithm: prepared.key.algorithm });
    answered(await send({ type: 'credentials.keepCertificate', certificate }));
  }
  const sign = async (toBeSigned: Uint8Array<ArrayBuffer>) => {
    const signed = answered(await send({ type: 'credentials.sign', toBeSigned: bytesToBase64(toBeSigned) }));
    // The key may have changed (a restore) between prepare and sign: the certificate would not match.
    if (signed.keyId !== prepared.key.keyId) throw new Error('The ledger key changed while signing; copy again');
    return base64ToBytes(signed.signature);
  };
  const signed = await signText(plain, prepared.content, ledgerSigner(prepared.key.algorithm, certificate.certificate, certificate.root, sign), {
    generator: prepared.generator,
  });
  return {
    text: signed.text,
    manifestLabel: signed.manifestLabel,
    manifestBytes: signed.manifestBytes,
    addedCharacters: [...signed.text].length - [...plain].length,
    keyId: prepared.key.keyId,
    aiSentences: prepared.content.review.aiSentences,
    reviews: prepared.content.review.reviews.length,
  };
}
