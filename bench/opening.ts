/**
 * How often the panel opens on its own: a scripted writing session typed into a textarea of the
 * demo page with the built extension (Debian's Chromium, headless, the tiny model), counted as
 * panel openings per 100 words typed, for the default rule and for `pauseMinWords: 0`.
 *
 *   npm run bench:opening                      (= wxt build && tsx bench/opening.ts)
 *   npx tsx bench/opening.ts --seed 7 --out bench/results
 *
 * The session (seeded, the same every run): three paragraphs of newsroom prose, typed key by key
 * 40 ms apart (faster than a writer, which changes nothing: only gaps longer than the pause delay
 * count). Pauses, drawn per word: after a sentence end, half the time, 1.5–3 s; after a paragraph,
 * always, 2–5 s; after any other word, 1 in 10, 1.5–5 s (a thinking pause mid-sentence). Every
 * pause is longer than the pause delay (900 ms, the default), so the former behaviour, which
 * opened on each pause, is the count of pauses. The writer never uses the panel: typing on closes it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { mulberry32 } from '../lib/seeded';
import { startModelHost } from '../scripts/model-host';
import { startStaticServer } from '../scripts/static-server';
import { TINY_MODEL_ID, TINY_MODEL_ROOT } from '../tests/support/tiny-model';
import { askBackground, launchExtension, setSettings } from '../tests/e2e/support/browser';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 && args[index + 1] ? args[index + 1]! : fallback;
};
const SEED = Number(option('seed', '7'));
const OUT = resolve(option('out', 'bench/results'));
const PAUSE_DELAY_MS = 900;
const KEY_DELAY_MS = 40;

const SESSION = [
  'The city council voted late on Tuesday to postpone the transport budget until the spring. Members said they needed more time to study the cost of the new bus routes, which would link the eastern estates to the hospital for the first time. Residents who had waited three hours to speak were angry. One woman said the delay would cost her another winter of two buses and a long walk in the dark to reach her shift.',
  'The mayor defended the decision in a short statement after the meeting. She said the council could not approve a plan whose price had risen by a fifth in six months, and that the operator had still not explained why. Opposition members called the vote a way to avoid a hard choice before the election. They pointed out that the same figures had been on the table since September and that nobody had asked for a new study then.',
  'What happens next depends on the operator. Its managers are due to present revised figures to the finance committee in February, and the council has asked for an independent review of the fuel and staff costs. If the numbers hold, a final vote could come in March. Until then the old timetable stays in place, and the eastern estates keep the single route that runs every forty minutes.',
];

interface Step {
  text: string;
  pauseMs: number;
}

/** The session as typed chunks, each followed by a pause (0 for none). */
function script(seed: number): { steps: Step[]; words: number; pauses: number } {
  const random = mulberry32(seed);
  const between = (low: number, high: number) => Math.round(low + (high - low) * random());
  const steps: Step[] = [];
  let words = 0;
  let pauses = 0;
  SESSION.forEach((paragraph, index) => {
    const tokens = paragraph.split(' ');
    tokens.forEach((word, at) => {
      words += 1;
      const last = at === tokens.length - 1;
      const text = (index > 0 && at === 0 ? '\n' : at > 0 ? ' ' : '') + word;
      let pauseMs = 0;
      if (last) pauseMs = between(2000, 5000);
      else if (/[.!?]$/.test(word)) pauseMs = random() < 0.5 ? between(1500, 3000) : 0;
      else if (random() < 0.1) pauseMs = between(1500, 5000);
      if (pauseMs > 0) pauses += 1;
      steps.push({ text, pauseMs });
    });
  });
  return { steps, words, pauses };
}

/** Counts the panel's appearances (its host element added to the page). */
const COUNT_OPENINGS = () => {
  const scope = window as unknown as { openings: number };
  scope.openings = 0;
  new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) if ((node as Element).localName === 'ledgerline-panel') scope.openings++;
  }).observe(document.documentElement, { childList: true });
};

async function session(page: Page, origin: string, steps: Step[]): Promise<number> {
  await page.goto(`${origin}/index.html`);
  await page.evaluate(COUNT_OPENINGS);
  const story = page.locator('#story');
  // An empty story: every word of the session is a new word.
  await story.evaluate((element: HTMLTextAreaElement) => (element.value = ''));
  await story.click();
  for (const step of steps) {
    await page.keyboard.type(step.text, { delay: KEY_DELAY_MS });
    if (step.pauseMs > 0) await page.waitForTimeout(step.pauseMs);
  }
  return page.evaluate(() => (window as unknown as { openings: number }).openings);
}

async function main() {
  const { steps, words, pauses } = script(SEED);
  const demo = await startStaticServer(resolve('scripts/demo'));
  const host = await startModelHost({ root: TINY_MODEL_ROOT });
  const browser = await launchExtension();
  const rows: { rule: string; openings: number; per100Words: number }[] = [];
  try {
    const base = { modelHost: host.origin, modelId: TINY_MODEL_ID, variants: 1, pauseDelayMs: PAUSE_DELAY_MS };
    await setSettings(browser.worker, base);
    // The model loaded first: an opening is not delayed by a download.
    const popup = await browser.context.newPage();
    await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    await askBackground(popup, { type: 'engine.warmUp' });
    for (const [rule, minWords] of [['default (25 new words)', 25], ['pauseMinWords 0', 0]] as const) {
      await setSettings(browser.worker, { ...base, pauseMinWords: minWords });
      const page = await browser.context.newPage();
      const openings = await session(page, demo.origin, steps);
      await page.close();
      rows.push({ rule, openings, per100Words: (openings * 100) / words });
    }
  } finally {
    await browser.close();
    await host.close();
    await demo.close();
  }
  const result = { date: new Date().toISOString(), seed: SEED, words, pauses, pauseDelayMs: PAUSE_DELAY_MS, formerPer100Words: (pauses * 100) / words, rows };
  const table = [
    `# Panel openings per 100 words typed (${result.date})`,
    '',
    `Scripted session (seed ${SEED}): ${words} words, ${pauses} pauses of 1.5–5 s, pause delay ${PAUSE_DELAY_MS} ms. Opening on every pause (the former behaviour) would be ${result.formerPer100Words.toFixed(1)} per 100 words.`,
    '',
    '| rule | openings | per 100 words |',
    '| --- | ---: | ---: |',
    ...rows.map((row) => `| ${row.rule} | ${row.openings} | **${row.per100Words.toFixed(1)}** |`),
    '',
  ].join('\n');
  await mkdir(OUT, { recursive: true });
  await writeFile(join(OUT, 'opening.json'), JSON.stringify(result, null, 2));
  await writeFile(join(OUT, 'opening.md'), table);
  console.log(table);
}

await main();
