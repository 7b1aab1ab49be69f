/**
 * npm run eval:quality -- [--model DIR] [--dtype q4] [--variants N] [--max-new-tokens N]
 *                         [--only continue,fit] [--tasks FILE] [--out DIR] [--label TEXT]
 *                         [--server URL --server-model NAME [--api-key-env VAR]] [--no-grammar-ranking]
 *
 * With --server, the same tasks go to a newsroom's OpenAI-compatible server through the
 * extension's server engine (lib/engine/server-engine.ts) instead of the model folder, so its
 * model can be compared with the on-device one on the same tasks. The API key, if any, is read
 * from the environment variable VAR (never from the command line, which others can read).
 *
 * Runs the task set (tasks.json) through the extension's own engine in Node: EngineService with
 * its prompts, variant plans, cleaning and de-duplication, on the model folder DIR loaded by the
 * extension's loader (onnxruntime-node, CPU), and scores every variant (score/). Writes
 * quality-<model>-<dtype>[-label]-<time>.{json,md} under bench/results/. A benchmark, not a test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, homedir, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import '../../lib/english-strings';
import { cleanOutput } from '../../lib/engine/clean-output';
import { EngineService } from '../../lib/engine/engine-service';
import { preparePrompt, type PromptInput } from '../../lib/engine/prompts';
import type { TextGenerator } from '../../lib/engine/text-generator';
import { DTYPES, type Dtype } from '../../lib/engine/catalogue';
import type { GenerateRequest, GenerateServerMessage } from '../../lib/messaging';
import { DEFAULT_SETTINGS } from '../../lib/settings';
import { loadModelFolder, loadServerModel, type LoadedModel } from './model';
import { constraintLegend, markdownTable, summariseByAction, type TaskResult } from './report';
import { PLATFORM_LIMITS } from './score/constraints';
import { createGrammarChecker } from './score/checker';
import { scoreVariant } from './score/variant';
import { readTaskSet, type QualityTask } from './tasks';

const HARNESS_VERSION = 1;
/**
 * Two variants, not the extension's three: the greedy one and a sampled one are enough to see
 * distinct, clean variants (as in tests/e2e/real-model.e2e.ts), and keep a run of the whole set
 * to minutes on two shared cores. `--variants 3` measures exactly what the panel asks for.
 */
const EVAL_VARIANTS = 2;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`);
  return value;
}

function intArg(name: string, fallback: number, min: number, max: number): number {
  const text = arg(name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, got ${text}`);
  return n;
}

/** The request the content script would send for this task (lib/messaging GenerateRequest). */
function requestFor(task: QualityTask, variants: number): { request: GenerateRequest; prompt: PromptInput } {
  const { text } = task;
  let start = text.length;
  let end = text.length;
  if (task.select !== undefined) {
    start = text.indexOf(task.select);
    end = start + task.select.length;
  } else if (task.action !== 'continue' && task.action !== 'headline' && task.action !== 'summary') {
    // A rewrite of the whole field ("fit" without a selection is the whole post, as in the panel).
    start = 0;
  }
  const limit = task.platform ? PLATFORM_LIMITS[task.platform].limit : undefined;
  const request: GenerateRequest = {
    type: 'generate',
    requestId: task.id,
    fieldKey: `eval|${task.id}`,
    action: task.action,
    text,
    selectionStart: start,
    selectionEnd: end,
    variants,
    ...(limit !== undefined ? { limit } : {}),
  };
  const prompt: PromptInput = {
    action: task.action,
    text,
    caret: end,
    selection: start === end ? null : { start, end },
    ...(limit !== undefined ? { limit } : {}),
  };
  return { request, prompt };
}

/** Records each generation's raw text and token count (the engine only passes on cleaned text). */
function recording(generator: TextGenerator, calls: { raw: string; tokens: number }[]): TextGenerator {
  return {
    spec: generator.spec,
    ...(generator.continuesReplies !== undefined ? { continuesReplies: generator.continuesReplies } : {}),
    async generate(options) {
      let tokens = 0;
      const raw = await generator.generate({
        ...options,
        onToken: () => {
          tokens += 1;
          options.onToken?.();
        },
      });
      calls.push({ raw, tokens });
      return raw;
    },
    dispose: () => generator.dispose(),
  };
}

async function main(): Promise<void> {
  const modelDir = resolve(arg('--model') ?? join(process.env.LEDGERLINE_CACHE ?? join(homedir(), '.cache', 'ledgerline'), 'models', 'HuggingFaceTB', 'SmolLM2-135M-Instruct'));
  const dtypeArg = arg('--dtype');
  if (dtypeArg !== undefined && !(DTYPES as readonly string[]).includes(dtypeArg)) throw new Error(`--dtype must be one of ${DTYPES.join(', ')}`);
  const variants = intArg('--variants', EVAL_VARIANTS, 1, 5);
  const maxNewTokens = intArg('--max-new-tokens', DEFAULT_SETTINGS.maxNewTokens, 8, 1024);
  const taskFile = resolve(arg('--tasks') ?? 'bench/quality/tasks.json');
  const outDir = resolve(arg('--out') ?? 'bench/results');
  const label = arg('--label');
  if (label !== undefined && !/^[\w-]{1,40}$/.test(label)) throw new Error('--label may hold letters, digits, - and _ (at most 40)');
  const set = readTaskSet(taskFile);
  const only = arg('--only')?.split(',');
  const tasks = only ? set.tasks.filter((t) => only.includes(t.action) || only.includes(t.id)) : set.tasks;
  if (tasks.length === 0) throw new Error(`--only ${only?.join(',')} matches no task`);

  const serverUrl = arg('--server');
  const serverModel = arg('--server-model');
  if ((serverUrl === undefined) !== (serverModel === undefined)) throw new Error('--server and --server-model go together');
  const keyVariable = arg('--api-key-env');
  const model: LoadedModel =
    serverUrl !== undefined && serverModel !== undefined
      ? loadServerModel(serverUrl, serverModel, keyVariable === undefined ? '' : (process.env[keyVariable] ?? ''))
      : await loadModelFolder(modelDir, dtypeArg as Dtype | undefined);
  console.log(`${model.spec.modelId} ${model.spec.dtype} loaded in ${(model.loadMs / 1000).toFixed(1)} s (${model.reason})`);
  const calls: { raw: string; tokens: number }[] = [];
  const generator = recording(model.generator, calls);
  const checker = await createGrammarChecker();
  // The extension ranks "Fix grammar" variants with Harper; `--no-grammar-ranking` shows them unranked.
  const ranked = !process.argv.includes('--no-grammar-ranking');
  const engine = new EngineService(
    { resolveSpec: async () => ({ spec: model.spec, reason: model.reason }), load: async () => generator, ...(ranked ? { grammarCheck: (text: string) => checker.check(text) } : {}) },
    { maxNewTokens, timeoutMs: 30 * 60_000 },
  );
  const results: TaskResult[] = [];
  const startedAt = Date.now();

  for (const task of tasks) {
    const { request, prompt: promptInput } = requestFor(task, variants);
    const prompt = preparePrompt(promptInput);
    const budget = Math.min(prompt.maxNewTokens, maxNewTokens);
    const source = task.action === 'continue' ? prompt.contextBefore : prompt.sourceText;
    const sourceFindings = await checker.check(source);
    calls.length = 0;
    const offered: { text: string; call: { raw: string; tokens: number } }[] = [];
    let error: string | undefined;
    const began = performance.now();
    await engine.generate(request, undefined, (message: GenerateServerMessage) => {
      if (message.type === 'variant' && message.final) offered.push({ text: message.text, call: calls[calls.length - 1]! });
      if (message.type === 'error') error = message.message;
    });
    const totalMs = performance.now() - began;
    const stats = engine.stats().at(-1);
    const used = new Set(offered.map((o) => o.call));
    const cleanContext = {
      action: prompt.action,
      sourceText: prompt.sourceText,
      contextBefore: prompt.contextBefore,
      ...(prompt.limit !== undefined ? { limit: prompt.limit } : {}),
      continuesText: prompt.continuation !== undefined && generator.continuesReplies === true,
    };
    const result: TaskResult = {
      id: task.id,
      action: task.action,
      asked: variants,
      variants: [],
      dropped: calls
        .filter((c) => !used.has(c))
        .map((c) => ({
          raw: c.raw,
          tokens: c.tokens,
          why: cleanOutput(c.raw, { ...cleanContext, finished: c.tokens < budget }, { final: true }) ? 'duplicate' : 'empty',
        })),
      sourceFindings: sourceFindings.length,
      firstTokenMs: stats?.requestId === task.id ? stats.firstTokenMs : null,
      totalMs,
      tokens: calls.reduce((n, c) => n + c.tokens, 0),
      ...(error !== undefined ? { error } : {}),
    };
    for (const { text, call } of offered) {
      const endedByModel = call.tokens < budget;
      result.variants.push({
        text,
        raw: call.raw,
        tokens: call.tokens,
        endedByModel,
        score: scoreVariant({ task, source, output: text, raw: call.raw, endedByModel, sourceFindings, outputFindings: await checker.check(text) }),
      });
    }
    results.push(result);
    const valid = result.variants.filter((v) => v.score.valid).length;
    console.log(`${task.id}: ${result.variants.length}/${variants} variants, ${valid} valid, ${(totalMs / 1000).toFixed(1)} s${error ? ` ERROR ${error}` : ''}`);
  }
  await generator.dispose();

  const rows = summariseByAction(results);
  const date = new Date();
  const stamp = date.toISOString().replace(/[:.]/g, '-');
  const modelName = model.spec.modelId.split('/').at(-1)!.toLowerCase().replace(/[^\w.-]+/g, '-');
  const base = `quality-${modelName}-${model.spec.dtype}${label ? `-${label}` : ''}-${stamp}`;
  const meta = {
    harnessVersion: HARNESS_VERSION,
    taskSetVersion: set.version,
    date: date.toISOString(),
    label: label ?? null,
    model: {
      id: model.spec.modelId,
      ...(model.spec.device === 'server' ? { server: model.spec.host } : { folder: modelDir }),
      dtype: model.spec.dtype,
      reason: model.reason,
      loadMs: Math.round(model.loadMs),
    },
    settings: { variants, maxNewTokens, tasks: tasks.length, only: only ?? null, grammarRanking: ranked },
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, loadAverage: loadavg(), node: process.version },
    wallSeconds: Math.round((Date.now() - startedAt) / 1000),
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `${base}.json`), `${JSON.stringify({ ...meta, rows, tasks: results }, null, 2)}\n`);
  const md = [
    `# Suggestion quality: ${model.spec.modelId} (${model.spec.dtype})${label ? ` — ${label}` : ''}`,
    '',
    `${meta.date}; task set ${set.version} (${tasks.length} tasks), ${variants} variants of at most ${maxNewTokens} new tokens each (the action's own budget may be lower), ` +
      `${model.spec.device === 'server' ? `the server ${model.spec.host}, this client` : 'onnxruntime-node'} on ${meta.machine.cpus} CPUs (load ${meta.machine.loadAverage.map((l) => l.toFixed(1)).join(' ')}), ${meta.wallSeconds} s in all; ` +
      `"Fix grammar" variants ${ranked ? 'ranked by the checker, as in the extension' : 'not ranked (--no-grammar-ranking)'}. ` +
      '`npm run eval:quality`; definitions in bench/README.md.',
    '',
    markdownTable(rows, variants),
    '',
    `Constraints: ${constraintLegend(rows)}.`,
    '',
  ].join('\n');
  writeFileSync(join(outDir, `${base}.md`), md);
  console.log(`\n${md}\nwritten: ${join(outDir, base)}.{json,md}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
