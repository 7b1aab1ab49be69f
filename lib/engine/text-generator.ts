import {
  AutoConfig,
  AutoModelForCausalLM,
  AutoTokenizer,
  InterruptableStoppingCriteria,
  env,
  TextStreamer,
  random,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type ProgressInfo,
  type DynamicCache,
  type Tensor,
} from '@huggingface/transformers';
import { t } from '../i18n';
import { PromptPrefixCache } from './prompt-prefix-cache';
import type { ChatMessage, ReplyContinuation } from './prompts';
import type { EngineTestSeams } from './test-seams';

/**
 * Which model to run and how. `device: 'cpu'` is Node only (onnxruntime-node), used by tests;
 * `'builtin'` is the browser's own model through Chrome's Prompt API (lib/engine/prompt-api.ts);
 * `'server'` a newsroom's OpenAI-compatible server (lib/engine/server-engine.ts), `host` its API base.
 */
export interface ModelSpec {
  /** Model host in the hub's URL layout. Not part of a model's identity: files are cached without it. */
  host: string;
  modelId: string;
  revision: string;
  device: 'webgpu' | 'wasm' | 'cpu' | 'builtin' | 'server';
  dtype: string;
}

/**
 * Streamed text is passed on (model host → background → panel) at once for a variant's first words, then at most this often
 * (the final text always): a fast model would otherwise spend a message, a clean-up and a panel
 * render per word, and reading gains nothing from more than ~25 updates a second.
 */
export const STREAM_INTERVAL_MS = 40;

/**
 * Same model, revision and runtime (the host is not part of a model's identity: files are cached
 * without it), except on a server, which is where the model is.
 */
export function sameModel(a: ModelSpec, b: ModelSpec): boolean {
  return a.modelId === b.modelId && a.revision === b.revision && a.device === b.device && a.dtype === b.dtype && (a.device !== 'server' || a.host === b.host);
}

export interface SamplingPlan {
  do_sample: boolean;
  temperature?: number;
  top_k?: number;
  top_p?: number;
  seed: number;
}

export interface GenerateOptions {
  messages: ChatMessage[];
  /** The request as a reply to go on with; read only by a generator whose `continuesReplies` is true. */
  continuation?: ReplyContinuation;
  plan: SamplingPlan;
  maxNewTokens: number;
  /** Called with the decoded text so far, as whole words arrive. */
  onText?: (textSoFar: string) => void;
  /** Called once per generated token (first call = time to first token). */
  onToken?: () => void;
  /** Interrupts this generation when the caller cancels. */
  stopping: InterruptableStoppingCriteria;
  /** Registers a hook run when the caller cancels (for backends that cannot read `stopping` themselves); returns its removal. */
  onInterrupt?: (hook: () => void) => () => void;
}

/**
 * One loaded model (tokenizer + causal LM) behind a small interface: the rest of the engine
 * never touches transformers.js directly, so another backend can slot in.
 */
export interface TextGenerator {
  readonly spec: ModelSpec;
  /** Runs in a context of its own that `dispose()` discards: a GPU failure there does not outlive it. */
  readonly isolatedRuntime?: boolean;
  /** generate() goes on from `continuation.reply` when given one (its text is then exactly what follows the reply), or throws. */
  readonly continuesReplies?: boolean;
  generate(options: GenerateOptions): Promise<string>;
  /** Prompt tokens the last `generate` did not read again (a kept prefix was reused); absent where not tracked. */
  readonly lastReusedTokens?: number;
  dispose(): Promise<void>;
}

export type LoadProgress = (info: ProgressInfo) => void;

export interface LoadOptions {
  /** Node only: transformers.js' file cache folder (tests give each load its own). */
  cacheDir?: string;
  seams?: EngineTestSeams;
}

/** A failure of the WebGPU backend (adapter, shader compilation, device lost, out of memory). */
export class WebGpuFailure extends Error {
  override readonly name = 'WebGpuFailure';
}

export async function loadTransformersGenerator(
  spec: ModelSpec,
  onProgress?: LoadProgress,
  options: LoadOptions = {},
): Promise<TextGenerator> {
  const seams = options.seams ?? {};
  if (spec.device === 'webgpu' && seams.webgpuLoadFailure) throw new WebGpuFailure(seams.webgpuLoadFailure);
  const common = {
    revision: spec.revision,
    ...(onProgress ? { progress_callback: onProgress } : {}),
    ...(options.cacheDir ? { cache_dir: options.cacheDir } : {}),
  };
  // config.json first: a missing model then fails with "Could not locate file …" instead of the
  // tokenizer's unhelpful TypeError on an absent tokenizer_config.json.
  await AutoConfig.from_pretrained(spec.modelId, common);
  const tokenizer = await AutoTokenizer.from_pretrained(spec.modelId, common);
  const model = await AutoModelForCausalLM.from_pretrained(spec.modelId, {
    ...common,
    device: spec.device as 'webgpu' | 'wasm' | 'cpu',
    dtype: spec.dtype as 'fp32',
  });
  return new TransformersGenerator(spec, tokenizer, model, options.seams ? applyTestSeams(model, spec, options.seams) : undefined);
}

/**
 * Test seams around each forward pass (read at each step, so tests can change them live): waits
 * `prefillDelayMs` before a generation's first pass and `stepDelayMs` before every one; on WebGPU,
 * destroys the device before pass number `loseWebgpuDeviceAtStep` (a real device loss).
 */
function applyTestSeams(model: PreTrainedModel, spec: ModelSpec, seams: EngineTestSeams): { startGeneration(): void } {
  const forward = model.forward.bind(model);
  let step = 0;
  model.forward = async (inputs: Record<string, unknown>) => {
    step += 1;
    const delay = (step === 1 ? (seams.prefillDelayMs ?? 0) : 0) + (seams.stepDelayMs ?? 0);
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    if (spec.device === 'webgpu' && seams.loseWebgpuDeviceAtStep === step) {
      const webgpu = env.backends.onnx.webgpu as { device: Promise<{ destroy(): void }> } | undefined;
      (await webgpu?.device)?.destroy();
    }
    return forward(inputs);
  };
  return { startGeneration: () => void (step = 0) };
}

class TransformersGenerator implements TextGenerator {
  private readonly prefix = new PromptPrefixCache();
  /** Prompt tokens the last generation did not have to read again (tests and benchmarks). */
  lastReusedTokens = 0;
  /** Tokens of the last prompt, reused or not (tests and benchmarks). */
  lastPromptTokens = 0;

  constructor(
    readonly spec: ModelSpec,
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly model: PreTrainedModel,
    private readonly seams?: { startGeneration(): void },
  ) {
    this.continuesReplies = openReply(tokenizer, [{ role: 'user', content: 'Go on.' }], 'The reply so far') !== null;
  }

  /** True when the model's chat template writes a reply's text as given, so a reply can be cut open after it. */
  readonly continuesReplies: boolean;

  async generate({ messages, plan, maxNewTokens, onText, onToken, stopping, continuation }: GenerateOptions): Promise<string> {
    const opened = continuation && this.continuesReplies ? openReply(this.tokenizer, continuation.messages, continuation.reply) : null;
    // The caller cleans the text as what follows the reply: a reply the template rewrote cannot be continued.
    if (continuation && this.continuesReplies && opened === null) throw new Error(t('engineReplyNotKept'));
    const inputs = (
      opened !== null
        ? this.tokenizer(opened, { add_special_tokens: false })
        : this.tokenizer.apply_chat_template(messages, { add_generation_prompt: true, return_dict: true })
    ) as Record<string, unknown>;
    let text = '';
    const streamer = new TextStreamer(this.tokenizer, {
      skip_prompt: true,
      skip_special_tokens: true,
      callback_function: (piece: string) => {
        if (!piece) return;
        text += piece;
        onText?.(text);
      },
      token_callback_function: () => onToken?.(),
    });
    // Sampling draws from transformers.js' global generator; generations run one at a time,
    // so seeding it here makes each variant reproducible.
    random.seed(plan.seed);
    this.seams?.startGeneration();
    const ids = ((inputs.input_ids as Tensor).tolist() as bigint[][])[0]!.map(Number);
    this.lastPromptTokens = ids.length;
    const past = this.prefix.take(ids);
    this.lastReusedTokens = past ? past.get_seq_length() : 0;
    this.prefix.clear(); // until this generation ends well, nothing is known to be reusable
    const output = (await this.model.generate({
      ...inputs,
      max_new_tokens: maxNewTokens,
      do_sample: plan.do_sample,
      ...(plan.temperature !== undefined ? { temperature: plan.temperature } : {}),
      ...(plan.top_k !== undefined ? { top_k: plan.top_k } : {}),
      ...(plan.top_p !== undefined ? { top_p: plan.top_p } : {}),
      ...(past ? { past_key_values: past } : {}),
      streamer,
      stopping_criteria: [stopping],
      return_dict_in_generate: true,
    } as Parameters<PreTrainedModel['generate']>[0])) as unknown as { sequences: Tensor; past_key_values: DynamicCache };
    // The returned cache covers every token read: the prompt and all generated tokens but the last.
    const cache = output.past_key_values;
    const covered = ((output.sequences.tolist() as bigint[][])[0] ?? []).slice(0, cache.get_seq_length()).map(Number);
    if (!this.prefix.keep(covered, cache)) await cache.dispose();
    return text;
  }

  async dispose(): Promise<void> {
    this.prefix.clear();
    await this.model.dispose();
  }
}

/**
 * The prompt text with `reply` as the start of the model's turn, left open (no end-of-turn
 * after it); null when the chat template does not write the reply as given.
 */
function openReply(tokenizer: PreTrainedTokenizer, messages: ChatMessage[], reply: string): string | null {
  let rendered: string;
  try {
    rendered = tokenizer.apply_chat_template([...messages, { role: 'assistant', content: reply }], { tokenize: false }) as string;
  } catch {
    return null; // no chat template, or one that refuses this conversation
  }
  const at = rendered.lastIndexOf(reply);
  return at < 0 ? null : rendered.slice(0, at + reply.length);
}
