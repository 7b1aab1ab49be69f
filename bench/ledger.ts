/**
 * Ledger append benchmark (target: median ≤ 20 ms from accept to durable, chained, signed).
 *   npx tsx bench/ledger.ts [--appends 200] [--prefill 1000] [--node-only]
 * Runs in Debian Chromium (real IndexedDB and WebCrypto Ed25519, page on 127.0.0.1) and in Node
 * (fake-indexeddb), and writes bench/results/ledger.json and ledger.md.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { chromium } from 'playwright-core';
import { startStaticServer } from '../scripts/static-server';
import { runLedgerBench, type LedgerBenchResult } from './ledger-core';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const options = { appends: arg('appends', 200), prefill: arg('prefill', 1000), seed: arg('seed', 7) };
const TARGET_MS = 20;

async function inChromium(): Promise<LedgerBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-bench-'));
  await build({ entryPoints: [resolve('bench/ledger-page.ts')], bundle: true, format: 'iife', target: 'es2022', outfile: join(dir, 'bench.js'), logLevel: 'warning' });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>ledger bench</title><script src="bench.js"></script>');
  const server = await startStaticServer(dir);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/index.html`);
    return await page.evaluate(
      ([o, env]) => (globalThis as unknown as { runLedgerBench: typeof runLedgerBench }).runLedgerBench(o, env),
      [options, `Chromium ${browser.version()} (headless, IndexedDB on disk)`] as const,
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

async function main() {
  const results: LedgerBenchResult[] = [];
  if (!process.argv.includes('--node-only')) results.push(await inChromium());
  results.push(await runLedgerBench(options, `Node ${process.version} (fake-indexeddb, in memory)`, { indexedDB: new IDBFactory(), IDBKeyRange }));
  for (const r of results) console.log(r);
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/ledger.json', `${JSON.stringify({ date: new Date().toISOString(), options, targetMs: TARGET_MS, results }, null, 2)}\n`);
  const md = [
    '# bench:ledger',
    '',
    `Append = accept → durable, chained, signed (segment + hash sentences, hash entry, sign head, one IndexedDB transaction). ${options.appends} appends after ${options.prefill} prefilled entries; target median ≤ ${TARGET_MS} ms. ${cpus().length} CPU cores shared with other work.`,
    '',
    '| Environment | Signature | Median | p95 | Min | Max | Verify whole chain |',
    '|---|---|---|---|---|---|---|',
    ...results.map((r) => `| ${r.environment} | ${r.algorithm} | **${r.medianMs} ms** | ${r.p95Ms} ms | ${r.minMs} ms | ${r.maxMs} ms | ${r.verifyMs} ms (${r.prefilled + r.appends} entries) |`),
    '',
  ].join('\n');
  await writeFile('bench/results/ledger.md', md);
  console.log(md);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
