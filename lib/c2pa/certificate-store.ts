import type { Ledger } from '../ledger';
import { base64ToBytes } from '../ledger/base64';
import type { PublicKeyInfo } from '../ledger/types';
import type { IssuedCertificate } from './certificate';

/**
 * The ledger key's C2PA certificate, kept with the key (the `keys` table, row 'c2pa-certificate').
 * The audit page issues it (certificate.ts: that needs only the public key) and hands it here;
 * it is asked for again when the key changed or the certificate nears its end. No X.509 code
 * in the background: a certificate is kept only when its DER holds this key's SPKI.
 */
export const CERTIFICATE_ROW = 'c2pa-certificate';
const RENEW_BEFORE_MS = 30 * 86_400_000;

export interface CertificateRow extends IssuedCertificate {
  id: typeof CERTIFICATE_ROW;
  createdAt: number;
}

const table = (ledger: Ledger) => ledger.db.table<CertificateRow, string>('keys');
const usable = (c: IssuedCertificate, key: PublicKeyInfo, now: number) => c.keyId === key.keyId && c.notAfter - RENEW_BEFORE_MS > now;

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** The ledger key, and its certificate when one is kept for it and not near its end. */
export async function storedCertificate(ledger: Ledger, now = Date.now()): Promise<{ key: PublicKeyInfo; certificate: IssuedCertificate | null }> {
  const key = await ledger.publicKey(); // creates the key when the ledger has none yet
  const row = await table(ledger).get(CERTIFICATE_ROW);
  if (!row || !usable(row, key, now)) return { key, certificate: null };
  const { id: _id, createdAt: _at, ...certificate } = row;
  return { key, certificate };
}

/** Keep `issued` for the ledger key; false (nothing kept) when it is not a certificate of this key. */
export async function keepCertificate(ledger: Ledger, issued: IssuedCertificate, now = Date.now()): Promise<boolean> {
  const key = await ledger.publicKey();
  if (!usable(issued, key, now) || !contains(base64ToBytes(issued.certificate), base64ToBytes(key.spki))) return false;
  await table(ledger).put({ id: CERTIFICATE_ROW, createdAt: now, ...issued });
  return true;
}
