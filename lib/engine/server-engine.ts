/**
 * Optional backend: a newsroom's own server speaking the OpenAI-compatible chat-completions API
 * (Ollama, llama.cpp's server, vLLM), behind the same TextGenerator interface as the on-device
 * engines. The engine service gives it the same prompts, variant plans and cleaning; it only
 * sends the messages, streams the reply (SSE) and says in plain words what went wrong.
 *
 * The writer's text goes to that one origin and nowhere else; the API key goes with it there
 * only, and appears in no message, log or ledger entry.
 */
import { t } from '../i18n';
import { serverOrigin } from './server-config';
import { sseData } from './sse';
import type { GenerateOptions, ModelSpec, TextGenerator } from './text-generator';

/** A failure already in the writer's words (the panel shows it as is). */
export class ServerEngineError extends Error {
  override readonly name = 'ServerEngineError';
  constructor(
    message: string,
    /** Whether "Try again" can help (a server that is down may be back; a wrong key stays wrong). */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface ServerAccess {
  /** The API key to send (read when a request starts, so a new key needs no reload); '' = none. */
  apiKey: () => Promise<string> | string;
  /** Whether the browser granted this extension access to the server's origin (asked for on the options page). */
  granted: (origin: string) => Promise<boolean>;
  /** This extension's origin (`chrome-extension://<id>`), named in the advice for Ollama's 403. */
  extensionOrigin: string;
  fetch?: typeof fetch;
}

/** Stops reading after this many characters of an error body (a server may send a whole HTML page). */
const ERROR_BODY_CHARS = 2000;

/** The server's host as the panel names it ("on llm.example.org:11434"). */
export function serverLabel(spec: Pick<ModelSpec, 'host'>): string {
  const origin = serverOrigin(spec.host);
  return origin ? new URL(origin).host : spec.host;
}

export function loadServerGenerator(spec: ModelSpec, access: ServerAccess): ServerGenerator {
  const origin = serverOrigin(spec.host);
  if (!origin) throw new ServerEngineError(t('serverErrorBadUrl', spec.host), false);
  return new ServerGenerator(spec, origin, access);
}

interface ChatChunk {
  choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
  error?: unknown;
}

export class ServerGenerator implements TextGenerator {
  private readonly fetch: typeof fetch;

  constructor(
    readonly spec: ModelSpec,
    private readonly origin: string,
    private readonly access: ServerAccess,
  ) {
    this.fetch = access.fetch ?? globalThis.fetch.bind(globalThis);
  }

  async generate({ messages, plan, maxNewTokens, onText, onToken, stopping, onInterrupt }: GenerateOptions): Promise<string> {
    // Checked before each request, before any text goes out: the browser granted this origin (a
    // grant withdrawn since is respected at once).
    if (!(await this.access.granted(this.origin))) throw new ServerEngineError(t('serverErrorNoAccess', this.origin), false);
    const apiKey = await this.access.apiKey();
    const controller = new AbortController();
    const removeHook = onInterrupt?.(() => controller.abort());
    const body = {
      model: this.spec.modelId,
      messages,
      stream: true,
      max_tokens: maxNewTokens,
      // The same plan as on the device: greedy for the first variant, seeded sampling for the others.
      temperature: plan.do_sample ? (plan.temperature ?? 1) : 0,
      ...(plan.do_sample && plan.top_p !== undefined ? { top_p: plan.top_p } : {}),
      // Not in OpenAI's API; llama.cpp and vLLM read it, others ignore it.
      ...(plan.do_sample && plan.top_k !== undefined ? { top_k: plan.top_k } : {}),
      seed: plan.seed,
    };
    let response: Response;
    try {
      response = await this.fetch(`${this.spec.host}/chat/completions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}) },
        body: JSON.stringify(body),
        signal: controller.signal,
        // Nothing of the browser's (cookies, a login) goes with the text; the key is the credential.
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (error) {
      removeHook?.();
      if (stopping.interrupted) throw error;
      throw new ServerEngineError(t('serverErrorUnreachable', this.origin), true);
    }
    try {
      if (!response.ok) throw await this.httpFailure(response);
      if (!response.body) throw new ServerEngineError(t('serverErrorNotStreamed', this.origin), true);
      let text = '';
      let finished = false;
      try {
        for await (const data of sseData(response.body)) {
          if (data.trim() === '[DONE]') {
            finished = true;
            break;
          }
          const chunk = parseChunk(data);
          if (chunk === null) continue;
          if (chunk.error !== undefined) throw new ServerEngineError(t('serverErrorSaid', this.origin, errorText(chunk.error)), true);
          const choice = chunk.choices?.[0];
          const piece = choice?.delta?.content ?? '';
          if (piece) {
            text += piece;
            onToken?.();
            onText?.(text);
          }
          if (choice?.finish_reason) finished = true;
          if (stopping.interrupted) return text;
        }
      } catch (error) {
        if (stopping.interrupted || error instanceof ServerEngineError) throw error;
        // The connection broke while the reply was streaming.
        throw new ServerEngineError(t('serverErrorStreamCut', this.origin), true);
      }
      if (!finished && !stopping.interrupted) throw new ServerEngineError(t('serverErrorStreamCut', this.origin), true);
      return text;
    } finally {
      removeHook?.();
      controller.abort();
    }
  }

  /** A refused request in plain words: what the status means for this writer, and what to do. */
  private async httpFailure(response: Response): Promise<ServerEngineError> {
    const said = await readErrorBody(response);
    switch (response.status) {
      case 401:
        return new ServerEngineError(t('serverError401', this.origin), false);
      case 403:
        // Ollama refuses requests from origins it was not told of (an extension's among them).
        return new ServerEngineError(t('serverError403', this.origin, this.access.extensionOrigin), false);
      case 404:
        return /model/i.test(said)
          ? new ServerEngineError(t('serverErrorNoModel', this.origin, this.spec.modelId), false)
          : new ServerEngineError(t('serverErrorNoApi', `${this.spec.host}/chat/completions`), false);
      default:
        return new ServerEngineError(t('serverErrorStatus', this.origin, String(response.status), said || response.statusText), response.status >= 500 || response.status === 429);
    }
  }

  async dispose(): Promise<void> {}
}

function parseChunk(data: string): ChatChunk | null {
  try {
    const value = JSON.parse(data) as unknown;
    return typeof value === 'object' && value !== null ? (value as ChatChunk) : null;
  } catch {
    return null;
  }
}

/** The `error` of an OpenAI-style body (`{error: {message}}`, `{error: "…"}`, vLLM's `{message}`), else the text itself. */
function errorText(error: unknown): string {
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) {
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return JSON.stringify(error);
}

async function readErrorBody(response: Response): Promise<string> {
  const text = (await response.text().catch(() => '')).slice(0, ERROR_BODY_CHARS);
  const parsed = parseChunk(text) as (ChatChunk & { message?: unknown; detail?: unknown }) | null;
  if (parsed?.error !== undefined) return errorText(parsed.error);
  if (typeof parsed?.message === 'string') return parsed.message;
  if (typeof parsed?.detail === 'string') return parsed.detail;
  return text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
}
