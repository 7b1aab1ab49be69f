/**
 * Audit benchmark: attribution of a 5,000-sentence document against a 100,000-entry ledger.
 *   npx tsx bench/audit.ts [--entries 100000] [--sentences 5000] [--runs 7] [--node-only]
 * Runs in Debian Chromium (the product's environment; bundled with esbuild, loaded in a page on
 * 127.0.0.1) and in Node, and writes bench/results/audit.json and audit.md.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { startStaticServer } from '../scripts/static-server';
import { runAuditBench, type AuditBenchOptions, type AuditBenchResult } from './audit-core';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const options: AuditBenchOptions = {
  entries: arg('entries', 100_000),
  documentSentences: arg('sentences', 5_000),
  runs: arg('runs', 7),
  seed: arg('seed', 42),
};
const TARGET_MS = 200;

async function inChromium(): Promise<AuditBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-bench-'));
  await build({
    entryPoints: [resolve('bench/audit-page.ts')],
    bundle: true,
    format: 'iife',
    target: 'es2022',
    outfile: join(dir, 'bench.js'),
    logLevel: 'warning',
  });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>audit bench</title><script src="bench.js"></script>');
  const server = await startStaticServer(dir);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--enable-precise-memory-info'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/index.html`);
    const version = browser.version();
    return await page.evaluate(
      ([o, env]) => (globalThis as unknown as { runAuditBench: typeof runAuditBench }).runAuditBench(o, env),
      [options, `Chromium ${version} (headless, page on 127.0.0.1)`] as const,
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

function table(results: AuditBenchResult[]): string {
  const rows = results.map(
    (r) =>
      `| ${r.environment} | ${r.entries.toLocaleString('en')} (${r.loggedSentences.toLocaleString('en')} sentences) | ${r.documentSentences.toLocaleString('en')} | **${r.medianMs} ms** | ${r.minMs} ms | ${r.firstRunMs} ms | ${r.indexBuildMs.toLocaleString('en')} ms | ${r.scored.toLocaleString('en')} | ${r.heapUsedMB ?? '–'} MB |`,
  );
  return [
    `# bench:audit`,
    '',
    `Attribution of a ${options.documentSentences.toLocaleString('en')}-sentence document against a ${options.entries.toLocaleString('en')}-entry ledger through the in-memory LSH index (target ≤ ${TARGET_MS} ms in Chromium). Median of ${options.runs} runs after one warm-up; ${cpus().length} CPU cores shared with other work.`,
    '',
    '| Environment | Ledger | Document sentences | Median | Best | First run | Index build (once) | Word alignments | JS heap |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Document mix: 20% verbatim logged sentences, 20% edited (~20% of words changed), 60% new same-topic sentences. Counts (last run): ${JSON.stringify(results[0]!.counts)}.`,
    `Quality at this scale: verbatim recall ${results[0]!.quality.verbatimRecall}, edited recall ${results[0]!.quality.editedRecall} (attributed to their true source), new sentences attributed ${results[0]!.quality.newAttributed} (the synthetic grammar is small: at 150,000 logged sentences some new ones are genuine near-duplicates of logged ones).`,
    ...results.map((r) => `Phases (${r.environment.split(' (')[0]}, mean ms): ${Object.entries(r.phasesMs).map(([k, v]) => `${k} ${v}`).join(', ')}.`),
    '"First run" is the first attribution after the index is built (it compacts the band postings and warms the JIT); the background would do that once when it loads the index.',
    '',
  ].join('\n');
}

async function main() {
  const results: AuditBenchResult[] = [];
  if (!process.argv.includes('--node-only')) {
    const chromiumResult = await inChromium();
    console.log(chromiumResult);
    results.push(chromiumResult);
  }
  const nodeResult = await runAuditBench(options, `Node ${process.version}`);
  console.log(nodeResult);
  results.push(nodeResult);
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/audit.json', `${JSON.stringify({ date: new Date().toISOString(), options, targetMs: TARGET_MS, results }, null, 2)}\n`);
  const md = table(results);
  await writeFile('bench/results/audit.md', md);
  console.log(md);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
