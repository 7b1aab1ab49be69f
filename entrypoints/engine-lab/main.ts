/**
 * Engine lab: an unlisted extension page (not reachable from web pages) for diagnostics and
 * tests. It imports a model folder the way the options page will (written straight into the
 * extension's CacheStorage, no messaging), and runs the same model with bare transformers.js for
 * the benchmark (bench/engine.ts) — in an extension page, like the background, but without the
 * extension's request path.
 */
import {
  AutoModelForCausalLM,
  AutoTokenizer,
  InterruptableStoppingCriteria,
  TextStreamer,
  type PreTrainedModel,
} from '@huggingface/transformers';
import { cleanOutput } from '@/lib/engine/clean-output';
import { loadTransformersGenerator } from '@/lib/engine/text-generator';
import { variantPlans } from '@/lib/engine/variants';
import { openModelFileCache } from '@/lib/engine/model-file-cache';
import { filesFromInput, importModel, planImport } from '@/lib/engine/model-import';
import { configureTransformersEnv } from '@/lib/engine/runtime-env';

const result = document.querySelector<HTMLPreElement>('#result')!;
const modelIdInput = document.querySelector<HTMLInputElement>('#model-id')!;

async function importPicked(input: HTMLInputElement): Promise<void> {
  if (!input.files || input.files.length === 0) return;
  result.textContent = 'importing…';
  result.dataset.state = 'busy';
  try {
    const plan = planImport(filesFromInput(input.files));
    const imported = await importModel(openModelFileCache(), plan, { modelId: modelIdInput.value }, (done, total) => {
      result.textContent = `importing… ${done} / ${total} bytes`;
    });
    result.textContent = JSON.stringify(imported);
    result.dataset.state = 'done';
  } catch (error) {
    result.textContent = `error: ${error instanceof Error ? error.message : String(error)}`;
    result.dataset.state = 'error';
  }
}
for (const id of ['#folder', '#files']) {
  const input = document.querySelector<HTMLInputElement>(id)!;
  input.addEventListener('change', () => void importPicked(input));
}

export interface DirectRunOptions {
  host: string;
  modelId: string;
  revision: string;
  device: 'wasm' | 'webgpu';
  dtype: string;
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  maxNewTokens: number;
  runs: number;
  /** onnxruntime WASM threads, as the engine's wasmThreads test seam sets them in the model host. */
  wasmThreads?: number;
}

export interface DirectRun {
  ttftMs: number;
  tokens: number;
  totalMs: number;
  text: string;
}

let directModel: { tokenizer: Awaited<ReturnType<typeof AutoTokenizer.from_pretrained>>; model: PreTrainedModel; options: DirectRunOptions } | null = null;

/** Loads the model with bare transformers.js (kept for directRun until directDispose). */
async function directLoad(options: DirectRunOptions): Promise<{ loadMs: number }> {
  await directDispose();
  configureTransformersEnv({ remoteHost: options.host, cache: openModelFileCache(), forcedWasmThreads: options.wasmThreads });
  const loadStart = performance.now();
  const tokenizer = await AutoTokenizer.from_pretrained(options.modelId, { revision: options.revision });
  const model = await AutoModelForCausalLM.from_pretrained(options.modelId, {
    revision: options.revision,
    device: options.device,
    dtype: options.dtype as 'q8',
  });
  directModel = { tokenizer, model, options };
  return { loadMs: performance.now() - loadStart };
}

/** One timed greedy generation with the model directLoad loaded. */
async function directRun(): Promise<DirectRun> {
  if (!directModel) throw new Error('directLoad first');
  const { tokenizer, model, options } = directModel;
  const start = performance.now();
  let first: number | null = null;
  let tokens = 0;
  let text = '';
  const inputs = tokenizer.apply_chat_template(options.messages, { add_generation_prompt: true, return_dict: true }) as Record<string, unknown>;
  const streamer = new TextStreamer(tokenizer, {
    skip_prompt: true,
    skip_special_tokens: true,
    callback_function: (piece: string) => {
      if (piece && first === null) first = performance.now();
      text += piece;
    },
    token_callback_function: () => void (tokens += 1),
  });
  await model.generate({ ...inputs, max_new_tokens: options.maxNewTokens, do_sample: false, streamer } as Parameters<PreTrainedModel['generate']>[0]);
  const end = performance.now();
  return { ttftMs: (first ?? end) - start, tokens, totalMs: end - start, text };
}

async function directDispose(): Promise<void> {
  const loaded = directModel;
  directModel = null;
  await loaded?.model.dispose();
}

/**
 * The engine's own generator (lib/engine/text-generator + per-word output cleaning) in this page:
 * tells the engine's code from the service-worker context when the two differ.
 */
async function engineCodeRuns(options: DirectRunOptions): Promise<{ loadMs: number; runs: DirectRun[] }> {
  configureTransformersEnv({ remoteHost: options.host, cache: openModelFileCache(), forcedWasmThreads: options.wasmThreads });
  const loadStart = performance.now();
  const generator = await loadTransformersGenerator(
    { host: options.host, modelId: options.modelId, revision: options.revision, device: options.device, dtype: options.dtype },
    undefined,
    { seams: {} },
  );
  const loadMs = performance.now() - loadStart;
  const runs: DirectRun[] = [];
  const plan = variantPlans(1, 1)[0]!;
  try {
    for (let i = 0; i < options.runs; i++) {
      const start = performance.now();
      let first: number | null = null;
      let tokens = 0;
      const text = await generator.generate({
        messages: options.messages,
        plan,
        maxNewTokens: options.maxNewTokens,
        stopping: new InterruptableStoppingCriteria(),
        onToken: () => void (tokens += 1),
        onText: (soFar) => {
          if (cleanOutput(soFar, { action: 'continue', sourceText: '', contextBefore: '' }, { final: false }) && first === null) first = performance.now();
        },
      });
      const end = performance.now();
      runs.push({ ttftMs: (first ?? end) - start, tokens, totalMs: end - start, text });
    }
  } finally {
    await generator.dispose();
  }
  return { loadMs, runs };
}

Object.assign(globalThis, { ledgerlineLab: { directLoad, directRun, directDispose, engineCodeRuns } });
