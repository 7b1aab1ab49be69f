/**
 * Proofreading speed (#14 part 3; budget: a 1,000-word field linted in ≤ 50 ms once Harper is
 * loaded): the median of 20 lints of the same 1,000-word text, after one lint that loads and
 * compiles Harper's WASM, measured twice:
 * - `node`: harper.js in this process (its inlined binary), the linter alone;
 * - `background`: the built extension's `proofread.lint` asked from an extension page in
 *   headless Chromium (the round trip a content script's request makes, messaging included).
 *
 *   npm run bench:proofread           (= wxt build && tsx bench/proofread.ts)
 *   npx tsx bench/proofread.ts --out bench/results
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { binaryInlined } from 'harper.js/binaryInlined';
import { createProofreader } from '../lib/proofread/proofreader';
import { askBackground, launchExtension } from '../tests/e2e/support/browser';

const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const OUT = resolve(outIndex >= 0 && args[outIndex + 1] ? args[outIndex + 1]! : 'bench/results');
const RUNS = 20;
const WORDS = 1000;

// Newsroom prose with a few mistakes Harper finds ("an budget", "there" for "their", "teh").
const PARAGRAPHS = [
  'The city council voted late on Tuesday to postpone an budget for transport until the spring. Members said they needed more time to study the cost of the new bus routes, which would link the eastern estates to the hospital for the first time.',
  'Residents who had waited three hours to speak were angry. One woman said the delay would cost her another winter of two buses and a long walk in the dark to reach her shift, and that teh council had forgotten them.',
  'The mayor defended the decision in a short statement after the meeting. She said the council could not approve a plan whose price had risen by a fifth in six months, and that the operator had still not explained there figures.',
  'What happens next depends on the operator. Its managers are due to present revised figures to the finance committee in February, and the council has asked for an independent review of the fuel and staff costs.',
];

function thousandWords(): string {
  const words: string[] = [];
  const paragraphs: string[] = [];
  for (let i = 0; words.length < WORDS; i++) {
    const paragraph = PARAGRAPHS[i % PARAGRAPHS.length]!.split(' ').slice(0, WORDS - words.length);
    words.push(...paragraph);
    paragraphs.push(paragraph.join(' '));
  }
  return paragraphs.join('\n\n');
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function timed(lint: () => Promise<unknown>): Promise<{ firstMs: number; runsMs: number[]; result: unknown }> {
  let start = performance.now();
  const result = await lint();
  const firstMs = performance.now() - start;
  const runsMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    start = performance.now();
    await lint();
    runsMs.push(performance.now() - start);
  }
  return { firstMs, runsMs, result };
}

async function main(): Promise<void> {
  const text = thousandWords();
  const proofreader = createProofreader(binaryInlined);
  const node = await timed(() => proofreader.lint(text));
  const nodeLints = (node.result as unknown[]).length;

  const browser = await launchExtension();
  let background: Awaited<ReturnType<typeof timed>>;
  try {
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    background = await timed(async () => {
      const answer = (await askBackground(page, { type: 'proofread.lint', text })) as { ok: boolean; lints?: unknown[]; error?: string };
      if (!answer.ok) throw new Error(`proofread.lint failed: ${answer.error}`);
      return answer.lints;
    });
  } finally {
    await browser.close();
  }
  const backgroundLints = (background.result as unknown[]).length;

  const result = {
    at: new Date().toISOString(),
    words: text.split(/\s+/).length,
    characters: text.length,
    runs: RUNS,
    node: { firstMs: node.firstMs, medianMs: median(node.runsMs), runsMs: node.runsMs, lints: nodeLints },
    background: { firstMs: background.firstMs, medianMs: median(background.runsMs), runsMs: background.runsMs, lints: backgroundLints },
    budgetMs: 50,
  };
  const round = (n: number) => n.toFixed(1);
  const table = [
    `# Proofreading (Harper): lint of a ${result.words}-word text`,
    '',
    `${result.at}; ${RUNS} runs after one first lint (which loads Harper). Budget: ≤ ${result.budgetMs} ms after load.`,
    '',
    '| where | first lint (ms) | median (ms) | lints found |',
    '|---|---:|---:|---:|',
    `| node (harper.js in process) | ${round(result.node.firstMs)} | ${round(result.node.medianMs)} | ${nodeLints} |`,
    `| background (proofread.lint round trip, headless Chromium) | ${round(result.background.firstMs)} | ${round(result.background.medianMs)} | ${backgroundLints} |`,
    '',
  ].join('\n');
  await mkdir(OUT, { recursive: true });
  await writeFile(join(OUT, 'proofread.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(OUT, 'proofread.md'), table);
  console.log(table);
}

await main();
