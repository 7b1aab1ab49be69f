import { sha256Hex } from '../text/hash';
import { base64ToBytes, bytesToBase64 } from './base64';
import { canonicalJson } from './canonical';
import type { SignedCheckpoint, SignedHead, SigningAlgorithm } from './types';

/**
 * Chain-head signing. Ed25519 where WebCrypto has it, else ECDSA P-256 / SHA-256
 * (signature in WebCrypto's IEEE P1363 r||s form). The private key is generated
 * non-extractable; the public key is exported as SPKI for reports.
 */
export const DEFAULT_ALGORITHMS: readonly SigningAlgorithm[] = ['Ed25519', 'ECDSA-P256'];

const KEY_PARAMS: Record<SigningAlgorithm, AlgorithmIdentifier | EcKeyGenParams> = {
  Ed25519: { name: 'Ed25519' },
  'ECDSA-P256': { name: 'ECDSA', namedCurve: 'P-256' } as EcKeyGenParams,
};
const SIGN_PARAMS: Record<SigningAlgorithm, AlgorithmIdentifier | EcdsaParams> = {
  Ed25519: { name: 'Ed25519' },
  'ECDSA-P256': { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
};

export interface GeneratedKey {
  algorithm: SigningAlgorithm;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  spki: string;
  keyId: string;
}

/** Generate a signing key with the first algorithm this WebCrypto supports. */
export async function generateSigningKey(
  subtle: SubtleCrypto = globalThis.crypto.subtle,
  algorithms: readonly SigningAlgorithm[] = DEFAULT_ALGORITHMS,
): Promise<GeneratedKey> {
  const failures: string[] = [];
  for (const algorithm of algorithms) {
    try {
      const pair = (await subtle.generateKey(KEY_PARAMS[algorithm], false, ['sign', 'verify'])) as CryptoKeyPair;
      const spkiBytes = new Uint8Array(await subtle.exportKey('spki', pair.publicKey));
      return {
        algorithm,
        privateKey: pair.privateKey,
        publicKey: pair.publicKey,
        spki: bytesToBase64(spkiBytes),
        keyId: await sha256Hex(spkiBytes),
      };
    } catch (err) {
      failures.push(`${algorithm}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  throw new Error(`No supported signing algorithm (${failures.join('; ')})`);
}

/** The exact bytes a head signature covers. */
export function headPayload(head: Omit<SignedHead, 'signature'>): Uint8Array<ArrayBuffer> {
  const payload = {
    type: 'ledgerline.head.v1',
    seq: head.seq,
    hash: head.hash,
    keyId: head.keyId,
    algorithm: head.algorithm,
    signedAt: head.signedAt,
  };
  return new TextEncoder().encode(canonicalJson(payload));
}

export async function signHead(
  key: { algorithm: SigningAlgorithm; privateKey: CryptoKey; keyId: string },
  head: { seq: number; hash: string; signedAt: number },
  subtle: SubtleCrypto = globalThis.crypto.subtle,
): Promise<SignedHead> {
  const unsigned = { ...head, keyId: key.keyId, algorithm: key.algorithm };
  const sig = await subtle.sign(SIGN_PARAMS[key.algorithm], key.privateKey, headPayload(unsigned));
  return { ...unsigned, signature: bytesToBase64(new Uint8Array(sig)) };
}

/** Verify a signed head against a base64 SPKI public key. Works anywhere WebCrypto does (Node, browsers). */
export async function verifyHead(
  head: SignedHead,
  spki: string,
  subtle: SubtleCrypto = globalThis.crypto.subtle,
): Promise<boolean> {
  try {
    const spkiBytes = base64ToBytes(spki);
    if ((await sha256Hex(spkiBytes)) !== head.keyId) return false;
    const algorithm = head.algorithm;
    if (!Object.prototype.hasOwnProperty.call(KEY_PARAMS, algorithm)) return false;
    const pub = await subtle.importKey('spki', spkiBytes, KEY_PARAMS[algorithm], true, ['verify']);
    return await subtle.verify(SIGN_PARAMS[algorithm], pub, base64ToBytes(head.signature), headPayload(head));
  } catch {
    return false;
  }
}

/** The exact bytes a typed statement signature covers: canonical JSON of `{ ...body, type }`. */
export function statementBytes(type: string, body: Record<string, unknown>): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(canonicalJson({ ...body, type }));
}

/** Sign a typed statement (checkpoint, report) with the ledger key; base64 signature. */
export async function signStatement(
  key: { algorithm: SigningAlgorithm; privateKey: CryptoKey },
  type: string,
  body: Record<string, unknown>,
  subtle: SubtleCrypto = globalThis.crypto.subtle,
): Promise<string> {
  const sig = await subtle.sign(SIGN_PARAMS[key.algorithm], key.privateKey, statementBytes(type, body));
  return bytesToBase64(new Uint8Array(sig));
}

/**
 * The CBOR of a COSE_Sign1 Sig_structure begins array(4), text(10) "Signature1". The ledger key
 * signs C2PA claims only in that form: it can never be the bytes of a head or a statement (JSON).
 */
const SIG_STRUCTURE_PREFIX = Uint8Array.from([0x84, 0x6a, ...new TextEncoder().encode('Signature1')]);
export const isCoseSign1ToBeSigned = (bytes: Uint8Array) => bytes.length > SIG_STRUCTURE_PREFIX.length && SIG_STRUCTURE_PREFIX.every((b, i) => bytes[i] === b);

/** Sign a COSE_Sign1 Sig_structure (a C2PA claim) with the ledger key; raw signature (r||s for ECDSA, as COSE has it). */
export async function signCoseToBeSigned(
  key: { algorithm: SigningAlgorithm; privateKey: CryptoKey },
  toBeSigned: Uint8Array<ArrayBuffer>,
  subtle: SubtleCrypto = globalThis.crypto.subtle,
): Promise<Uint8Array<ArrayBuffer>> {
  if (!isCoseSign1ToBeSigned(toBeSigned)) throw new Error('Only a COSE_Sign1 Sig_structure is signed this way');
  return new Uint8Array(await subtle.sign(SIGN_PARAMS[key.algorithm], key.privateKey, toBeSigned));
}

/** Verify a typed statement signature against a base64 SPKI whose sha256 must equal `keyId`. */
export async function verifyStatement(
  type: string,
  body: Record<string, unknown>,
  signature: string,
  signer: { algorithm: SigningAlgorithm; keyId: string },
  spki: string,
  subtle: SubtleCrypto = globalThis.crypto.subtle,
): Promise<boolean> {
  try {
    const spkiBytes = base64ToBytes(spki);
    if ((await sha256Hex(spkiBytes)) !== signer.keyId) return false;
    if (!Object.prototype.hasOwnProperty.call(KEY_PARAMS, signer.algorithm)) return false;
    const pub = await subtle.importKey('spki', spkiBytes, KEY_PARAMS[signer.algorithm], true, ['verify']);
    return await subtle.verify(SIGN_PARAMS[signer.algorithm], pub, base64ToBytes(signature), statementBytes(type, body));
  } catch {
    return false;
  }
}

export const CHECKPOINT_TYPE = 'ledgerline.checkpoint.v1';

export function checkpointBody(c: Omit<SignedCheckpoint, 'signature'>): Record<string, unknown> {
  return {
    seq: c.seq,
    hash: c.hash,
    pruned: c.pruned,
    prunedAt: c.prunedAt,
    retentionDays: c.retentionDays,
    keyId: c.keyId,
    algorithm: c.algorithm,
  };
}

export function verifyCheckpoint(c: SignedCheckpoint, spki: string): Promise<boolean> {
  return verifyStatement(CHECKPOINT_TYPE, checkpointBody(c), c.signature, c, spki);
}
