/**
 * Proofreading speed (#14 part 3; budget: a 1,000-word field linted in ≤ 50 ms once Harper is
 * loaded). After one lint that loads and compiles Harper's WASM, the median of 20 lints of a
 * 1,000-word text in two cases:
 * - `whole field`: every paragraph new (a word changed in each), so all of it is linted;
 * - `after an edit`: one paragraph changed, as after a writer's pause (the others' findings are
 *   kept by the proofreader);
 * each measured twice:
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

function thousandWordParagraphs(): string[] {
  const words: string[] = [];
  const paragraphs: string[] = [];
  for (let i = 0; words.length < WORDS; i++) {
    const paragraph = PARAGRAPHS[i % PARAGRAPHS.length]!.split(' ').slice(0, WORDS - words.length);
    words.push(...paragraph);
    paragraphs.push(paragraph.join(' '));
  }
  return paragraphs;
}

/** The field with each paragraph marked `(mark(index))` in its first sentence: a new mark is a changed paragraph. */
function fieldText(paragraphs: readonly string[], mark: (index: number) => number): string {
  return paragraphs.map((paragraph, index) => paragraph.replace('.', ` (${mark(index)}).`)).join('\n\n');
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

interface Timing {
  firstMs: number;
  wholeMs: number[];
  editMs: number[];
  lints: number;
}

/** One loading lint, then RUNS whole-field lints, then RUNS lints after a one-paragraph edit. */
async function timed(paragraphs: readonly string[], lint: (text: string) => Promise<unknown[]>): Promise<Timing> {
  let start = performance.now();
  const lints = (await lint(paragraphs.join('\n\n'))).length;
  const firstMs = performance.now() - start;
  const runs = { whole: [] as number[], edit: [] as number[] };
  for (const change of ['whole', 'edit'] as const) {
    // The edits start from a field linted whole once, as a writer's field is after its first pause;
    // run `run` changes one paragraph to text not linted before (the one changed before is back to
    // what was linted then).
    if (change === 'edit') await lint(fieldText(paragraphs, () => -1));
    for (let run = 0; run < RUNS; run++) {
      const text = fieldText(paragraphs, change === 'whole' ? () => run : (index) => (index === run % paragraphs.length ? RUNS + run : -1));
      start = performance.now();
      await lint(text);
      runs[change].push(performance.now() - start);
    }
  }
  return { firstMs, wholeMs: runs.whole, editMs: runs.edit, lints };
}

async function main(): Promise<void> {
  const paragraphs = thousandWordParagraphs();
  const text = paragraphs.join('\n\n');
  const proofreader = createProofreader(binaryInlined);
  const node = await timed(paragraphs, (input) => proofreader.lint(input));

  const browser = await launchExtension();
  let background: Timing;
  try {
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    background = await timed(paragraphs, async (input) => {
      const answer = (await askBackground(page, { type: 'proofread.lint', text: input })) as { ok: boolean; lints?: unknown[]; error?: string };
      if (!answer.ok || !answer.lints) throw new Error(`proofread.lint failed: ${answer.error}`);
      return answer.lints;
    });
  } finally {
    await browser.close();
  }

  const summary = (timing: Timing) => ({ ...timing, wholeMedianMs: median(timing.wholeMs), editMedianMs: median(timing.editMs) });
  const result = {
    at: new Date().toISOString(),
    words: text.split(/\s+/).length,
    characters: text.length,
    paragraphs: paragraphs.length,
    runs: RUNS,
    node: summary(node),
    background: summary(background),
    budgetMs: 50,
  };
  const round = (n: number) => n.toFixed(1);
  const table = [
    `# Proofreading (Harper): lint of a ${result.words}-word text in ${result.paragraphs} paragraphs`,
    '',
    `${result.at}; after one first lint (which loads Harper), the median of ${RUNS} lints with every paragraph new (whole field) and of ${RUNS} with one paragraph changed (after an edit). Budget: ≤ ${result.budgetMs} ms after load.`,
    '',
    '| where | first lint (ms) | whole field, median (ms) | after an edit, median (ms) | lints found |',
    '|---|---:|---:|---:|---:|',
    `| node (harper.js in process) | ${round(node.firstMs)} | ${round(result.node.wholeMedianMs)} | ${round(result.node.editMedianMs)} | ${node.lints} |`,
    `| background (proofread.lint round trip, headless Chromium) | ${round(background.firstMs)} | ${round(result.background.wholeMedianMs)} | ${round(result.background.editMedianMs)} | ${background.lints} |`,
    '',
  ].join('\n');
  await mkdir(OUT, { recursive: true });
  await writeFile(join(OUT, 'proofread.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(OUT, 'proofread.md'), table);
  console.log(table);
}

await main();
