/**
 * Engine benchmark: time to first token and tokens per second through the full extension path
 * (content script → background service worker → panel) against the same model called directly
 * with transformers.js in an extension page, in the same Chromium run. WASM and WebGPU
 * (SwiftShader, i.e. WebGPU on the CPU) are measured separately, and WebGPU on the machine's
 * own GPU with `--backends gpu` (Chromium reaches it through Vulkan; bench/gpu/ runs this on a
 * GPU server that has neither Node nor Chromium).
 *
 *   npm run bench:engine                      # builds, then the tiny test model
 *   npx tsx bench/engine.ts --model /models/onnx-community/Qwen2.5-0.5B-Instruct [--model ...]
 *   options: --runs N (default 30; 3 on WebGPU)  --backends wasm,webgpu,gpu (default wasm,webgpu)
 *            --max-new-tokens N (default 48)
 *            --wasm-threads N (default: the engine's own choice, half the cores, at most 4)
 *            --out DIR (default bench/results)
 *
 * A model folder must sit at <root>/<org>/<name> in the hub layout (config.json, tokenizer
 * files, onnx/model*.onnx); it is served from a local host, nothing is downloaded.
 *
 * Both sides decode greedily (the engine's first variant is greedy; settings variants = 1) from
 * the same chat-templated prompt with the same token budget, so they generate the same tokens.
 * - Full path: t0 = the panel appears (the content script sends the request in the same task);
 *   first = first variant text in the panel; end = the panel shows the final variant.
 * - Direct: t0 = before apply_chat_template; first = first streamed text; end = generate() returned.
 * - TTFT = first − t0. Tokens/s = (tokens − 1) / (end − first): the decode rate after the first token.
 * - Cold and warm (the engine keeps the last prompt's keys and values): each measured run first
 *   writes a text the previous run did not have (the day in its first sentence changes, so only
 *   the instructions before it are reused: a new paragraph or field), then types a few more words
 *   in the same field and pauses again (warm: everything up to the new words is reused). The
 *   direct side has no such cache: it is compared with the cold runs.
 *   Tokens for the full path are counted by the engine (engine.stats), for direct by the streamer.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { preparePrompt } from '../lib/engine/prompts';
import type { EngineStats } from '../lib/messaging';
import { startModelHost, type ModelHost } from '../scripts/model-host';
import { startStaticServer } from '../scripts/static-server';
import { launchExtension, setSettings } from '../tests/e2e/support/browser';
import { engineRequest, openLab, setTestSeams } from '../tests/e2e/support/engine-helpers';
import { TINY_MODEL_DIR } from '../tests/support/tiny-model-location';

/** webgpu: WebGPU on SwiftShader (the CPU); gpu: WebGPU on the machine's GPU. */
type Backend = 'wasm' | 'webgpu' | 'gpu';

interface Sample {
  ttftMs: number;
  tokensPerSecond: number;
  tokens: number;
  totalMs: number;
  /** Full path only: the background's own view (engine.stats): model ready → first token, and decode rate. */
  engineTtftMs?: number;
  /** Full path only: request received by the background → model ready (settings, queue, model look-up). */
  engineStartMs?: number;
  engineTokensPerSecond?: number;
  /** Full path only: prompt tokens the engine did not read again (its kept prefix). */
  reusedPromptTokens?: number | null;
}

interface Row {
  model: string;
  backend: string;
  dtype: string;
  runs: number;
  /** Cold: a text the previous run did not leave cached. */
  extension: Summary;
  /** Warm: the same field a few words later (the prompt's prefix reused). */
  extensionWarm: Summary;
  direct: Summary;
  /** The engine's own generator code run in the extension page (not the service worker): tells code from context. */
  engineInPage: Summary;
  /** extension TTFT / direct TTFT (goal ≤ 1.10). */
  ttftRatio: number;
  /** extension tokens/s / direct tokens/s (goal ≥ 0.95). */
  tokensPerSecondRatio: number;
  sameText: boolean;
}

interface Summary {
  ttftMs: number;
  tokensPerSecond: number;
  tokens: number;
  engineTtftMs?: number;
  engineTokensPerSecond?: number;
  engineStartMs?: number;
  samples: Sample[];
}

function arg(name: string): string[] {
  const values: string[] = [];
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}` && argv[i + 1] !== undefined) values.push(argv[++i]!);
    else if (argv[i]!.startsWith(`--${name}=`)) values.push(argv[i]!.slice(name.length + 3));
  }
  return values;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

function summarise(samples: Sample[]): Summary {
  return {
    ttftMs: median(samples.map((s) => s.ttftMs)),
    tokensPerSecond: median(samples.map((s) => s.tokensPerSecond)),
    tokens: median(samples.map((s) => s.tokens)),
    ...(samples[0]?.engineTtftMs !== undefined
      ? {
          engineTtftMs: median(samples.map((s) => s.engineTtftMs!)),
          engineStartMs: median(samples.map((s) => s.engineStartMs!)),
          engineTokensPerSecond: median(samples.map((s) => s.engineTokensPerSecond!)),
        }
      : {}),
    samples,
  };
}

/**
 * Chromium lowers the priority of renderer processes without a visible page; the extension's
 * service worker lives in one while the writer types in a web page. `--foreground-extension`
 * switches that off, to tell the engine's own overhead from the OS scheduling on a busy machine.
 */
const FOREGROUND_ARGS = ['--disable-renderer-backgrounding', '--disable-background-timer-throttling', '--disable-backgrounding-occluded-windows'];

/** Longest wait for one suggestion (WebGPU on SwiftShader is slow). */
const STEP_TIMEOUT_MS = Number(process.env.BENCH_STEP_TIMEOUT_MS ?? 180_000);

const BASE_TEXT = 'The city council met on Tuesday to discuss the new budget.';
/** Cold runs alternate the day, so no run starts from the text the one before it left cached. */
const COLD_TEXTS = [BASE_TEXT, BASE_TEXT.replace('Tuesday', 'Monday')];
const TYPED = ' The mayor said';
/** What the writer types after the first suggestion, before pausing again (the warm run). */
const TYPED_MORE = ' that the vote';

/** Watches the panel in the page (open shadow root) and records when it appears, first shows text, and finishes. */
const PANEL_PROBE = `(() => {
  if (window.__benchProbe) return;
  const marks = {};
  const check = (root) => {
    const now = performance.now();
    if (marks.panel === undefined && root.querySelector('[data-testid=suggestion-panel]')) marks.panel = now;
    const text = root.querySelector('[data-testid=variant-text]');
    if (marks.first === undefined && text && text.textContent.trim()) marks.first = now;
    if (marks.end === undefined && root.querySelector('[data-testid=accept-variant]')) marks.end = now;
  };
  const watch = (host) => {
    if (!host.shadowRoot || host.__benchWatched) return;
    host.__benchWatched = true;
    new MutationObserver(() => check(host.shadowRoot)).observe(host.shadowRoot, { subtree: true, childList: true, characterData: true, attributes: true });
    check(host.shadowRoot);
  };
  new MutationObserver(() => document.querySelectorAll('ledgerline-panel').forEach(watch)).observe(document.documentElement, { subtree: true, childList: true });
  document.querySelectorAll('ledgerline-panel').forEach(watch);
  window.__benchProbe = { marks, reset() { for (const k of Object.keys(marks)) delete marks[k]; } };
})()`;

/** One suggestion through the panel: `base` (or the field as it is, when null) and then `typed`, typed at the end. */
async function fullPathRun(page: Page, lab: Page, base: string | null = BASE_TEXT, typed = TYPED): Promise<{ sample: Sample; text: string }> {
  await page.evaluate(PANEL_PROBE);
  const story = page.locator('#story');
  if (base !== null) await story.fill(base);
  await page.keyboard.press('Escape');
  await page.evaluate(() => (window as unknown as { __benchProbe: { reset(): void } }).__benchProbe.reset());
  await story.click();
  await page.keyboard.press('End');
  await page.keyboard.type(typed);
  await page.getByTestId('accept-variant').first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  const marks = await page.evaluate(
    () => (window as unknown as { __benchProbe: { marks: { panel?: number; first?: number; end?: number } } }).__benchProbe.marks,
  );
  const text = (await page.getByTestId('variant-text').first().textContent()) ?? '';
  const stats = (await engineRequest(lab, { type: 'engine.stats' })) as EngineStats[];
  const last = stats.at(-1)!;
  if (marks.panel === undefined || marks.first === undefined || marks.end === undefined) throw new Error(`panel marks missing: ${JSON.stringify(marks)}`);
  await page.keyboard.press('Escape');
  return {
    sample: {
      ttftMs: marks.first - marks.panel,
      tokensPerSecond: (last.tokens - 1) / ((marks.end - marks.first) / 1000),
      tokens: last.tokens,
      totalMs: marks.end - marks.panel,
      engineTtftMs: last.firstTokenMs ?? NaN,
      engineStartMs: last.loadMs,
      engineTokensPerSecond: (last.tokens - 1) / ((last.generateMs - (last.firstTokenMs ?? 0)) / 1000),
      reusedPromptTokens: last.reusedPromptTokens,
    },
    text,
  };
}

/** The WebGPU adapter an extension page gets, in words (vendor, architecture, description). */
async function gpuAdapterName(page: Page): Promise<string> {
  const name = await page.evaluate(async () => {
    const adapter = await (navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ info: Record<string, string> } | null> } }).gpu?.requestAdapter();
    return adapter ? [adapter.info.vendor, adapter.info.architecture, adapter.info.description].filter(Boolean).join(' ') : null;
  });
  if (!name) throw new Error('no WebGPU adapter on this machine');
  if (/swiftshader/i.test(name)) throw new Error(`no GPU adapter on this machine, only ${name} (bench/gpu/probe.ts tells why)`);
  return name;
}

interface DirectRun {
  ttftMs: number;
  tokens: number;
  totalMs: number;
  text: string;
}

async function benchModel(options: {
  modelId: string;
  host: ModelHost;
  backend: Backend;
  runs: number;
  maxNewTokens: number;
  foregroundExtension: boolean;
  wasmThreads?: number;
}): Promise<Row> {
  const { modelId, host, backend, runs, maxNewTokens } = options;
  const device = backend === 'wasm' ? 'wasm' : 'webgpu';
  const pages = await startStaticServer(resolve('scripts/demo'));
  const browser = await launchExtension({
    ...(backend === 'wasm' ? {} : { webgpu: backend === 'gpu' ? ('gpu' as const) : ('swiftshader' as const) }),
    ...(options.foregroundExtension ? { extraArgs: FOREGROUND_ARGS } : {}),
  });
  try {
    await setSettings(browser.worker, {
      modelHost: host.origin,
      modelId,
      device,
      variants: 1,
      pauseDelayMs: 200,
      // Every pause with new words opens the panel (the benchmark pauses mid-sentence).
      pauseMinWords: 0,
      maxNewTokens,
      generationTimeoutSeconds: 3600,
    });
    const lab = await openLab(browser);
    if (options.wasmThreads) await setTestSeams(lab, { wasmThreads: options.wasmThreads });
    const runtime = await engineRequest(lab, { type: 'engine.runtime' });
    if (!runtime.ok) throw new Error(runtime.error);
    if (runtime.device !== device) throw new Error(`wanted ${device}, the engine chose ${runtime.device}: ${runtime.reason}`);
    const adapter = backend === 'gpu' ? await gpuAdapterName(lab) : '';
    const warm = await engineRequest(lab, { type: 'engine.warmUp' });
    if (warm.state !== 'ready') throw new Error(`model did not load: ${JSON.stringify(warm)}`);

    // Direct: same prompt, same budget, same runtime and dtype, bare transformers.js in the lab
    // page. Both models stay loaded and the runs alternate (extension, direct, extension, ...),
    // so a busy machine slows both sides alike.
    const text = BASE_TEXT + TYPED;
    const prompt = preparePrompt({ action: 'continue', text, caret: text.length, selection: null });
    const lab2 = lab as Page;
    const callLab = <T>(fn: string, arg?: unknown) =>
      lab2.evaluate(
        ([name, value]) => (globalThis as unknown as { ledgerlineLab: Record<string, (v: unknown) => Promise<unknown>> }).ledgerlineLab[name]!(value),
        [fn, arg] as const,
      ) as Promise<T>;
    const labOptions = {
      host: host.origin,
      modelId,
      revision: runtime.revision,
      device,
      dtype: runtime.dtype,
      messages: prompt.messages,
      maxNewTokens: Math.min(prompt.maxNewTokens, maxNewTokens),
      wasmThreads: options.wasmThreads,
    };
    await callLab('directLoad', { ...labOptions, runs: 0 });
    const page = await browser.context.newPage();
    await page.goto(`${pages.origin}/index.html`);
    // One warm-up run each (shader compilation, caches), then the measured runs.
    await fullPathRun(page, lab);
    await callLab<DirectRun>('directRun');
    const extension: Sample[] = [];
    const extensionWarm: Sample[] = [];
    const directRuns: DirectRun[] = [];
    let extensionText = '';
    for (let i = 0; i < runs; i++) {
      await page.bringToFront();
      const { sample, text: shown } = await fullPathRun(page, lab, COLD_TEXTS[i % COLD_TEXTS.length]!);
      extension.push(sample);
      if (i % COLD_TEXTS.length === 0) extensionText = shown; // the text the direct side also writes
      extensionWarm.push((await fullPathRun(page, lab, null, TYPED_MORE)).sample);
      await lab.bringToFront();
      directRuns.push(await callLab<DirectRun>('directRun'));
    }
    await callLab('directDispose');
    await page.close();
    // The engine's generator (same code as the background's, per-word cleaning included) in this page.
    await lab.bringToFront();
    const inPage = await callLab<{ runs: DirectRun[] }>('engineCodeRuns', { ...labOptions, runs: runs + 1 });
    const asSamples = (list: DirectRun[]) =>
      list.map((r) => ({
        ttftMs: r.ttftMs,
        tokensPerSecond: (r.tokens - 1) / ((r.totalMs - r.ttftMs) / 1000),
        tokens: r.tokens,
        totalMs: r.totalMs,
      }));
    const ext = summarise(extension);
    const dir = summarise(asSamples(directRuns));
    return {
      model: modelId,
      backend: backend === 'gpu' ? `webgpu (${adapter})` : backend === 'webgpu' ? 'webgpu (SwiftShader)' : 'wasm',
      dtype: runtime.dtype,
      runs,
      extension: ext,
      extensionWarm: summarise(extensionWarm),
      direct: dir,
      engineInPage: summarise(asSamples(inPage.runs.slice(1))), // the first run warms up
      ttftRatio: ext.ttftMs / dir.ttftMs,
      tokensPerSecondRatio: ext.tokensPerSecond / dir.tokensPerSecond,
      // The panel shows cleaned text; the direct run's raw text must contain it.
      sameText: extensionText.trim().length > 0 && directRuns.every((r) => r.text.includes(extensionText.trim().split(/\s+/)[0]!)),
    };
  } finally {
    await browser.close();
    await pages.close();
  }
}

function markdown(rows: Row[], meta: Record<string, string>): string {
  const f = (n: number, d = 1) => n.toFixed(d);
  const lines = [
    `# Engine benchmark`,
    '',
    ...Object.entries(meta).map(([k, v]) => `- ${k}: ${v}`),
    '',
    '| model | backend | dtype | runs | TTFT ext, cold (ms) | TTFT ext, warm (ms) | TTFT direct (ms) | TTFT ratio cold (≤ 1.10) | tok/s ext | tok/s direct | tok/s ratio (≥ 0.95) | tokens | background: request → model ready (ms) | background alone: TTFT (ms) / tok/s | engine code in a page: tok/s |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.model} | ${r.backend} | ${r.dtype} | ${r.runs} | ${f(r.extension.ttftMs)} | ${f(r.extensionWarm.ttftMs)} | ${f(r.direct.ttftMs)} | ${f(r.ttftRatio, 2)} | ${f(r.extension.tokensPerSecond)} | ${f(r.direct.tokensPerSecond)} | ${f(r.tokensPerSecondRatio, 2)} | ${r.extension.tokens} / ${r.direct.tokens} | ${f(r.extension.engineStartMs ?? NaN)} | ${f(r.extension.engineTtftMs ?? NaN)} / ${f(r.extension.engineTokensPerSecond ?? NaN)} | ${f(r.engineInPage.tokensPerSecond)} |`,
    ),
    '',
    'Medians; every sample is in the JSON. The tiny model generates ~36 tokens in tens of milliseconds, so single runs swing widely on a shared machine: read its ratios as "overhead of a few ms", not as a rate. Extension and direct runs alternate so both see the same load. TTFT: request to first visible text (extension: panel shown → first variant text in the panel; direct: before apply_chat_template → first streamed text). Cold: a new text (only the instructions are reused); warm: the same field a few words later (the prompt up to the new words is reused); direct keeps no cache. tok/s: (tokens − 1) / (last − first). "Background alone" is the service worker clock (engine.stats, whole milliseconds); "engine code in a page" runs the generator code of the background in the extension page, to tell the cost of the code from the cost of running in the service worker.',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const backends = (arg('backends')[0] ?? 'wasm,webgpu').split(',') as Backend[];
  const runsArg = arg('runs')[0];
  const maxNewTokens = Number(arg('max-new-tokens')[0] ?? 48);
  const outDir = resolve(arg('out')[0] ?? 'bench/results');
  const foregroundExtension = process.argv.includes('--foreground-extension');
  const wasmThreads = arg('wasm-threads')[0] ? Number(arg('wasm-threads')[0]) : undefined;
  const models = [TINY_MODEL_DIR, ...arg('model').map((m) => resolve(m))];
  const rows: Row[] = [];
  const failures: string[] = [];
  for (const folder of models) {
    const modelId = `${basename(dirname(folder))}/${basename(folder)}`;
    const host = await startModelHost({ root: dirname(dirname(folder)) });
    try {
      for (const backend of backends) {
        const runs = Number(runsArg ?? (backend === 'webgpu' ? 3 : 30)); // SwiftShader is slow
        process.stderr.write(`${modelId} on ${backend}: ${runs} runs each...\n`);
        try {
          rows.push(await benchModel({ modelId, host, backend, runs, maxNewTokens, foregroundExtension, wasmThreads }));
        } catch (error) {
          failures.push(`${modelId} on ${backend}: ${error instanceof Error ? error.message : String(error)}`);
          process.stderr.write(`  failed: ${failures.at(-1)}\n`);
        }
      }
    } finally {
      await host.close();
    }
  }
  const meta = {
    date: new Date().toISOString(),
    browser: 'Debian Chromium (headless), built extension .output/chrome-mv3',
    machine: `${process.platform} ${process.arch}, ${(await import('node:os')).cpus().length} CPU cores (shared)`,
    maxNewTokens: String(maxNewTokens),
    rendererBackgrounding: foregroundExtension ? 'off (--foreground-extension)' : 'Chromium default',
    wasmThreads: wasmThreads ? `${wasmThreads} (--wasm-threads)` : 'the engine default (half the cores, at most 4)',
    ...(failures.length > 0 ? { failures: failures.join('; ') } : {}),
  };
  await mkdir(outDir, { recursive: true });
  const stamp = meta.date.replace(/[:.]/g, '-');
  const report = { meta, rows };
  await writeFile(join(outDir, `engine-${stamp}.json`), JSON.stringify(report, null, 2));
  const md = markdown(rows, meta);
  await writeFile(join(outDir, `engine-${stamp}.md`), md + '\n');
  console.log(md);
  console.log(`\nwritten: ${join(outDir, `engine-${stamp}.json`)} and .md`);
  if (rows.length === 0) process.exitCode = 1;
}

await main();
