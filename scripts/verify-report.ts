/**
 * Verify a Ledgerline per-document report, or the Content Credentials of a copied text, without the extension.
 *   npm run verify -- report.json [--json]
 *   npm run verify -- --text copied.txt [report.json] [--json]
 * The same verifiers run in the offline report checker page (report-verifier.html) and the audit page.
 * Exit code 0 when what was given verifies, 1 when it does not, 2 on usage errors.
 */
import { readFile } from 'node:fs/promises';
import { readText } from '../lib/c2pa/manifest';
import { verifyReport } from '../lib/ledger/report-verify';
import { describeReading, textVerdict } from './verify-text';

async function verifyText(textFile: string, reportFile: string | undefined, json: boolean): Promise<number> {
  let text: string;
  let expectedKeyId: string | null = null;
  try {
    text = await readFile(textFile, 'utf8');
    if (reportFile) expectedKeyId = (JSON.parse(await readFile(reportFile, 'utf8')) as { signature?: { keyId?: string } }).signature?.keyId ?? null;
  } catch (err) {
    const message = `cannot read ${reportFile ?? textFile}: ${err instanceof Error ? err.message : String(err)}`;
    console.log(json ? JSON.stringify({ ok: false, problems: [message] }) : `NOT VERIFIED\n  - ${message}`);
    return 1;
  }
  const reading = await readText(text);
  const ok = textVerdict(reading) === 'VERIFIED' && (expectedKeyId === null || reading.signer?.keyId === expectedKeyId);
  if (json) console.log(JSON.stringify({ ok, verdict: textVerdict(reading), ...reading }, null, 2));
  else console.log(describeReading(reading, expectedKeyId).join('\n'));
  return ok ? 0 : 1;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const textAt = args.indexOf('--text');
  const textFile = textAt >= 0 ? args[textAt + 1] : undefined;
  const file = args.find((a, i) => !a.startsWith('--') && (textAt < 0 || i !== textAt + 1));
  if (textAt >= 0) {
    if (!textFile || textFile.startsWith('--')) {
      console.error('usage: npm run verify -- --text copied.txt [report.json] [--json]');
      return 2;
    }
    return verifyText(textFile, file, json);
  }
  if (!file) {
    console.error('usage: npm run verify -- report.json [--json]\n       npm run verify -- --text copied.txt [report.json] [--json]');
    return 2;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    const message = `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`;
    console.log(json ? JSON.stringify({ ok: false, problems: [message] }) : `NOT VERIFIED\n  - ${message}`);
    return 1;
  }
  const result = await verifyReport(parsed);
  if (json) {
    console.log(JSON.stringify(result, null, 2));
    return result.ok ? 0 : 1;
  }
  const f = result.facts;
  if (result.ok) {
    console.log('VERIFIED');
    console.log(`  document:  ${f.document}`);
    console.log(`  signed by: ${f.algorithm} key ${f.signerKeyId}`);
    console.log(`  chain:     ${f.entries} entries to signed head #${f.headSeq}, ${f.documentEntries} for this document` + (f.pruned ? `, ${f.pruned} pruned by retention (signed checkpoint)` : ''));
    console.log(`  line:      ${f.line}`);
    console.log(`  statement: ${f.statement}`);
    console.log('  The key is carried in the report itself (self-issued by the writer’s browser, certified by no one):');
    console.log('  compare its id with the one your newsroom keeps for this writer.');
  } else {
    console.log('NOT VERIFIED');
    // The check that failed and the entry it concerns, as the report checker page shows them.
    for (const p of result.failures) console.log(`  - [${p.check}${p.entry !== null ? `, entry ${p.entry}` : ''}] ${p.message}${p.at ? ` (at ${p.at})` : ''}`);
  }
  return result.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(2);
  },
);
