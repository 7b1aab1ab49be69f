/**
 * Verify a Ledgerline per-document report without the extension.
 *   npm run verify -- report.json [--json]
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
    console.log(`  statement: ${f.statement}`);
    console.log('  Compare the key id with the one your newsroom published for this writer.');
  } else {
    console.log('NOT VERIFIED');
    for (const p of result.problems) console.log(`  - ${p}`);
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
