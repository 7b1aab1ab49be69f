import type { X509Certificate } from '@peculiar/x509';
import { CoseAlgorithmIdentifier, type Signer } from '@trustnxt/c2pa-ts/cose';
import { CBORBox, SuperBox, type IBox } from '@trustnxt/c2pa-ts/jumbf';
import {
  ActionAssertion,
  Assertion,
  ClaimVersion,
  DataHashAssertion,
  ManifestStore,
  Signature,
  UnknownAssertion,
  ValidationStatusCode,
  type Action,
} from '@trustnxt/c2pa-ts/manifest';
import { sha256Hex } from '../text/hash';
import { TextAsset } from './text-asset';
import { findWrapper } from './text-wrapper';
import type { SigningAlgorithm } from '../ledger/types';
import { parseCertificate } from './certificate';

/**
 * A C2PA manifest for a text, built and signed with @trustnxt/c2pa-ts (JUMBF boxes, CBOR claim
 * v2, COSE_Sign1), embedded with the A.8 wrapper. What it carries:
 * - `c2pa.actions.v2`: first `c2pa.created` for the document (digitalSourceType: the document's,
 *   e.g. compositeWithTrainedAlgorithmicMedia; softwareAgent: Ledgerline), then one action per
 *   accepted AI suggestion (digitalSourceType trainedAlgorithmicMedia, softwareAgent: the model),
 *   then `c2pa.edited` / humanEdits when the writer edited AI sentences. The standard allows one
 *   `c2pa.created`, first: so the suggestions are `c2pa.edited` actions of that document, and
 *   whether one added new text or rewrote the writer's is in `parameters['org.ledgerline.kind']`.
 * - `org.ledgerline.review`: the editor's reviews recorded in the ledger (who, when, outcomes).
 * - `c2pa.hash.data`: SHA-256 over the NFC UTF-8 text, the wrapper excluded.
 * - the signature of the ledger key, with its self-issued certificate (certificate.ts).
 */
export const REVIEW_LABEL = 'org.ledgerline.review';
/** Room for the COSE signature value (64 bytes for ES256 and Ed25519) and its CBOR framing. */
const SIGNATURE_PADDING = 256;
const CBOR_ASSERTION_UUID = Uint8Array.from([0x63, 0x62, 0x6f, 0x72, 0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71]);

export interface ReviewAssertionContent {
  reviews: {
    entry: number;
    reviewer: { name: string; role: string };
    when: string;
    sentences: number;
    outcomes: { kept: number; amended: number; rejected: number };
    note: string;
  }[];
  /** AI sentences of the text, and how many of them no review saw as they are now. */
  aiSentences: number;
  unreviewedAiSentences: number;
  /** The ledger behind the record: its key and the document's tag (sha256 of its key). */
  ledger: { keyId: string; documentTag: string; headSeq: number | null };
}

export interface CredentialAction {
  action: 'c2pa.created' | 'c2pa.edited';
  digitalSourceType?: string;
  softwareAgent?: { name: string; version?: string };
  parameters: Record<string, unknown> & { description: string };
}

export interface TextCredentialContent {
  title: string;
  actions: CredentialAction[];
  review: ReviewAssertionContent;
}

/**
 * A C2PA signer for the ledger key: `sign` gets the COSE Sig_structure and returns the raw
 * signature (r||s for ECDSA, IEEE P1363, the form COSE uses, which is also WebCrypto's). On the
 * audit page it asks the background, which holds the key (lib/c2pa/embed-text.ts).
 */
export function ledgerSigner(
  algorithm: SigningAlgorithm,
  certificate: string,
  root: string,
  sign: (toBeSigned: Uint8Array<ArrayBuffer>) => Promise<Uint8Array<ArrayBuffer>>,
): Signer {
  return {
    algorithm: algorithm === 'Ed25519' ? CoseAlgorithmIdentifier.Ed25519 : CoseAlgorithmIdentifier.ES256,
    certificate: parseCertificate(certificate),
    chainCertificates: [parseCertificate(root)],
    sign: (payload) => sign(payload as Uint8Array<ArrayBuffer>),
  };
}

/** A CBOR assertion with our own label (the library has classes for the standard ones only). */
class CborAssertion extends Assertion {
  constructor(
    label: string,
    private content: unknown,
  ) {
    super();
    this.label = label;
    this.uuid = CBOR_ASSERTION_UUID;
  }
  readContentFromJUMBF(box: IBox): void {
    this.content = (box as CBORBox).content;
  }
  generateJUMBFBoxForContent(): IBox {
    const box = new CBORBox();
    box.content = this.content;
    return box;
  }
}

export interface SignedText {
  /** The NFC text with the wrapper at its end. */
  text: string;
  manifestLabel: string;
  manifestBytes: number;
}

/** Build, sign and embed the manifest for `text` (any wrapper already in it is replaced). */
export async function signText(
  text: string,
  content: TextCredentialContent,
  signer: Signer,
  options: { generator: { name: string; version: string } },
): Promise<SignedText> {
  const plain = withoutWrapper(text);
  const store = new ManifestStore();
  const manifest = store.createManifest({
    claimVersion: ClaimVersion.V2,
    assetFormat: 'text/plain',
    instanceID: `xmp:iid:${crypto.randomUUID()}`,
    defaultHashAlgorithm: 'SHA-256',
    signer,
  });
  if (!manifest.claim) throw new Error('The manifest has no claim');
  // The library reserves 25 kB for a signature with a timestamp; ours has none (no network), and
  // every reserved byte would be an invisible character in the text: reserve what the signature
  // bytes take (the certificates are in place already).
  manifest.signature = Signature.create(signer, SIGNATURE_PADDING);
  manifest.claim.title = content.title || undefined;
  manifest.claim.claimGeneratorName = options.generator.name;
  manifest.claim.claimGeneratorVersion = options.generator.version;
  const actions = new ActionAssertion();
  actions.actions = content.actions.map((a) => ({
    action: a.action,
    ...(a.digitalSourceType ? { digitalSourceType: a.digitalSourceType } : {}),
    ...(a.softwareAgent ? { softwareAgent: a.softwareAgent } : {}),
    parameters: a.parameters,
  })) as Action[];
  manifest.addAssertion(actions);
  manifest.addAssertion(new CborAssertion(REVIEW_LABEL, content.review));
  const binding = DataHashAssertion.create('SHA-256');
  binding.name = 'NFC UTF-8 text, the C2PA text wrapper excluded';
  manifest.addAssertion(binding);

  const asset = TextAsset.fromText(plain);
  await asset.ensureManifestSpace(store.measureSize());
  await binding.updateWithAsset(asset);
  await manifest.sign(signer);
  const bytes = store.getBytes();
  await asset.writeManifestJUMBF(bytes);
  return { text: await asset.toText(), manifestLabel: manifest.label ?? '', manifestBytes: bytes.length };
}

/** The text without a wrapper it already carries (two wrappers: WrapperError). */
function withoutWrapper(text: string): string {
  const found = findWrapper(text);
  return found ? text.slice(0, found.start) + text.slice(found.end) : text;
}

export interface ReadAction {
  action: string;
  digitalSourceType: string | null;
  softwareAgent: string | null;
  description: string | null;
  parameters: Record<string, unknown>;
}

export interface TextCredentialReading {
  /** A wrapper was found and its manifest store parsed. */
  found: boolean;
  /** The claim's signature verifies with the certificate it carries. */
  signatureValid: boolean;
  /** The hard binding matches the text (false: the text was changed since it was signed). */
  bindingValid: boolean;
  /** Every check the library ran passed (signature, assertion hashes, binding, certificate profile). */
  valid: boolean;
  /** The signer's certificate was issued by the root that came with it (it proves nothing more). */
  chainValid: boolean;
  manifestLabel: string | null;
  title: string | null;
  claimGenerator: string | null;
  signer: { subject: string; issuer: string; keyId: string; selfIssued: boolean; notAfter: string } | null;
  actions: ReadAction[];
  review: ReviewAssertionContent | null;
  /** The text without the wrapper (NFC). */
  text: string;
  /** Failed checks, as the library's status codes with their explanation. */
  errors: { code: string; explanation: string | null }[];
  /** Why nothing could be read (no wrapper, unreadable manifest). */
  problem: string | null;
}

const EMPTY: Omit<TextCredentialReading, 'text' | 'problem'> = {
  found: false,
  signatureValid: false,
  bindingValid: false,
  valid: false,
  chainValid: false,
  manifestLabel: null,
  title: null,
  claimGenerator: null,
  signer: null,
  actions: [],
  review: null,
  errors: [],
};

async function signerOf(certificate: X509Certificate | undefined, chain: X509Certificate[]): Promise<{ signer: TextCredentialReading['signer']; chainValid: boolean }> {
  if (!certificate) return { signer: null, chainValid: false };
  const root = chain[0];
  let chainValid = false;
  if (root) {
    try {
      chainValid = certificate.issuer === root.subject && (await certificate.verify({ publicKey: root.publicKey, signatureOnly: true })) && (await root.verify({ signatureOnly: true }));
    } catch {
      chainValid = false;
    }
  }
  const spki = new Uint8Array(certificate.publicKey.rawData);
  return {
    signer: {
      subject: certificate.subject,
      issuer: certificate.issuer,
      keyId: await sha256Hex(spki),
      selfIssued: !!root && root.subject === root.issuer,
      notAfter: certificate.notAfter.toISOString(),
    },
    chainValid,
  };
}

/**
 * Read the manifest embedded in `text` and check it: signature, assertion hashes, binding. Never
 * throws: a damaged manifest the library cannot even check reads as found and not verified.
 */
export async function readText(text: string): Promise<TextCredentialReading> {
  try {
    return await readAndCheck(text);
  } catch (error) {
    return { ...EMPTY, found: true, text: stripForReading(text), errors: [{ code: 'general.error', explanation: error instanceof Error ? error.message : String(error) }], problem: null };
  }
}

function stripForReading(text: string): string {
  try {
    const normalized = text.normalize('NFC');
    const found = findWrapper(normalized);
    return found ? (normalized.slice(0, found.start) + normalized.slice(found.end)).normalize('NFC') : normalized;
  } catch {
    return text.normalize('NFC');
  }
}

async function readAndCheck(text: string): Promise<TextCredentialReading> {
  const normalized = text.normalize('NFC');
  let found: ReturnType<typeof findWrapper>;
  try {
    found = findWrapper(normalized);
  } catch (error) {
    return { ...EMPTY, text: normalized, problem: error instanceof Error ? error.message : String(error) };
  }
  if (!found) return { ...EMPTY, text: normalized, problem: 'The text carries no C2PA text manifest (no wrapper found; it may have been stripped).' };
  const plain = (normalized.slice(0, found.start) + normalized.slice(found.end)).normalize('NFC');
  let store: ManifestStore;
  try {
    store = ManifestStore.read(SuperBox.fromBuffer(found.manifest as Uint8Array<ArrayBuffer>));
  } catch (error) {
    return { ...EMPTY, found: false, text: plain, problem: `The embedded manifest cannot be read: ${error instanceof Error ? error.message : String(error)}` };
  }
  const manifest = store.getActiveManifest();
  if (!manifest) return { ...EMPTY, text: plain, problem: 'The embedded manifest store has no manifest.' };
  // A damaged store can parse and still fail to be checked (a box of an unknown kind where an
  // assertion was, a certificate that no longer parses): readText catches it.
  const result = await store.validate(TextAsset.fromText(normalized));
  const codes = result.statusEntries;
  const has = (code: ValidationStatusCode) => codes.some((e) => e.code === code);
  const errors = codes.filter((e) => !e.success).map((e) => ({ code: e.code, explanation: e.explanation ?? null }));
  const signature = manifest.signature?.signatureData;
  const { signer, chainValid } = await signerOf(signature?.certificate, signature?.chainCertificates ?? []);
  const assertions = manifest.assertions?.assertions ?? [];
  const actions: ReadAction[] = assertions
    .filter((a): a is ActionAssertion => a instanceof ActionAssertion)
    .flatMap((a) =>
      a.actions.map((x) => {
        const { description, ...parameters } = (x.parameters ?? {}) as Record<string, unknown>;
        return {
          action: x.action,
          digitalSourceType: x.digitalSourceType ?? null,
          softwareAgent: x.softwareAgent ? [x.softwareAgent.name, x.softwareAgent.version].filter(Boolean).join(' ') : null,
          description: typeof description === 'string' ? description : null,
          parameters,
        };
      }),
    );
  const reviewBox = assertions.find((a) => a instanceof UnknownAssertion && a.label === REVIEW_LABEL)?.sourceBox?.contentBoxes[0];
  const review = reviewBox instanceof CBORBox ? (reviewBox.content as ReviewAssertionContent) : null;
  const claim = manifest.claim;
  return {
    found: true,
    signatureValid: has(ValidationStatusCode.ClaimSignatureValidated) && !has(ValidationStatusCode.ClaimSignatureMismatch),
    bindingValid: has(ValidationStatusCode.AssertionDataHashMatch) && !has(ValidationStatusCode.AssertionDataHashMismatch),
    valid: result.isValid,
    chainValid,
    manifestLabel: manifest.label ?? null,
    title: claim?.title ?? null,
    claimGenerator: claim?.claimGeneratorName ? [claim.claimGeneratorName, claim.claimGeneratorVersion].filter(Boolean).join(' ') : null,
    signer,
    actions,
    review,
    text: plain,
    errors,
    problem: null,
  };
}
