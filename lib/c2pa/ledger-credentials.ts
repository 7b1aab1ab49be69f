import type { Ledger } from '../ledger';
import type { KeyRow } from '../ledger/db';
import { buildDocumentReport, type DocumentReport } from '../ledger/report';
import { isAiKind } from '../ledger/audit';
import { issueCertificate, type IssuedCertificate } from './certificate';
import { ledgerSigner, readText, signText, type CredentialAction, type TextCredentialContent, type TextCredentialReading } from './manifest';
import { stripWrapper } from './text-wrapper';

/**
 * Content Credentials for a document's text, from the ledger: the same record the signed report
 * is derived from (lib/ledger/report.ts), put in a C2PA manifest (manifest.ts) and signed with
 * the ledger key. The key's certificate is kept with the key (the `keys` table, row
 * 'c2pa-certificate'), issued on first use and again when the key changed or it nears its end.
 */
export const CERTIFICATE_ROW = 'c2pa-certificate';
const RENEW_BEFORE_MS = 30 * 86_400_000;

export interface CertificateRow extends IssuedCertificate {
  id: typeof CERTIFICATE_ROW;
  createdAt: number;
}

/** The ledger key and its certificate (issued now if there is none for this key). */
export async function ledgerCertificate(ledger: Ledger, now = Date.now()): Promise<{ key: KeyRow; certificate: CertificateRow }> {
  await ledger.publicKey(); // creates the key when the ledger has none yet
  const key = await ledger.db.keys.get('signing');
  if (!key) throw new Error('The ledger has no signing key');
  const table = ledger.db.table<CertificateRow, string>('keys');
  const stored = await table.get(CERTIFICATE_ROW);
  if (stored && stored.keyId === key.keyId && stored.notAfter - RENEW_BEFORE_MS > now) return { key, certificate: stored };
  const issued = await issueCertificate(key, { now });
  const row: CertificateRow = { id: CERTIFICATE_ROW, createdAt: now, ...issued };
  await table.put(row);
  return { key, certificate: row };
}

const pct = (n: number) => `${Math.round(n)}%`;

/** What the manifest says, from the signed report of the document and text. */
export function credentialContent(report: DocumentReport, extensionVersion: string): TextCredentialContent {
  const sentences = report.text?.sentences ?? [];
  const ai = sentences.filter((s) => isAiKind(s.category));
  const edited = ai.filter((s) => (s.changedPercent ?? 0) > 0);
  const documentType = report.document.digitalSourceType;
  const actions: CredentialAction[] = [
    {
      action: 'c2pa.created',
      ...(documentType ? { digitalSourceType: documentType } : {}),
      softwareAgent: { name: 'Ledgerline', version: extensionVersion },
      parameters: {
        description: ai.length
          ? `Text written with Ledgerline: ${ai.length} of ${sentences.length} sentences come from accepted AI suggestions`
          : `Text written with Ledgerline: none of its ${sentences.length} sentences matches an accepted AI suggestion`,
        'org.ledgerline.disclosure': report.disclosure.line,
      },
    },
    ...report.actions.map((a): CredentialAction => ({
      action: 'c2pa.edited',
      digitalSourceType: a.digitalSourceType,
      softwareAgent: { name: a.softwareAgent.name, version: a.softwareAgent.version },
      parameters: {
        description: a.parameters.description,
        'org.ledgerline.kind': a.action === 'c2pa.edited' ? 'rewrite of the writer’s text' : 'new text',
        'org.ledgerline.action': a.parameters['ledgerline.action'],
        'org.ledgerline.entry': a.parameters['ledgerline.entry'],
        'org.ledgerline.entryHash': a.parameters['ledgerline.entryHash'],
        'org.ledgerline.acceptedAt': a.when,
        'org.ledgerline.changes': a.changes.map((c) => c.description),
      },
    })),
  ];
  if (edited.length) {
    const mean = edited.reduce((n, s) => n + (s.changedPercent ?? 0), 0) / edited.length;
    actions.push({
      action: 'c2pa.edited',
      digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/humanEdits',
      parameters: {
        description: `The writer edited ${edited.length} AI ${edited.length === 1 ? 'sentence' : 'sentences'} after accepting ${edited.length === 1 ? 'it' : 'them'} (${pct(mean)} of words changed on average)`,
      },
    });
  }
  return {
    title: report.document.title,
    actions,
    review: {
      reviews: report.summary.reviews.map((r) => ({ entry: r.entry, reviewer: { ...r.reviewer }, when: r.when, sentences: r.sentences, outcomes: { ...r.outcomes }, note: r.note })),
      aiSentences: ai.length,
      unreviewedAiSentences: report.summary.unreviewedAiSentences ?? ai.length,
      ledger: { keyId: report.signature.keyId, documentTag: report.document.tag, headSeq: report.chain.head?.seq ?? null },
    },
  };
}

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

/** The document's text with its Content Credentials embedded (refused when the ledger does not verify). */
export async function embedCredentials(ledger: Ledger, documentKey: string, text: string, options: { extensionVersion: string }): Promise<EmbeddedText> {
  const plain = stripWrapper(text);
  const report = await buildDocumentReport(ledger, documentKey, { text: plain, extensionVersion: options.extensionVersion });
  const { key, certificate } = await ledgerCertificate(ledger);
  const content = credentialContent(report, options.extensionVersion);
  const signed = await signText(plain, content, ledgerSigner(key, certificate.certificate, certificate.root), {
    generator: { name: 'Ledgerline', version: options.extensionVersion },
  });
  return {
    text: signed.text,
    manifestLabel: signed.manifestLabel,
    manifestBytes: signed.manifestBytes,
    addedCharacters: [...signed.text].length - [...plain].length,
    keyId: key.keyId,
    aiSentences: content.review.aiSentences,
    reviews: content.review.reviews.length,
  };
}

/** Read and check the credentials in a text; `ownKey`: signed by this ledger's key (or one it trusts). */
export async function readCredentials(ledger: Ledger, text: string): Promise<{ reading: TextCredentialReading; ownKey: boolean }> {
  const reading = await readText(text);
  const known = reading.signer ? (await ledger.knownKeys()).some((k) => k.keyId === reading.signer!.keyId) : false;
  return { reading, ownKey: known };
}
