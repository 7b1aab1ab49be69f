import { describe, expect, it } from 'vitest';
import { issueCertificate } from '../../lib/c2pa/certificate';
import { ledgerSigner, readText, REVIEW_LABEL, signText, type TextCredentialContent } from '../../lib/c2pa/manifest';
import { encodeWrapperPadded, findWrapper } from '../../lib/c2pa/text-wrapper';
import { SuperBox } from '@trustnxt/c2pa-ts/jumbf';
import { ManifestStore } from '@trustnxt/c2pa-ts/manifest';
import { generateSigningKey, signCoseToBeSigned } from '../../lib/ledger/signing';
import type { SigningAlgorithm } from '../../lib/ledger/types';

/**
 * The manifest round trip with @trustnxt/c2pa-ts: built and signed with a ledger key and its
 * self-issued certificate, embedded in text, read back and checked; a changed character breaks
 * the binding only; a changed byte of the manifest breaks the signature.
 */
const IPTC = 'http://cv.iptc.org/newscodes/digitalsourcetype/';
const TEXT = 'The council met on Tuesday. Cafe\u0301 owners asked for longer hours. The vote was postponed.';

const content: TextCredentialContent = {
  title: 'Council story',
  actions: [
    { action: 'c2pa.created', digitalSourceType: `${IPTC}compositeWithTrainedAlgorithmicMedia`, softwareAgent: { name: 'Ledgerline', version: '0.1.0' }, parameters: { description: 'document' } },
    {
      action: 'c2pa.edited',
      digitalSourceType: `${IPTC}trainedAlgorithmicMedia`,
      softwareAgent: { name: 'HuggingFaceTB/SmolLM2-135M-Instruct', version: 'main' },
      parameters: { description: 'AI suggestion accepted', 'org.ledgerline.kind': 'new text', 'org.ledgerline.entry': 1 },
    },
    { action: 'c2pa.edited', digitalSourceType: `${IPTC}humanEdits`, parameters: { description: 'The writer edited 1 AI sentence' } },
  ],
  review: {
    reviews: [{ entry: 2, reviewer: { name: 'Ana Ruiz', role: 'editor' }, when: '2026-12-01T10:00:00.000Z', sentences: 1, outcomes: { kept: 1, amended: 0, rejected: 0 }, note: 'Checked the vote date.' }],
    aiSentences: 1,
    unreviewedAiSentences: 0,
    ledger: { keyId: 'k', documentTag: 'tag', headSeq: 2 },
  },
};

async function signerFor(algorithm: SigningAlgorithm) {
  const key = await generateSigningKey(globalThis.crypto.subtle, [algorithm]);
  const issued = await issueCertificate(key);
  const sign = async (bytes: Uint8Array<ArrayBuffer>) => signCoseToBeSigned(key, bytes);
  return { key, signer: ledgerSigner(key.algorithm, issued.certificate, issued.root, sign) };
}

function replaceManifest(wrapped: string, change: (bytes: Uint8Array) => void): string {
  const found = findWrapper(wrapped)!;
  const bytes = Uint8Array.from(found.manifest);
  change(bytes);
  return wrapped.slice(0, found.start) + encodeWrapperPadded(bytes, found.lengthByte);
}

describe.each(['ECDSA-P256', 'Ed25519'] as const)('C2PA text manifest (%s ledger key)', (algorithm) => {
  it('builds, signs, embeds and reads back: actions, review, signer, binding', async () => {
    const { key, signer } = await signerFor(algorithm);
    const signed = await signText(TEXT, content, signer, { generator: { name: 'Ledgerline', version: '0.1.0' } });
    expect(signed.text.startsWith(TEXT.normalize('NFC'))).toBe(true);
    expect(signed.text).not.toBe(TEXT.normalize('NFC'));
    expect(signed.manifestLabel).toMatch(/^urn:c2pa:/);
    // Every manifest byte is an invisible character: no large reserved padding left in it.
    expect(signed.manifestBytes).toBeLessThan(4500);
    expect([...signed.text].length - [...TEXT.normalize('NFC')].length).toBeLessThan(4600);
    const read = await readText(signed.text);
    expect(read.errors).toEqual([]);
    expect(read).toMatchObject({ found: true, valid: true, signatureValid: true, bindingValid: true, chainValid: true, manifestLabel: signed.manifestLabel, title: 'Council story', text: TEXT.normalize('NFC') });
    expect(read.signer).toMatchObject({ keyId: key.keyId, selfIssued: true });
    expect(read.signer!.subject).toContain('Ledgerline ledger key');
    expect(read.actions.map((a) => [a.action, a.digitalSourceType?.replace(IPTC, '')])).toEqual([
      ['c2pa.created', 'compositeWithTrainedAlgorithmicMedia'],
      ['c2pa.edited', 'trainedAlgorithmicMedia'],
      ['c2pa.edited', 'humanEdits'],
    ]);
    expect(read.actions[1]).toMatchObject({ softwareAgent: 'HuggingFaceTB/SmolLM2-135M-Instruct main', description: 'AI suggestion accepted', parameters: { 'org.ledgerline.entry': 1 } });
    expect(read.review).toEqual(content.review);
    expect(REVIEW_LABEL).toBe('org.ledgerline.review');
  });

  it('binds the NFC text: the decomposed and composed forms of the same text both verify', async () => {
    const { signer } = await signerFor(algorithm);
    const signed = await signText(TEXT, content, signer, { generator: { name: 'Ledgerline', version: '0.1.0' } });
    expect((await readText(signed.text.normalize('NFD'))).bindingValid).toBe(true);
  });

  it('a changed character in the text breaks the binding, not the signature', async () => {
    const { signer } = await signerFor(algorithm);
    const signed = await signText(TEXT, content, signer, { generator: { name: 'Ledgerline', version: '0.1.0' } });
    const changed = signed.text.replace('Tuesday', 'Thursday');
    const read = await readText(changed);
    expect(read).toMatchObject({ found: true, signatureValid: true, bindingValid: false, valid: false });
    expect(read.errors.map((e) => e.code)).toContain('assertion.dataHash.mismatch');
    // One character, anywhere in the text, is enough.
    const one = await readText(`x${signed.text.slice(1)}`);
    expect(one.bindingValid).toBe(false);
  });

  it('a flipped byte in the claim breaks the signature', async () => {
    const { signer } = await signerFor(algorithm);
    const signed = await signText(TEXT, content, signer, { generator: { name: 'Ledgerline', version: '0.1.0' } });
    const title = new TextEncoder().encode('Council story');
    const tampered = replaceManifest(signed.text, (bytes) => {
      const at = indexOf(bytes, title);
      expect(at).toBeGreaterThan(0);
      bytes[at] = bytes[at]! ^ 0x01; // 'C' → 'B'
    });
    const read = await readText(tampered);
    expect(read.signatureValid).toBe(false);
    expect(read.valid).toBe(false);
    expect(read.errors.map((e) => e.code)).toContain('claimSignature.mismatch');
  });

  it('a flipped byte in the claim or in any assertion is never valid', async () => {
    const { signer } = await signerFor(algorithm);
    const signed = await signText(TEXT, content, signer, { generator: { name: 'Ledgerline', version: '0.1.0' } });
    const bytes = findWrapper(signed.text)!.manifest;
    const manifest = ManifestStore.read(SuperBox.fromBuffer(bytes as Uint8Array<ArrayBuffer>)).getActiveManifest()!;
    // The signed parts: the claim (signature) and each assertion (hashed in the claim). What C2PA
    // does not sign is box framing (a super box's length), the store's and manifest's labels and
    // the COSE unprotected header; those are left out here.
    const boxes = [manifest.claim!.sourceBox!, ...manifest.assertions!.assertions.map((a) => a.sourceBox!)];
    let flipped = 0;
    for (const box of boxes) {
      const own = box.toBuffer();
      const at = indexOf(bytes, own);
      expect(at).toBeGreaterThan(0);
      for (let i = 4; i < own.length; i += 11) {
        const read = await readText(replaceManifest(signed.text, (b) => void (b[at + i] = b[at + i]! ^ 0x5a)));
        expect(read.valid, `byte ${at + i} (${i} into a box of ${own.length})`).toBe(false);
        flipped++;
      }
    }
    expect(flipped).toBeGreaterThan(150);
  });
});

it('re-signing a text that carries a wrapper replaces it (one wrapper only)', async () => {
  const { signer } = await signerFor('ECDSA-P256');
  const once = await signText(TEXT, content, signer, { generator: { name: 'Ledgerline', version: '0.1.0' } });
  const twice = await signText(once.text, content, signer, { generator: { name: 'Ledgerline', version: '0.1.0' } });
  expect((await readText(twice.text)).valid).toBe(true);
  expect((await readText(twice.text)).manifestLabel).toBe(twice.manifestLabel);
});

it('reading a damaged manifest never throws: found and not verified (still valid only where C2PA signs nothing)', async () => {
  const { signer } = await signerFor('ECDSA-P256');
  const signed = await signText(TEXT, content, signer, { generator: { name: 'Ledgerline', version: '0.1.0' } });
  const length = findWrapper(signed.text)!.manifest.length;
  const verdicts = new Set<string>();
  for (let at = 0; at < length; at += 5) {
    const read = await readText(replaceManifest(signed.text, (b) => void (b[at] = b[at]! ^ 0x5a)));
    verdicts.add(read.valid ? 'valid' : read.found ? 'found, not valid' : 'unreadable');
    if (!read.valid) expect(read.errors.length + (read.problem ? 1 : 0), `byte ${at}`).toBeGreaterThan(0);
  }
  expect(verdicts.has('found, not valid')).toBe(true);
});

it('says so when the text carries no manifest', async () => {
  const read = await readText('Plain text.');
  expect(read).toMatchObject({ found: false, valid: false });
  expect(read.problem).toMatch(/no C2PA text manifest/);
});

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
