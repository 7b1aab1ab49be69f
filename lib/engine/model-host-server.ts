import { InterruptableStoppingCriteria } from '@huggingface/transformers';
import { parseModelHostRequest, type ModelHostEvent } from '../messaging/model-host';
import { replaceTestSeams, type EngineTestSeams } from './test-seams';
import { sameModel, STREAM_INTERVAL_MS, WebGpuFailure, type LoadProgress, type ModelSpec, type TextGenerator } from './text-generator';

/**
 * With no background connected for this long, the model is freed (hundreds of MB): it stays
 * loaded across the worker's idle stops while the writer works, not for the rest of the session.
 */
export const IDLE_UNLOAD_MS = 10 * 60_000;

export interface HostPort {
  postMessage(message: ModelHostEvent): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

export type HostLoader = (spec: ModelSpec, onProgress: LoadProgress, seams: EngineTestSeams) => Promise<TextGenerator>;

const failure = (error: unknown) => ({
  message: error instanceof Error ? error.message : String(error),
  webgpu: error instanceof WebGpuFailure,
});

/**
 * The model's side of the `model-host` port (the offscreen document in Chromium). Keeps one model
 * loaded across ports, so a service worker that was stopped and started again finds it ready; runs
 * what the background asks, one generation at a time (the background's queue sees to that).
 */
export function createModelHost(load: HostLoader, options: { now?: () => number; idleUnloadMs?: number } = {}) {
  const now = options.now ?? (() => performance.now());
  const idleUnloadMs = options.idleUnloadMs ?? IDLE_UNLOAD_MS;
  let loaded: { spec: ModelSpec; ready: Promise<TextGenerator> } | null = null;
  let ports = 0;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  const unloadWhenIdle = () => {
    clearTimeout(idleTimer);
    if (ports > 0) return;
    idleTimer = setTimeout(() => {
      const idle = loaded;
      if (ports > 0 || !idle) return;
      loaded = null;
      void idle.ready.then((g) => g.dispose()).catch(() => undefined);
    }, idleUnloadMs);
  };
  /** Generations run one after another, also across ports (a stopped worker's last one may still be ending its step). */
  let previousGeneration: Promise<void> = Promise.resolve();
  const seams: EngineTestSeams = {};

  return function serve(port: HostPort): void {
    const running = new Map<string, InterruptableStoppingCriteria>();
    /** The model this port asked for (another port may have replaced it since). */
    let mine: typeof loaded = null;
    let disposed = false;
    const send = (message: ModelHostEvent) => {
      if (!disposed) port.postMessage(message);
    };
    ports += 1;
    clearTimeout(idleTimer);
    // The background went away (its worker was stopped): stop what it asked for, keep the model a while.
    port.onDisconnect.addListener(() => {
      disposed = true;
      for (const stopping of running.values()) stopping.interrupt();
      ports -= 1;
      unloadWhenIdle();
    });
    port.onMessage.addListener(async (raw) => {
      const request = parseModelHostRequest(raw);
      if (!request) return;
      switch (request.type) {
        case 'seams':
          replaceTestSeams(seams, request.seams);
          return;
        case 'load': {
          replaceTestSeams(seams, request.seams);
          if (!loaded || !sameModel(loaded.spec, request.spec)) {
            const previous = loaded;
            loaded = { spec: request.spec, ready: load(request.spec, (info) => send({ type: 'progress', info: { ...info } }), seams) };
            void previous?.ready.then((g) => g.dispose()).catch(() => undefined);
          }
          const current = loaded;
          mine = current;
          try {
            const generator = await current.ready;
            send({ type: 'loaded', continuesReplies: generator.continuesReplies === true });
          } catch (error) {
            if (loaded === current) loaded = null; // the next load tries again
            send({ type: 'loadFailed', ...failure(error) });
          }
          return;
        }
        case 'generate': {
          const stopping = new InterruptableStoppingCriteria();
          running.set(request.id, stopping);
          const before = previousGeneration;
          let finished!: () => void;
          previousGeneration = new Promise<void>((resolve) => (finished = resolve));
          await before;
          let tokens = 0;
          let text = '';
          let reportedAt = -Infinity;
          let reportedText = '';
          const report = () => {
            reportedAt = now();
            const changed = text !== reportedText;
            reportedText = text;
            send({ type: 'step', id: request.id, tokens, ...(changed ? { text } : {}) });
          };
          try {
            if (!loaded) throw new Error('No model is loaded.');
            const generator = await loaded.ready;
            const final = await generator.generate({
              messages: request.messages,
              ...(request.continuation ? { continuation: request.continuation } : {}),
              plan: request.plan,
              maxNewTokens: request.maxNewTokens,
              stopping,
              onToken: () => {
                tokens += 1;
                // The first token at once (the engine's time-to-first-token figure), then with the text.
                if (tokens === 1 || (reportedText !== '' && now() - reportedAt >= STREAM_INTERVAL_MS)) report();
              },
              onText: (soFar) => {
                text = soFar;
                // The first words at once (time to first text), then at most every interval.
                if (reportedText === '' || now() - reportedAt >= STREAM_INTERVAL_MS) report();
              },
            });
            send({
              type: 'generated',
              id: request.id,
              tokens,
              text: final,
              ...(generator.lastReusedTokens !== undefined ? { reusedTokens: generator.lastReusedTokens } : {}),
            });
          } catch (error) {
            send({ type: 'generateFailed', id: request.id, ...failure(error) });
          } finally {
            running.delete(request.id);
            finished();
          }
          return;
        }
        case 'interrupt':
          running.get(request.id)?.interrupt();
          return;
        case 'dispose': {
          if (!mine || loaded !== mine) return; // already replaced (and disposed) by a newer load
          loaded = null;
          await mine.ready.then((g) => g.dispose()).catch(() => undefined);
          return;
        }
      }
    });
  };
}
