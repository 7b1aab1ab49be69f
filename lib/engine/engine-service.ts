import { InterruptableStoppingCriteria, type ProgressInfo } from '@huggingface/transformers';
import type { EngineStatus, GenerateRequest, GenerateServerMessage, ModelInfo } from '../messaging';
import { cleanOutput } from './clean-output';
import { DownloadProgress } from './download-progress';
import { preparePrompt } from './prompts';
import { GenerationQueue, type JobSignal } from './request-queue';
import type { ModelSpec, TextGenerator } from './text-generator';
import { dedupeVariants, variantPlans } from './variants';

export interface EngineDependencies {
  /** Which model and runtime to use now (settings + capability detection). */
  resolveSpec: () => Promise<{ spec: ModelSpec; reason: string }>;
  load: (spec: ModelSpec, onProgress: (info: ProgressInfo) => void) => Promise<TextGenerator>;
  /** Keeps the host alive during long work (an MV3 service worker stops after ~30 s idle). */
  keepAlive?: <T>(work: Promise<T>) => Promise<T>;
  now?: () => number;
}

export interface EngineLimits {
  maxNewTokens: number;
  timeoutMs: number;
}

const DEFAULT_LIMITS: EngineLimits = { maxNewTokens: 64, timeoutMs: 120_000 };

type Sink = (message: GenerateServerMessage) => void;

function sameSpec(a: ModelSpec, b: ModelSpec): boolean {
  return a.modelId === b.modelId && a.revision === b.revision && a.device === b.device && a.dtype === b.dtype;
}

/**
 * The background's model owner: loads the model once and reuses it, runs one generation at a
 * time through the queue (a newer request for the same field interrupts the older), and streams
 * each variant to the caller.
 */
export class EngineService {
  private generator: { spec: ModelSpec; reason: string; ready: Promise<TextGenerator> } | null = null;
  private current: EngineStatus = { state: 'idle' };
  private readonly queue = new GenerationQueue();
  private readonly now: () => number;

  constructor(
    private readonly deps: EngineDependencies,
    private readonly limits: EngineLimits = DEFAULT_LIMITS,
  ) {
    this.now = deps.now ?? Date.now;
  }

  status(): EngineStatus {
    return this.current;
  }

  /** Runs a request to completion; every path ends with exactly one 'done' or 'error' message. */
  async generate(request: GenerateRequest, tabId: number | undefined, send: Sink): Promise<void> {
    const startedAt = this.now();
    const work = this.queue.submit({
      fieldKey: request.fieldKey,
      ...(tabId !== undefined ? { tabId } : {}),
      requestId: request.requestId,
      timeoutMs: this.limits.timeoutMs,
      run: (signal) => this.runRequest(request, send, signal, startedAt),
    });
    try {
      await (this.deps.keepAlive ? this.deps.keepAlive(work) : work);
    } catch (error) {
      send({ type: 'error', requestId: request.requestId, ...describeFailure(error) });
    }
  }

  cancel(requestId: string): void {
    this.queue.cancel(requestId);
  }

  dropTab(tabId: number): void {
    this.queue.dropTab(tabId);
  }

  private async ensureGenerator(requestId: string, send: Sink): Promise<{ generator: TextGenerator; info: ModelInfo }> {
    const { spec, reason } = await this.deps.resolveSpec();
    if (!this.generator || !sameSpec(this.generator.spec, spec)) {
      const previous = this.generator;
      const progress = new DownloadProgress();
      this.current = { state: 'loading', modelId: spec.modelId, loadedBytes: 0, totalBytes: 0 };
      const ready = this.deps.load(spec, (info) => {
        if (!progress.update(info)) return;
        const { loadedBytes, totalBytes } = progress.totals();
        this.current = { state: 'loading', modelId: spec.modelId, loadedBytes, totalBytes };
        send({ type: 'progress', requestId, phase: 'loading', loadedBytes, totalBytes });
      });
      this.generator = { spec, reason, ready };
      void previous?.ready.then((old) => old.dispose()).catch(() => undefined);
      ready.then(
        () => {
          this.current = { state: 'ready', model: modelInfo(spec), reason };
        },
        (error: unknown) => {
          // Forget a failed load so the next request (the panel's retry) starts over.
          if (this.generator?.ready === ready) this.generator = null;
          this.current = { state: 'error', modelId: spec.modelId, message: describeFailure(error).message };
        },
      );
    }
    const generator = await this.generator.ready;
    return { generator, info: modelInfo(this.generator.spec) };
  }

  private async runRequest(
    request: GenerateRequest,
    send: Sink,
    signal: JobSignal,
    startedAt: number,
  ): Promise<void> {
    // Prompt first: a bad request (e.g. nothing to rewrite) fails before any model work.
    const selection = { start: request.selectionStart, end: request.selectionEnd };
    const prompt = preparePrompt({
      action: request.action,
      text: request.text,
      caret: request.selectionEnd,
      selection: selection.start === selection.end ? null : selection,
      ...(request.limit !== undefined ? { limit: request.limit } : {}),
    });
    const { generator, info } = await this.ensureGenerator(request.requestId, send);
    const cleanContext = {
      action: prompt.action,
      sourceText: prompt.sourceText,
      contextBefore: prompt.contextBefore,
      ...(prompt.limit !== undefined ? { limit: prompt.limit } : {}),
    };
    const maxNewTokens = Math.min(prompt.maxNewTokens, this.limits.maxNewTokens);
    const finished: string[] = [];
    for (const plan of variantPlans(request.variants, hashSeed(request.requestId))) {
      if (signal.interrupted) break;
      const stopping = new InterruptableStoppingCriteria();
      const unsubscribe = signal.onInterrupt(() => stopping.interrupt());
      send({ type: 'progress', requestId: request.requestId, phase: 'generating', loadedBytes: 0, totalBytes: 0 });
      let tokens = 0;
      const raw = await generator.generate({
        messages: prompt.messages,
        plan,
        maxNewTokens,
        stopping,
        onToken: () => void (tokens += 1),
        onText: (soFar) => {
          const text = cleanOutput(soFar, cleanContext, { final: false });
          if (text) send({ type: 'variant', requestId: request.requestId, index: finished.length, text, final: false });
        },
      }).finally(unsubscribe);
      if (signal.interrupted) break;
      // Fewer tokens than the budget means the model ended its turn itself.
      const text = cleanOutput(raw, { ...cleanContext, finished: tokens < maxNewTokens }, { final: true });
      if (text && dedupeVariants([...finished, text]).length > finished.length) {
        finished.push(text);
        send({ type: 'variant', requestId: request.requestId, index: finished.length - 1, text, final: true });
      }
    }
    if (signal.interrupted) return;
    send({ type: 'done', requestId: request.requestId, variants: finished, replace: prompt.replace, model: info, startedAt });
  }
}

function modelInfo(spec: ModelSpec): ModelInfo {
  return { id: spec.modelId, revision: spec.revision, dtype: spec.dtype, backend: spec.device === 'webgpu' ? 'webgpu' : 'wasm' };
}

/** A stable 32-bit seed from the request id, so a variant can be reproduced from the log. */
function hashSeed(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash >>> 0;
}

export function describeFailure(error: unknown): { message: string; retryable: boolean } {
  const text = error instanceof Error ? error.message : String(error);
  if (/fetch|network|404|Could not locate file|Failed to fetch/i.test(text)) {
    return { message: `The model could not be downloaded (${text}). Check the model host in the options and try again.`, retryable: true };
  }
  return { message: `The on-device model failed: ${text}`, retryable: true };
}
