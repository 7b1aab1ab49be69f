/**
 * Whether a report's signing key is the one a newsroom keeps for the writer. Key ids are SHA-256
 * hex digests of the public key (lib/ledger/signing.ts); people copy them with spaces, colons or
 * in capitals, and often only their first characters (the statement shows 16). A prefix of at
 * least 16 hex digits is compared: shorter ones match too many keys to mean anything.
 */
export const MIN_KEY_ID_DIGITS = 16;

export type KeyIdVerdict = 'empty' | 'invalid' | 'too-short' | 'match' | 'mismatch';

export function keyIdVerdict(signerKeyId: string, expected: string): KeyIdVerdict {
  const digits = expected.toLowerCase().replace(/[\s:-]/g, '');
  if (!digits) return 'empty';
  if (!/^[0-9a-f]+$/.test(digits)) return 'invalid';
  if (digits.length < MIN_KEY_ID_DIGITS) return 'too-short';
  return signerKeyId.toLowerCase().startsWith(digits) ? 'match' : 'mismatch';
}
