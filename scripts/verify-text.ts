/**
 * The Content Credentials of a text, read back and checked (`npm run verify -- --text file.txt`):
 * the C2PA manifest embedded in it (Annex A.8 wrapper), its signature, and its hard binding
 * against the text. The same code runs in the offline report checker page.
 */
import type { TextCredentialReading } from '../lib/c2pa/manifest';

const IPTC = 'http://cv.iptc.org/newscodes/digitalsourcetype/';

export function textVerdict(r: TextCredentialReading): 'VERIFIED' | 'TEXT CHANGED' | 'NOT VERIFIED' | 'NO CREDENTIALS' {
  if (!r.found) return 'NO CREDENTIALS';
  if (r.valid && r.signatureValid && r.bindingValid && r.chainValid) return 'VERIFIED';
  if (r.signatureValid && !r.bindingValid) return 'TEXT CHANGED';
  return 'NOT VERIFIED';
}

/** Plain lines for the terminal; `expectedKeyId`: the key a report signed with, when one was given too. */
export function describeReading(r: TextCredentialReading, expectedKeyId: string | null = null): string[] {
  const verdict = textVerdict(r);
  const lines = [`${verdict} (Content Credentials in the text)`];
  if (!r.found) return [...lines, `  - ${r.problem ?? 'nothing to read'}`];
  lines.push(`  signature: ${r.signatureValid ? 'valid' : 'does NOT verify'}`);
  lines.push(`  text:      ${r.bindingValid ? 'unchanged since it was signed (hard binding matches the NFC text)' : 'CHANGED since it was signed (hard binding does not match)'}`);
  lines.push(`  manifest:  ${r.manifestLabel ?? '–'}${r.claimGenerator ? `, made by ${r.claimGenerator}` : ''}${r.title ? `, title “${r.title}”` : ''}`);
  if (r.signer) {
    lines.push(`  signed by: ${r.signer.subject}, key ${r.signer.keyId}`);
    lines.push(`             issued by ${r.signer.issuer}${r.chainValid ? '' : ' (the issuer’s signature on it does NOT verify)'}`);
    lines.push('  The certificate is self-issued by the writer’s Ledgerline and on no C2PA trust list: compare the key id with the one your newsroom keeps.');
  }
  if (expectedKeyId !== null) lines.push(`  report:    ${r.signer?.keyId === expectedKeyId ? 'signed by the same key as the report' : `signed by ANOTHER key than the report (${expectedKeyId})`}`);
  lines.push('  actions:');
  for (const a of r.actions) {
    const type = a.digitalSourceType ? ` ${a.digitalSourceType.replace(IPTC, '')}` : '';
    lines.push(`    - ${a.action}${type}${a.softwareAgent ? ` (${a.softwareAgent})` : ''}${a.description ? `: ${a.description}` : ''}`);
  }
  if (r.review) {
    lines.push('  review:');
    if (!r.review.reviews.length) lines.push('    - none recorded');
    for (const x of r.review.reviews) {
      lines.push(`    - ${x.reviewer.name}${x.reviewer.role ? ` (${x.reviewer.role})` : ''}, ${x.when}: ${x.outcomes.kept} kept, ${x.outcomes.amended} amended, ${x.outcomes.rejected} rejected${x.note ? ` — “${x.note}”` : ''}`);
    }
    lines.push(`    AI sentences no review saw as they are now: ${r.review.unreviewedAiSentences} of ${r.review.aiSentences}`);
  }
  for (const e of r.errors) lines.push(`  - [${e.code}]${e.explanation ? ` ${e.explanation}` : ''}`);
  return lines;
}
