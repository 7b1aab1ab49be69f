import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestHandler } from '../../lib/background/request-handler';
import { CERTIFICATE_ROW, type CertificateRow } from '../../lib/c2pa/certificate-store';
import { issueCertificate, parseCertificate } from '../../lib/c2pa/certificate';
import { embedCredentials } from '../../lib/c2pa/embed-text';
import { readText } from '../../lib/c2pa/manifest';
import { findWrapper } from '../../lib/c2pa/text-wrapper';
import { bytesToBase64 } from '../../lib/ledger/base64';
import { generateSigningKey, headPayload, statementBytes } from '../../lib/ledger/signing';
import { backgroundSend } from '../support/credentials-send';
import { EDITOR, FERRY, STORY_TEXT, storyLedger, type StoryLedger } from '../support/report-fixtures';

/**
 * Copy with Content Credentials, the audit page's module against the background's handler, on
 * the story ledger (AI sentences kept, edited and rewritten, the writer's own, an editor's
 * review): what the manifest says is what the ledger holds, signed by the ledger key; the
 * background signs nothing but a claim's Sig_structure and keeps only this key's certificate.
 */
const IPTC = 'http://cv.iptc.org/newscodes/digitalsourcetype/';
let story: StoryLedger;
let handle: ReturnType<typeof createRequestHandler>;
const page = { kind: 'extension-page' as const };
const embed = (text = STORY_TEXT) => embedCredentials(backgroundSend(story.ledger), story.documentKey, text);

beforeAll(async () => {
  story = await storyLedger('c2pa-credentials');
  handle = createRequestHandler({ ledger: () => story.ledger, extensionVersion: '0.1.0' } as Parameters<typeof createRequestHandler>[0]);
});
afterAll(() => story.ledger.close());

describe('credentials requests', () => {
  it('refuses malformed requests and content scripts', async () => {
    expect(await handle({ type: 'credentials.prepare', documentKey: story.documentKey }, page)).toBeNull();
    expect(await handle({ type: 'credentials.prepare', documentKey: '', text: 'x' }, page)).toBeNull();
    expect(await handle({ type: 'credentials.sign', toBeSigned: 'not base64!' }, page)).toBeNull();
    expect(await handle({ type: 'credentials.keepCertificate', certificate: { certificate: 'AAAA' } }, page)).toBeNull();
    const site = { kind: 'content-script' as const, origins: new Set(['https://news.example.com']) };
    expect(await handle({ type: 'credentials.prepare', documentKey: story.documentKey, text: STORY_TEXT }, site)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await handle({ type: 'credentials.sign', toBeSigned: bytesToBase64(Uint8Array.of(0x84, 0x6a, 1, 2)) }, site)).toMatchObject({ ok: false, code: 'forbidden' });
  });

  it('signs a COSE Sig_structure only: never the bytes of a chain head or a statement', async () => {
    const head = headPayload({ seq: 1, hash: 'a'.repeat(64), keyId: 'k', algorithm: 'Ed25519', signedAt: 0 });
    for (const bytes of [head, statementBytes('ledgerline.report.v1', { any: 1 }), new TextEncoder().encode('Signature1 in plain text')]) {
      expect(await handle({ type: 'credentials.sign', toBeSigned: bytesToBase64(bytes) }, page)).toMatchObject({ ok: false, code: 'refused' });
    }
  });

  it('embeds the ledger record in the text, signed by the ledger key, and reads it back verified', async () => {
    const embedded = await embed();
    const own = await story.ledger.publicKey();
    expect(embedded).toMatchObject({ keyId: own.keyId, aiSentences: 3, reviews: 1 });
    expect(embedded.text.startsWith(STORY_TEXT)).toBe(true);
    expect([...embedded.text].length - [...STORY_TEXT].length).toBe(embedded.addedCharacters);

    const r = await readText(embedded.text);
    expect(r).toMatchObject({ valid: true, signatureValid: true, bindingValid: true, chainValid: true, manifestLabel: embedded.manifestLabel, text: STORY_TEXT });
    expect(r.signer?.keyId).toBe(own.keyId);
    // The document is mixed; three AI suggestions (two new-text sentences, one rewrite); one AI sentence edited by the writer.
    expect(r.actions[0]).toMatchObject({ action: 'c2pa.created', digitalSourceType: `${IPTC}compositeWithTrainedAlgorithmicMedia`, softwareAgent: 'Ledgerline 0.1.0' });
    const suggestions = r.actions.filter((a) => a.digitalSourceType === `${IPTC}trainedAlgorithmicMedia`);
    expect(suggestions.map((a) => a.parameters['org.ledgerline.kind'])).toEqual(['new text', 'rewrite of the writer’s text']);
    expect(suggestions.every((a) => a.action === 'c2pa.edited' && a.softwareAgent === 'onnx-community/Qwen2.5-0.5B-Instruct abc123')).toBe(true);
    const human = r.actions.filter((a) => a.digitalSourceType === `${IPTC}humanEdits`);
    expect(human).toHaveLength(1);
    expect(human[0]!.description).toMatch(/edited 1 AI sentence/);
    expect(r.review).toMatchObject({ aiSentences: 3, unreviewedAiSentences: 0, ledger: { keyId: own.keyId, documentTag: story.report.document.tag } });
    expect(r.review!.reviews).toEqual([expect.objectContaining({ reviewer: EDITOR, sentences: 3, outcomes: { kept: 2, amended: 1, rejected: 0 }, note: 'Checked the dates.' })]);
  });

  it('a sentence changed after copying shows as a changed text', async () => {
    const embedded = await embed();
    const changed = embedded.text.replace(FERRY, FERRY.replace('Monday', 'Sunday'));
    expect(await readText(changed)).toMatchObject({ signatureValid: true, bindingValid: false, valid: false });
  });

  it('signing again replaces the wrapper the text carries', async () => {
    const first = await embed();
    const second = await embed(first.text);
    expect(findWrapper(second.text)).not.toBeNull();
    expect((await readText(second.text)).manifestLabel).toBe(second.manifestLabel);
    expect(second.aiSentences).toBe(3);
  });

  it('keeps one certificate with the key, for the key, and issues a new one when the key changed', async () => {
    const table = story.ledger.db.table<CertificateRow, string>('keys');
    await embed();
    const a = (await table.get(CERTIFICATE_ROW))!;
    await embed();
    expect((await table.get(CERTIFICATE_ROW))!.certificate).toBe(a.certificate);
    const cert = parseCertificate(a.certificate);
    expect(cert.subject).toContain('Ledgerline ledger key');
    expect(cert.issuer).not.toBe(cert.subject);
    await table.put({ ...a, keyId: 'another key' });
    const again = await embed();
    const c = (await table.get(CERTIFICATE_ROW))!;
    expect(c.keyId).toBe(again.keyId);
    expect(c.certificate).not.toBe(a.certificate);
    expect((await readText(again.text)).valid).toBe(true);
  });

  it('keeps no certificate of another key, even one named with this key id', async () => {
    const own = await story.ledger.publicKey();
    const other = await generateSigningKey(globalThis.crypto.subtle, [own.algorithm]);
    const foreign = await issueCertificate({ ...other, keyId: own.keyId });
    expect(await handle({ type: 'credentials.keepCertificate', certificate: foreign }, page)).toMatchObject({ ok: false, code: 'refused' });
    const stored = await story.ledger.db.table<CertificateRow, string>('keys').get(CERTIFICATE_ROW);
    expect(stored?.certificate).not.toBe(foreign.certificate);
  });
});
