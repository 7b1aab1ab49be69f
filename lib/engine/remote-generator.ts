import { parseModelHostEvent, type ModelHostEvent, type ModelHostRequest } from '../messaging/model-host';
import type { EngineTestSeams } from './test-seams';
import { WebGpuFailure, type GenerateOptions, type LoadProgress, type ModelSpec, type TextGenerator } from './text-generator';

/** The background's end of a `model-host` port. */
export interface ModelHostPort {
  postMessage(message: ModelHostRequest): void;
  disconnect(): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

export interface ModelHostAccess {
  /** Opens a port to the model host, creating its document if there is none. */
  connect(): Promise<ModelHostPort>;
  /** A port from `connect` is done with: the last one out closes the document (its runtime goes with it). */
  release(): Promise<void>;
  /** The test seams now (tests and the benchmark only). */
  seams(): EngineTestSeams;
}

const hostError = (event: { message: string; webgpu: boolean }) => (event.webgpu ? new WebGpuFailure(event.message) : new Error(event.message));

/**
 * A TextGenerator whose model runs in the model host (an offscreen document in Chromium): the
 * service worker keeps the queue and the ledger, the document the runtime. Disposing the last one
 * closes the document, so a GPU failure there cannot outlive it (a new document, a new runtime).
 */
export async function loadRemoteGenerator(spec: ModelSpec, onProgress: LoadProgress, host: ModelHostAccess): Promise<RemoteGenerator> {
  const port = await host.connect();
  const generator = new RemoteGenerator(spec, port, host);
  try {
    await generator.load(onProgress);
  } catch (error) {
    await generator.dispose().catch(() => undefined); // a failed load leaves no port (nor runtime) behind
    throw error;
  }
  return generator;
}

export class RemoteGenerator implements TextGenerator {
  readonly isolatedRuntime = true;
  private readonly listeners = new Set<(event: ModelHostEvent | null) => void>();
  private nextId = 0;
  private closed = false;
  /** The test seams the host last heard of (sent again only when they change). */
  private sentSeams: EngineTestSeams = {};

  constructor(
    readonly spec: ModelSpec,
    private readonly port: ModelHostPort,
    private readonly host: ModelHostAccess,
  ) {
    port.onMessage.addListener((raw) => {
      const event = parseModelHostEvent(raw);
      if (event) for (const listener of [...this.listeners]) listener(event);
    });
    port.onDisconnect.addListener(() => {
      this.closed = true;
      for (const listener of [...this.listeners]) listener(null);
    });
  }

  /** Runs `handle` on each event (null: the host went away) until it returns a settled value. */
  private until<T>(handle: (event: ModelHostEvent | null, settle: (value: T | Error) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const listener = (event: ModelHostEvent | null) =>
        handle(event, (value) => {
          this.listeners.delete(listener);
          if (value instanceof Error) reject(value);
          else resolve(value);
        });
      this.listeners.add(listener);
    });
  }

  load(onProgress: LoadProgress): Promise<void> {
    this.sentSeams = this.host.seams();
    const done = this.until<void>((event, settle) => {
      if (event === null) settle(new Error('The model host closed while loading the model.'));
      else if (event.type === 'progress') onProgress(event.info as Parameters<LoadProgress>[0]);
      else if (event.type === 'loaded') {
        this.continuesReplies = event.continuesReplies;
        settle(undefined);
      }
      else if (event.type === 'loadFailed') settle(hostError(event));
    });
    this.port.postMessage({ type: 'load', spec: { ...this.spec, device: this.spec.device as 'webgpu' | 'wasm' }, seams: this.sentSeams });
    return done;
  }

  /** What the model host said of its generator when it loaded. */
  continuesReplies = false;

  /** What the model host said its kept prompt prefix spared on the last generation. */
  lastReusedTokens: number | undefined;

  async generate({ messages, continuation, plan, maxNewTokens, onText, onToken, onInterrupt }: GenerateOptions): Promise<string> {
    if (this.closed) throw new Error('The model host closed.');
    const id = `g${++this.nextId}`;
    let tokens = 0;
    const done = this.until<string>((event, settle) => {
      if (event === null) return settle(new Error('The model host closed during generation.'));
      if ((event.type !== 'step' && event.type !== 'generated' && event.type !== 'generateFailed') || event.id !== id) return;
      if (event.type === 'generateFailed') return settle(hostError(event));
      for (; tokens < event.tokens; tokens++) onToken?.();
      if (event.type === 'generated') {
        this.lastReusedTokens = event.reusedTokens;
        return settle(event.text);
      }
      if (event.text !== undefined) onText?.(event.text);
    });
    const removeHook = onInterrupt?.(() => {
      if (!this.closed) this.port.postMessage({ type: 'interrupt', id });
    });
    const seams = this.host.seams();
    if (JSON.stringify(seams) !== JSON.stringify(this.sentSeams)) {
      this.sentSeams = seams;
      this.port.postMessage({ type: 'seams', seams });
    }
    this.port.postMessage({ type: 'generate', id, messages, ...(continuation && this.continuesReplies ? { continuation } : {}), plan, maxNewTokens });
    try {
      return await done;
    } finally {
      removeHook?.();
    }
  }

  async dispose(): Promise<void> {
    if (!this.closed) {
      this.port.postMessage({ type: 'dispose' });
      this.port.disconnect();
      this.closed = true;
    }
    await this.host.release();
  }
}
