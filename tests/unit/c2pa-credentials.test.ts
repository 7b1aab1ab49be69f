import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleCredentialsRequest } from '../../lib/background/credentials-requests';
import { createRequestHandler } from '../../lib/background/request-handler';
import { CERTIFICATE_ROW, ledgerCertificate, type CertificateRow } from '../../lib/c2pa/ledger-credentials';
import { parseCertificate } from '../../lib/c2pa/certificate';
import { readText } from '../../lib/c2pa/manifest';
import { findWrapper } from '../../lib/c2pa/text-wrapper';
import { parseRequest, type Request } from '../../lib/messaging';
import { EDITOR, FERRY, STORY_TEXT, storyLedger, type StoryLedger } from '../support/report-fixtures';

/**
 * `credentials.embed` / `credentials.read` in the background, on the story ledger (AI sentences
 * kept, edited and rewritten, the writer's own, an editor's review): what the manifest says is
 * what the ledger holds, signed by the ledger key.
 */
const IPTC = 'http://cv.iptc.org/newscodes/digitalsourcetype/';
let story: StoryLedger;
const ctx = () => ({ ledger: () => story.ledger, extensionVersion: '0.1.0' });
async function ask(message: unknown) {
  const request = parseRequest(message);
  if (!request) return null;
  return handleCredentialsRequest(request as Extract<Request, { type: `credentials.${string}` }>, ctx(), { kind: 'extension-page' });
}

beforeAll(async () => {
  story = await storyLedger('c2pa-credentials');
});
afterAll(() => story.ledger.close());

describe('credentials requests', () => {
  it('refuses malformed requests and content scripts', async () => {
    expect(await ask({ type: 'credentials.embed', documentKey: story.documentKey })).toBeNull();
    expect(await ask({ type: 'credentials.embed', documentKey: '', text: 'x' })).toBeNull();
    expect(await ask({ type: 'credentials.read', text: 5 })).toBeNull();
    const handle = createRequestHandler({ ledger: () => story.ledger, extensionVersion: '0.1.0' } as Parameters<typeof createRequestHandler>[0]);
    const page = { kind: 'content-script' as const, origins: new Set(['https://news.example.com']) };
    expect(await handle({ type: 'credentials.embed', documentKey: story.documentKey, text: STORY_TEXT }, page)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await handle({ type: 'credentials.read', text: STORY_TEXT }, page)).toMatchObject({ ok: false, code: 'forbidden' });
  });

  it('embeds the ledger record in the text, signed by the ledger key, and reads it back verified', async () => {
    const embedded = await ask({ type: 'credentials.embed', documentKey: story.documentKey, text: STORY_TEXT });
    if (!embedded || !embedded.ok || !('text' in embedded)) throw new Error(JSON.stringify(embedded));
    const own = await story.ledger.publicKey();
    expect(embedded).toMatchObject({ keyId: own.keyId, aiSentences: 3, reviews: 1 });
    expect(embedded.text.startsWith(STORY_TEXT)).toBe(true);
    expect([...embedded.text].length - [...STORY_TEXT].length).toBe(embedded.addedCharacters);

    const read = await ask({ type: 'credentials.read', text: embedded.text });
    if (!read || !read.ok || !('reading' in read)) throw new Error(JSON.stringify(read));
    expect(read.ownKey).toBe(true);
    const r = read.reading;
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
    const embedded = await ask({ type: 'credentials.embed', documentKey: story.documentKey, text: STORY_TEXT });
    if (!embedded?.ok || !('text' in embedded)) throw new Error('no text');
    const changed = embedded.text.replace(FERRY, FERRY.replace('Monday', 'Sunday'));
    const read = await ask({ type: 'credentials.read', text: changed });
    expect(read).toMatchObject({ ok: true, reading: { signatureValid: true, bindingValid: false, valid: false } });
  });

  it('signing again replaces the wrapper the text carries', async () => {
    const first = await ask({ type: 'credentials.embed', documentKey: story.documentKey, text: STORY_TEXT });
    if (!first?.ok || !('text' in first)) throw new Error('no text');
    const second = await ask({ type: 'credentials.embed', documentKey: story.documentKey, text: first.text });
    if (!second?.ok || !('text' in second)) throw new Error('no text');
    expect(findWrapper(second.text)).not.toBeNull();
    expect((await readText(second.text)).manifestLabel).toBe(second.manifestLabel);
    expect(second.aiSentences).toBe(3);
  });

  it('keeps one certificate with the key, for the key, and issues a new one when the key changed', async () => {
    const a = await ledgerCertificate(story.ledger);
    const b = await ledgerCertificate(story.ledger);
    expect(b.certificate.certificate).toBe(a.certificate.certificate);
    const cert = parseCertificate(a.certificate.certificate);
    expect(cert.subject).toContain('Ledgerline ledger key');
    expect(cert.issuer).not.toBe(cert.subject);
    const table = story.ledger.db.table<CertificateRow, string>('keys');
    await table.put({ ...a.certificate, keyId: 'another key' });
    const c = await ledgerCertificate(story.ledger);
    expect(c.certificate.keyId).toBe(a.key.keyId);
    expect(c.certificate.certificate).not.toBe(a.certificate.certificate);
    expect((await table.get(CERTIFICATE_ROW))?.certificate).toBe(c.certificate.certificate);
  });
});
