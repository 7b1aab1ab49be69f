import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
  cryptoProvider,
} from '@peculiar/x509';
import { base64ToBytes, bytesToBase64 } from '../ledger/base64';
import type { SigningAlgorithm } from '../ledger/types';

/**
 * The X.509 certificates a C2PA signature needs, issued by the extension itself for the ledger's
 * own key: a one-off local root (its private key is generated, used to sign once, and never
 * stored, so nothing else can ever be issued under it) and an end-entity certificate for the
 * ledger key with the profile C2PA asks of a claim signer (v3, critical key usage
 * digitalSignature, document-signing EKU, an issuer other than itself). No validator outside
 * Ledgerline trusts this root: it is on no C2PA trust list.
 */
export const DOCUMENT_SIGNING_EKU = '1.3.6.1.5.5.7.3.36';
const YEAR_MS = 365 * 86_400_000;
/** Issued a little in the past: a signature made in the same millisecond is inside the validity. */
const BACKDATE_MS = 5 * 60_000;

export interface IssuedCertificate {
  /** The ledger key's certificate, base64 DER. */
  certificate: string;
  /** The local root that issued it, base64 DER. */
  root: string;
  keyId: string;
  notAfter: number;
}

const CERT_SIGNING = { name: 'ECDSA', hash: 'SHA-256', namedCurve: 'P-256' } as const;

function serial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0]! &= 0x7f;
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Issue the certificates for `key` (the ledger's public key; its private key is not needed). */
export async function issueCertificate(
  key: { publicKey: CryptoKey; keyId: string; algorithm: SigningAlgorithm },
  options: { now?: number; years?: number; subtle?: SubtleCrypto } = {},
): Promise<IssuedCertificate> {
  cryptoProvider.set(globalThis.crypto);
  const now = options.now ?? Date.now();
  const notBefore = new Date(now - BACKDATE_MS);
  const notAfter = new Date(now + (options.years ?? 10) * YEAR_MS);
  const subtle = options.subtle ?? globalThis.crypto.subtle;
  const rootKeys = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair;
  const short = key.keyId.slice(0, 16);
  const rootName = `CN=Ledgerline local root ${short}, O=Ledgerline (self-issued)`;
  const root = await X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: rootName,
    notBefore,
    notAfter,
    keys: rootKeys,
    signingAlgorithm: CERT_SIGNING,
    extensions: [
      new BasicConstraintsExtension(true, 0, true),
      new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
      await SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const leaf = await X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=Ledgerline ledger key ${short}, O=Ledgerline (self-issued)`,
    issuer: root.subject,
    notBefore,
    notAfter,
    publicKey: key.publicKey,
    signingKey: rootKeys.privateKey,
    signingAlgorithm: CERT_SIGNING,
    extensions: [
      new BasicConstraintsExtension(false, undefined, true),
      new KeyUsagesExtension(KeyUsageFlags.digitalSignature, true),
      new ExtendedKeyUsageExtension([DOCUMENT_SIGNING_EKU], false),
      await SubjectKeyIdentifierExtension.create(key.publicKey),
      await AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  return {
    certificate: bytesToBase64(new Uint8Array(leaf.rawData)),
    root: bytesToBase64(new Uint8Array(root.rawData)),
    keyId: key.keyId,
    notAfter: notAfter.getTime(),
  };
}

export function parseCertificate(base64Der: string): X509Certificate {
  return new X509Certificate(base64ToBytes(base64Der) as Uint8Array<ArrayBuffer>);
}
