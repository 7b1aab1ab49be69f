import type { DocumentReport } from '../ledger/report';
import { isAiKind } from '../ledger/audit';
import type { CredentialAction, TextCredentialContent } from './manifest';

const pct = (n: number) => `${Math.round(n)}%`;

/**
 * What a text's Content Credentials say, from the signed report of the document and text
 * (lib/ledger/report.ts): the same facts, in the manifest's terms (manifest.ts). The background
 * derives it from the ledger; the audit page builds and signs the manifest.
 */
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
