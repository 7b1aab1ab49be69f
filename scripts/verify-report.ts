/**
 * Verify a Ledgerline per-document report without the extension.
 *   npm run verify -- report.json [--json]
 * The same verifier runs in the offline report checker page (report-verifier.html) and the audit page.
 * Exit code 0 when the report verifies, 1 when it does not, 2 on usage errors.
 */
import { readFile } from 'node:fs/promises';
import { verifyReport } from '../lib/ledger/report-verify';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    console.error('usage: npm run verify -- report.json [--json]');
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
