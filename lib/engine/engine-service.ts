import { InterruptableStoppingCriteria, type ProgressInfo } from '@huggingface/transformers';
import type { EngineStats, EngineStatus, GenerateRequest, GenerateServerMessage, ModelInfo } from '../messaging';
import { fallbackAfterWebgpuFailure } from './capabilities';
import { DTYPES, resolveModel, type Dtype } from './catalogue';
import { cleanOutput } from './clean-output';
import { DownloadConsentError, type DownloadGate } from './download-consent';
import { DownloadProgress } from './download-progress';
import { GrammarRanking, type GrammarCheck } from './grammar-ranking';
import { serverOrigin } from './server-config';
import { ServerEngineError } from './server-engine';
import { preparePrompt } from './prompts';
import { CancelledError, GenerationQueue, TimeoutError, type JobSignal } from './request-queue';
import { sameModel, STREAM_INTERVAL_MS, type ModelSpec, type TextGenerator } from './text-generator';
import { dedupeOptionsFor, dedupeVariants, variantPlans } from './variants';
import { fnv1a } from '../seeded';
import { detectLanguage } from '../text/language';
import { cachedRead, type CachedRead } from '../cached-read';
import { t } from '../i18n';

/** What to load now, and why (shown as is by the popup and options page). */
export interface ResolvedSpec {
  spec: ModelSpec;
  reason: string;
  /** Bytes the catalogue says this model + dtype downloads; null or absent when unknown. */
  expectedBytes?: number | null;
  /** The dtypes the model has (to pick one WASM can run after a WebGPU failure). */
  availableDtypes?: readonly Dtype[];
}

export interface EngineDependencies {
  /**
   * Which model and runtime to use now for a request from this site (settings + capability
   * detection; a site the writer or the admin sent to the newsroom server gets the server engine).
   * `site` is null for the extension's own pages.
   */
  resolveSpec: (site: string | null) => Promise<ResolvedSpec>;
  load: (spec: ModelSpec, onProgress: (info: ProgressInfo) => void) => Promise<TextGenerator>;
  /** Keeps the host alive during long work (an MV3 service worker stops after ~30 s idle). */
  keepAlive?: <T>(work: Promise<T>) => Promise<T>;
  /**
   * Where a WebGPU failure is remembered beyond this worker (until the browser restarts): after a
   * device loss the worker's onnxruntime cannot run any model, so the next worker must start on WASM.
   */
  webgpuFailures?: { recall(): Promise<string | null>; remember(message: string): Promise<void> };
  /** Whether a suggestion may load the model (no download the writer did not agree to); absent, any may. */
  downloads?: DownloadGate;
  /** The limits for the next request (settings may change them); defaults to DEFAULT_LIMITS. */
  limits?: () => EngineLimits | Promise<EngineLimits>;
  /** A grammar checker for "Fix grammar" variants (lib/engine/grammar-ranking.ts); absent, none is checked. */
  grammarCheck?: GrammarCheck;
  now?: () => number;
}

export interface EngineLimits {
  /** Upper bound on new tokens per variant (the action's own budget may be lower). */
  maxNewTokens: number;
  /** Running time per request, model loading included. */
  timeoutMs: number;
}

export const DEFAULT_LIMITS: EngineLimits = { maxNewTokens: 64, timeoutMs: 120_000 };

type Sink = (message: GenerateServerMessage) => void;
type ProgressListener = (loadedBytes: number, totalBytes: number) => void;

interface LoadedGenerator {
  spec: ModelSpec;
  reason: string;
  ready: Promise<TextGenerator>;
  listeners: Set<ProgressListener>;
}

/**
 * The background's model owner: loads the model once and reuses it, runs one generation at a
 * time through the queue (a newer request for the same field interrupts the older), and streams
 * each variant to the caller. If WebGPU fails at load or run time it falls back to WASM once and
 * says so in its status.
 */
/** Characters around the caret read to tell the field's language (a paragraph or two). */
const LANGUAGE_SAMPLE = 2000;

export class EngineService {
  private generator: LoadedGenerator | null = null;
  /**
   * The server engine, in a slot of its own: it holds no model here, so a site that uses it does
   * not unload the on-device model another site needs.
   */
  private server: { spec: ModelSpec; ready: Promise<TextGenerator> } | null = null;
  private current: EngineStatus = { state: 'idle' };
  private readonly queue = new GenerationQueue();
  private readonly now: () => number;
  /** Set once WebGPU failed (here or, remembered, in an earlier worker): from then on WASM is used. */
  private webgpuFailure: string | null = null;
  private recalled: Promise<void> | null = null;
  /** WebGPU failed at run time in a runtime this worker still uses: it may be unable to run any model now. */
  private gpuLostHere = false;
  private readonly recent: EngineStats[] = [];
  /** `deps.resolveSpec(site)` of the current settings and stored models, per site, until `forgetSpec()`. */
  private readonly resolved = new Map<string, CachedRead<ResolvedSpec>>();
  /** Requests between arrival and submission to the queue (limits being read), and whether they were cancelled meanwhile. */
  private readonly starting = new Map<string, { tabId: number | undefined; cancelled: CancelledError | null }>();

  constructor(
    private readonly deps: EngineDependencies,
    private readonly fixedLimits: EngineLimits = DEFAULT_LIMITS,
  ) {
    this.now = deps.now ?? Date.now;
  }

  status(): EngineStatus {
    return this.current;
  }

  /** Why the engine runs where it runs; null before anything was resolved. */
  webgpuFallback(): string | null {
    return this.webgpuFailure;
  }

  queueState(): { running: boolean; pending: number } {
    return { running: this.queue.runningId !== null, pending: this.queue.pending };
  }

  /** Timings of the last requests, newest last (for the benchmark and diagnostics). */
  stats(): EngineStats[] {
    return [...this.recent];
  }

  /**
   * Forgets the resolved spec: call when what it depends on changed (settings, a model stored or
   * deleted). Requests otherwise reuse it, so none waits for settings and cache look-ups.
   */
  forgetSpec(): void {
    this.resolved.clear();
  }

  /** The spec the next request from `site` would load (after a WebGPU failure: the WASM one) and why. */
  async resolve(site: string | null = null): Promise<ResolvedSpec> {
    await (this.recalled ??= this.recallWebgpuFailure());
    const key = site ?? '';
    let read = this.resolved.get(key);
    if (!read) {
      read = cachedRead(() => this.deps.resolveSpec(site));
      this.resolved.set(key, read);
    }
    const resolved = await read.get();
    if (resolved.spec.device !== 'webgpu' || this.webgpuFailure === null) return resolved;
    const choice = fallbackAfterWebgpuFailure(
      { device: 'webgpu', dtype: resolved.spec.dtype as Dtype, reason: resolved.reason, refused: [] },
      resolved.availableDtypes ?? DTYPES,
      this.webgpuFailure,
    );
    return {
      ...resolved,
      spec: { ...resolved.spec, device: 'wasm', dtype: choice.dtype },
      reason: t('runtimeRetriedAfterRestart', choice.reason),
    };
  }

  private async recallWebgpuFailure(): Promise<void> {
    const remembered = await this.deps.webgpuFailures?.recall().catch(() => null);
    if (remembered && this.webgpuFailure === null) this.webgpuFailure = remembered;
  }

  private noteWebgpuFailure(error: unknown): void {
    this.webgpuFailure = gpuFailureSummary(error);
    void this.deps.webgpuFailures?.remember(this.webgpuFailure).catch(() => undefined);
  }

  /**
   * Runs a request to completion; every path ends with exactly one 'done' or 'error' message.
   * `site`: the hostname of the page that asked (from the port's sender, not from the request).
   */
  async generate(request: GenerateRequest, tabId: number | undefined, send: Sink, site: string | null = null): Promise<void> {
    let ended = false;
    // Nothing after the final message: a late streamed chunk of an interrupted run is dropped.
    const sink: Sink = (message) => {
      if (ended) return;
      if (message.type === 'done' || message.type === 'error') ended = true;
      send(message);
    };
    const startedAt = this.now();
    const arrival = { tabId, cancelled: null as CancelledError | null };
    this.starting.set(request.requestId, arrival);
    try {
      const limits = await Promise.resolve(this.deps.limits ? this.deps.limits() : this.fixedLimits).finally(() =>
        this.starting.delete(request.requestId),
      );
      if (arrival.cancelled) throw arrival.cancelled;
      if (request.download !== undefined && this.deps.downloads) {
        // The writer agreed in the panel: recorded before loading, so an interrupted download resumes.
        await this.deps.downloads.allow(request.download);
        this.forgetSpec();
      }
      const work = this.queue.submit({
        fieldKey: request.fieldKey,
        ...(tabId !== undefined ? { tabId } : {}),
        requestId: request.requestId,
        timeoutMs: limits.timeoutMs,
        run: (signal) => this.runRequest(request, sink, signal, startedAt, limits, site),
      });
      await (this.deps.keepAlive ? this.deps.keepAlive(work) : work);
      // A run that returned without a final message was interrupted by something the queue did
      // not report (cannot happen today; never leave the caller waiting).
      sink({ type: 'error', requestId: request.requestId, message: t('errorStopped'), retryable: true });
    } catch (error) {
      const offer = error instanceof DownloadConsentError ? { offer: error.offer } : {};
      sink({ type: 'error', requestId: request.requestId, ...describeFailure(error), ...offer });
    }
  }

  cancel(requestId: string): void {
    const arriving = this.starting.get(requestId);
    if (arriving) arriving.cancelled ??= new CancelledError('cancelled');
    this.queue.cancel(requestId);
  }

  dropTab(tabId: number): void {
    for (const arriving of this.starting.values()) {
      if (arriving.tabId === tabId) arriving.cancelled ??= new CancelledError('tab-closed');
    }
    this.queue.dropTab(tabId);
  }

  /** Downloads and loads the current model now (the options page's "download now"). */
  async warmUp(onProgress?: ProgressListener): Promise<EngineStatus> {
    this.forgetSpec(); // sent after an import: the stored model may have changed
    // Sent by the writer's Download button (extension pages only): their consent to this model.
    const consented = this.deps.downloads ? this.resolve().then((resolved) => this.deps.downloads!.allow(resolved.spec.modelId)) : Promise.resolve();
    const work = consented.then(() => this.ensureGenerator(onProgress ?? (() => undefined))).then(() => this.current);
    try {
      return await (this.deps.keepAlive ? this.deps.keepAlive(work) : work);
    } catch {
      return this.current;
    }
  }

  /** Forgets the loaded model if it is this one (before its files are deleted). */
  async unload(modelId?: string): Promise<void> {
    this.forgetSpec();
    const loaded = this.generator;
    if (!loaded || (modelId !== undefined && loaded.spec.modelId !== modelId)) return;
    this.generator = null;
    this.current = { state: 'idle' };
    await loaded.ready.then((g) => g.dispose()).catch(() => undefined);
  }

  /**
   * `gated`: for a suggestion, which never starts a download the writer did not agree to (a
   * server downloads nothing); `site`: the page's site, which may use the newsroom's server.
   */
  private async ensureGenerator(
    onProgress: ProgressListener,
    request: { gated?: boolean; site?: string | null } = {},
  ): Promise<{ generator: TextGenerator; info: ModelInfo }> {
    const resolved = await this.resolve(request.site ?? null);
    if (resolved.spec.device === 'server') return this.ensureServer(resolved.spec);
    if (!this.generator || !sameModel(this.generator.spec, resolved.spec)) {
      if (request.gated && this.deps.downloads && !(await this.deps.downloads.mayLoad(resolved.spec))) {
        throw new DownloadConsentError(await this.deps.downloads.offer(resolved));
      }
      this.startLoad(resolved);
    }
    const loading = this.generator!;
    loading.listeners.add(onProgress);
    try {
      const generator = await loading.ready;
      return { generator, info: modelInfo(generator.spec) };
    } catch (error) {
      if (loading.spec.device === 'webgpu' && this.webgpuFailure === null) {
        // WebGPU could not load the model: fall back to WASM, once.
        this.noteWebgpuFailure(error);
        return this.ensureGenerator(onProgress, request);
      }
      throw error;
    } finally {
      loading.listeners.delete(onProgress);
    }
  }

  private async ensureServer(spec: ModelSpec): Promise<{ generator: TextGenerator; info: ModelInfo }> {
    if (!this.server || !sameModel(this.server.spec, spec)) {
      const previous = this.server;
      this.server = { spec, ready: Promise.resolve().then(() => this.deps.load(spec, () => undefined)) };
      void previous?.ready.then((old) => old.dispose()).catch(() => undefined);
    }
    const slot = this.server;
    try {
      const generator = await slot.ready;
      return { generator, info: modelInfo(generator.spec) };
    } catch (error) {
      if (this.server === slot) this.server = null; // the next request tries again
      throw error;
    }
  }

  private startLoad({ spec, reason, expectedBytes }: ResolvedSpec): void {
    const previous = this.generator;
    const progress = new DownloadProgress(expectedBytes ?? null);
    const listeners = new Set<ProgressListener>();
    this.current = { state: 'loading', modelId: spec.modelId, loadedBytes: 0, totalBytes: expectedBytes ?? 0 };
    let ready: Promise<TextGenerator>;
    try {
      ready = this.deps.load(spec, (info) => {
        if (!progress.update(info)) return;
        const { loadedBytes, totalBytes } = progress.totals();
        if (this.generator?.ready === ready) this.current = { state: 'loading', modelId: spec.modelId, loadedBytes, totalBytes };
        for (const listener of listeners) listener(loadedBytes, totalBytes);
      });
    } catch (error) {
      ready = Promise.reject(error);
    }
    const loading: LoadedGenerator = { spec, reason, ready, listeners };
    this.generator = loading;
    void previous?.ready.then((old) => old.dispose()).catch(() => undefined);
    ready.then(
      () => {
        if (this.generator === loading) this.current = { state: 'ready', model: modelInfo(spec), reason };
      },
      (error: unknown) => {
        // Forget a failed load so the next request (the panel's retry) starts over.
        if (this.generator !== loading) return;
        this.generator = null;
        this.current = { state: 'error', modelId: spec.modelId, message: describeFailure(error).message };
      },
    );
  }

  private async runRequest(
    request: GenerateRequest,
    send: Sink,
    signal: JobSignal,
    startedAt: number,
    limits: EngineLimits,
    site: string | null,
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
    const onLoadProgress: ProgressListener = (loadedBytes, totalBytes) => {
      if (!signal.interrupted) send({ type: 'progress', requestId: request.requestId, phase: 'loading', loadedBytes, totalBytes });
    };
    let { generator, info } = await this.ensureGenerator(onLoadProgress, { gated: true, site });
    const loadedAt = this.now();
    // The language to keep: the field's, read around the caret or selection.
    const fieldLanguage = detectLanguage(request.text.slice(Math.max(0, request.selectionStart - LANGUAGE_SAMPLE), request.selectionEnd + LANGUAGE_SAMPLE / 4));
    const started = () => {
      if (signal.interrupted) return;
      const modelLanguages = resolveModel(info.id)?.languages ?? [];
      send({ type: 'started', requestId: request.requestId, replace: prompt.replace, model: info, fieldLanguage, modelLanguages: [...modelLanguages] });
    };
    let otherLanguage = 0;
    started();
    const cleanContext = {
      action: prompt.action,
      sourceText: prompt.sourceText,
      contextBefore: prompt.contextBefore,
      ...(prompt.limit !== undefined ? { limit: prompt.limit } : {}),
    };
    const maxNewTokens = Math.min(prompt.maxNewTokens, limits.maxNewTokens);
    const plans = variantPlans(request.variants, fnv1a(request.requestId));
    let finished: string[] = [];
    let tokens = 0;
    let firstTokenAt: number | null = null;
    let reusedPromptTokens: number | null = null;
    const ranking = prompt.action === 'grammar' && this.deps.grammarCheck ? new GrammarRanking(this.deps.grammarCheck, prompt.sourceText) : null;
    /** The variant that is asked again plainly: going on from the text gave nothing usable. */
    let askedPlainly = -1;
    for (let i = 0; i < plans.length; i++) {
      if (signal.interrupted) break;
      const plan = plans[i]!;
      const stopping = new InterruptableStoppingCriteria();
      const unsubscribe = signal.onInterrupt(() => stopping.interrupt());
      send({ type: 'progress', requestId: request.requestId, phase: 'generating', loadedBytes: 0, totalBytes: 0 });
      let variantTokens = 0;
      let lastStreamedAt = -Infinity;
      let raw: string;
      // Continue goes on from the writer's text as the model's own reply where the backend can.
      const continuation = generator.continuesReplies && askedPlainly !== i ? prompt.continuation : undefined;
      const cleanAs = { ...cleanContext, continuesText: continuation !== undefined };
      try {
        raw = await generator
          .generate({
            messages: prompt.messages,
            ...(continuation ? { continuation } : {}),
            plan,
            maxNewTokens,
            stopping,
            onInterrupt: (hook) => signal.onInterrupt(hook),
            onToken: () => {
              variantTokens += 1;
              firstTokenAt ??= this.now();
            },
            onText: (soFar) => {
              if (signal.interrupted) return;
              const at = this.now();
              if (at - lastStreamedAt < STREAM_INTERVAL_MS) return; // the next update or the final text carries it
              const text = cleanOutput(soFar, cleanAs, { final: false });
              if (!text) return;
              lastStreamedAt = at;
              send({ type: 'variant', requestId: request.requestId, index: finished.length, text, final: false });
            },
          })
          .finally(unsubscribe);
      } catch (error) {
        if (signal.interrupted) throw error;
        if (generator.spec.device !== 'webgpu' || this.webgpuFailure !== null) {
          throw this.gpuLostHere ? new GpuLostError(this.webgpuFailure ?? shortMessage(error)) : error;
        }
        // WebGPU failed mid-run (device lost, out of memory): fall back to WASM once and start
        // this request's variants over; the panel's variant slots are overwritten by index.
        this.noteWebgpuFailure(error);
        // A runtime of its own is discarded with the generator; otherwise this worker's is now unusable.
        this.gpuLostHere = !generator.isolatedRuntime;
        if (this.generator?.spec.device === 'webgpu') await this.unload();
        try {
          ({ generator, info } = await this.ensureGenerator(onLoadProgress, { gated: true, site }));
        } catch {
          throw new GpuLostError(shortMessage(error));
        }
        finished = [];
        otherLanguage = 0;
        askedPlainly = -1;
        started();
        i = -1;
        continue;
      }
      tokens += variantTokens;
      if (i === 0) reusedPromptTokens = generator.lastReusedTokens ?? null;
      if (signal.interrupted) break;
      // Fewer tokens than the budget means the model ended its turn itself.
      const text = cleanOutput(raw, { ...cleanAs, finished: variantTokens < maxNewTokens }, { final: true });
      if (continuation && !text) {
        // Going on from the text gave nothing to offer (a text that reads as finished can end the
        // model's reply at once): this variant is asked plainly instead.
        askedPlainly = i;
        i -= 1;
        continue;
      }
      const language = text && fieldLanguage ? detectLanguage(text) : null;
      if (language && language !== fieldLanguage) {
        // A French paragraph continued in English is no suggestion for it.
        otherLanguage += 1;
        continue;
      }
      if (text && dedupeVariants([...finished, text], dedupeOptionsFor(prompt.action)).length > finished.length) {
        if (ranking && !(await ranking.admits(text))) continue;
        finished.push(text);
        send({ type: 'variant', requestId: request.requestId, index: finished.length - 1, text, final: true });
      }
    }
    if (signal.interrupted) return;
    if (ranking && finished.length === 0) {
      for (const text of dedupeVariants(ranking.fallback(), dedupeOptionsFor(prompt.action))) {
        finished.push(text);
        send({ type: 'variant', requestId: request.requestId, index: finished.length - 1, text, final: true });
      }
    }
    const endedAt = this.now();
    this.recent.push({
      requestId: request.requestId,
      model: info,
      startedAt,
      loadMs: loadedAt - startedAt,
      firstTokenMs: firstTokenAt === null ? null : firstTokenAt - loadedAt,
      generateMs: endedAt - loadedAt,
      tokens,
      variants: finished.length,
      reusedPromptTokens,
    });
    if (this.recent.length > 20) this.recent.shift();
    send({ type: 'done', requestId: request.requestId, variants: finished, replace: prompt.replace, model: info, startedAt, otherLanguage });
  }
}

function modelInfo(spec: ModelSpec): ModelInfo {
  if (spec.device === 'server') {
    // Where the text went, for the panel and the ledger: the server's origin (never the key).
    return { id: spec.modelId, revision: spec.revision, dtype: spec.dtype, backend: 'server', server: serverOrigin(spec.host) ?? spec.host };
  }
  const backend = spec.device === 'webgpu' || spec.device === 'builtin' ? spec.device : 'wasm';
  return { id: spec.modelId, revision: spec.revision, dtype: spec.dtype, backend };
}

/** What went wrong on the GPU, in words a writer can read (onnxruntime's own text is a C++ trace). */
export function gpuFailureSummary(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  if (/device (was |is )?lost|DEVICE_LOST/i.test(text)) return t('runtimeGpuDeviceLost');
  if (/out of memory|OOM\b/i.test(text)) return t('runtimeGpuOutOfMemory');
  return shortMessage(error);
}

function shortMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

/**
 * The GPU failed at run time and the CPU fallback could not run in this worker either (after a
 * device loss, onnxruntime-web cannot run any model in the same worker). The failure is
 * remembered, so the next worker, started once this one is stopped, runs on the CPU.
 */
export class GpuLostError extends Error {
  override readonly name = 'GpuLostError';
  constructor(readonly gpuFailure: string) {
    super(`GPU failure: ${gpuFailure}`);
  }
}

/** A failure in words the panel shows as is, and whether "Try again" makes sense. */
export function describeFailure(error: unknown): { message: string; retryable: boolean } {
  if (error instanceof GpuLostError) {
    return { message: t('errorGpuLost'), retryable: true };
  }
  if (error instanceof DownloadConsentError) {
    return { message: t(error.offer.offline ? 'offerOffline' : 'offerNeedsModel'), retryable: false };
  }
  if (error instanceof CancelledError) {
    const why =
      error.reason === 'superseded'
        ? t('errorSuperseded')
        : error.reason === 'tab-closed'
          ? t('errorTabClosed')
          : t('errorCancelled');
    return { message: why, retryable: error.reason !== 'tab-closed' };
  }
  if (error instanceof ServerEngineError) return { message: error.message, retryable: error.retryable };
  if (error instanceof TimeoutError) {
    return { message: t('errorTimeout', Math.round(error.timeoutMs / 1000)), retryable: true };
  }
  const text = error instanceof Error ? error.message : String(error);
  if (/fetch|network|404|Could not locate file|Failed to fetch|not found|trying to load file/i.test(text)) {
    return { message: t('errorDownloadFailed', text), retryable: true };
  }
  return { message: t('errorModelFailed', text), retryable: true };
}
