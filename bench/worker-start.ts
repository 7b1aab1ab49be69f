/**
 * Service-worker start benchmark: how long the first answer takes when Chrome has stopped the
 * background (as it does after 30 s idle), against an answer from a running one. The first
 * message after idle (a writer's pause, the popup) waits for the whole background script to be
 * evaluated, so this is what its size costs.
 *
 *   npm run bench:worker-start                   (= wxt build && tsx bench/worker-start.ts)
 *   npx tsx bench/worker-start.ts --rounds 30 --extension .output/chrome-mv3 --out bench/results
 *
 * Per round: CDP `ServiceWorker.stopAllWorkers`, wait until the worker reports stopped, then time
 * `chrome.runtime.sendMessage({ type: 'engine.status' })` from an extension page (cold); then the
 * same message again (warm). `--extension DIR` measures another build (an older commit's
 * `.output/chrome-mv3`), so two builds compare on one machine.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { EXTENSION_DIR, launchExtension, openExtensionPage } from '../tests/e2e/support/browser';
import { staticImportGraph } from '../tests/support/module-graph';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 && args[index + 1] ? args[index + 1]! : fallback;
};
const ROUNDS = Number(option('rounds', '30'));
const EXTENSION = resolve(option('extension', EXTENSION_DIR));
const OUT = resolve(option('out', 'bench/results'));

/** Background.js and the chunks it imports: what each start of the worker evaluates. */
function backgroundModules(dir: string): { files: number; bytes: number; gzipKb: number } {
  const graph = staticImportGraph(dir, 'background.js');
  return {
    files: graph.length,
    bytes: graph.reduce((n, m) => n + m.source.length, 0),
    gzipKb: graph.reduce((n, m) => n + gzipSync(m.source, { level: 9 }).length, 0) / 1024,
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))]!;

async function main() {
  const { files, bytes, gzipKb } = backgroundModules(EXTENSION);

  const browser = await launchExtension({ extensionDir: EXTENSION });
  // The report checker sends nothing of its own (the popup asks the worker every second and would
  // start it again between rounds), yet as an extension page it can message the background.
  const page = await openExtensionPage(browser, 'report-verifier.html');
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  let running = true;
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }: { versions: { runningStatus: string }[] }) => {
    running = versions.some((v) => v.runningStatus !== 'stopped');
  });
  const ask = () =>
    page.evaluate(async () => {
      const t0 = performance.now();
      await (globalThis as unknown as { chrome: { runtime: { sendMessage(m: object): Promise<unknown> } } }).chrome.runtime.sendMessage({ type: 'engine.status' });
      return performance.now() - t0;
    });

  const cold: number[] = [];
  const warm: number[] = [];
  await ask(); // the first start after install is not what a writer meets later
  for (let round = 0; round < ROUNDS; round++) {
    await cdp.send('ServiceWorker.stopAllWorkers');
    const deadline = Date.now() + 10_000;
    while (running && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (running) throw new Error('the service worker did not stop');
    await new Promise((r) => setTimeout(r, 200)); // let the stop settle before the next start
    cold.push(await ask());
    warm.push(await ask());
  }
  await browser.close();

  const result = {
    date: new Date().toISOString(),
    extension: relative(process.cwd(), EXTENSION) || '.',
    backgroundFiles: files,
    backgroundBytes: bytes,
    backgroundGzipKb: Number(gzipKb.toFixed(1)),
    rounds: ROUNDS,
    coldMs: { median: Number(median(cold).toFixed(1)), p90: Number(percentile(cold, 90).toFixed(1)) },
    warmMs: { median: Number(median(warm).toFixed(2)), p90: Number(percentile(warm, 90).toFixed(2)) },
  };
  const md = [
    `# Service-worker start (${result.date.slice(0, 10)})`,
    '',
    `Build: \`${result.extension}\` — background.js and the ${files - 1} chunks it imports: ${(bytes / 1024).toFixed(0)} KB (${result.backgroundGzipKb} KB gzip, file by file)`,
    '',
    '| First answer | median | p90 |',
    '|---|---|---|',
    `| stopped worker (cold start) | ${result.coldMs.median} ms | ${result.coldMs.p90} ms |`,
    `| running worker | ${result.warmMs.median} ms | ${result.warmMs.p90} ms |`,
    '',
    `${ROUNDS} rounds, engine.status from an extension page, headless Chromium.`,
    '',
  ].join('\n');
  await mkdir(OUT, { recursive: true });
  await writeFile(join(OUT, 'worker-start.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(OUT, 'worker-start.md'), md);
  process.stdout.write(md);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
