/**
 * Optional backend: Chrome's built-in Prompt API (`LanguageModel`, Gemini Nano), behind the same
 * TextGenerator interface as transformers.js. Detected, never assumed: the global may be missing
 * (other browsers, older Chrome, policy), or present with the model unavailable, still to be
 * downloaded, or downloading.
 *
 * Chosen with the device setting 'builtin'; the ledger then records backend 'builtin', so a
 * report says the browser's model wrote the text, not one this extension ran.
 */
import type { GenerateOptions, ModelSpec, TextGenerator } from './text-generator';

export type PromptApiAvailability = 'absent' | 'unavailable' | 'downloadable' | 'downloading' | 'available';

interface LanguageModelSession {
  promptStreaming(input: string, options?: { signal?: AbortSignal }): ReadableStream<string> | AsyncIterable<string>;
  destroy(): void;
}

export interface LanguageModelStatic {
  availability(options?: object): Promise<string>;
  create(options: {
    initialPrompts?: { role: 'system' | 'user' | 'assistant'; content: string }[];
    temperature?: number;
    topK?: number;
    signal?: AbortSignal;
  }): Promise<LanguageModelSession>;
  params?(): Promise<{ maxTemperature?: number; maxTopK?: number; defaultTopK?: number }>;
}

export function findPromptApi(scope: object = globalThis): LanguageModelStatic | null {
  const candidate = (scope as { LanguageModel?: unknown }).LanguageModel;
  if (typeof candidate !== 'function' && (typeof candidate !== 'object' || candidate === null)) return null;
  const api = candidate as Partial<LanguageModelStatic>;
  return typeof api.availability === 'function' && typeof api.create === 'function' ? (api as LanguageModelStatic) : null;
}

export async function promptApiAvailability(api: LanguageModelStatic | null = findPromptApi()): Promise<PromptApiAvailability> {
  if (!api) return 'absent';
  try {
    const state = await api.availability();
    return state === 'available' || state === 'downloadable' || state === 'downloading' ? state : 'unavailable';
  } catch {
    return 'unavailable';
  }
}

export const PROMPT_API_MODEL_ID = 'chrome/built-in-language-model';

/**
 * One Prompt API session per variant (sampling is fixed at creation). The last user message is
 * the prompt; earlier messages become the initial prompts. The API has no token limit, so the
 * stream is cut after `maxNewTokens` chunks (a chunk is about a token).
 */
export class PromptApiGenerator implements TextGenerator {
  readonly spec: ModelSpec;

  constructor(private readonly api: LanguageModelStatic) {
    this.spec = { host: '', modelId: PROMPT_API_MODEL_ID, revision: 'builtin', device: 'builtin', dtype: 'builtin' };
  }

  async generate({ messages, plan, maxNewTokens, onText, onToken, stopping }: GenerateOptions): Promise<string> {
    const last = messages.at(-1);
    if (!last || last.role !== 'user') throw new Error('the Prompt API backend needs a final user message');
    const controller = new AbortController();
    const session = await this.api.create({
      initialPrompts: messages.slice(0, -1),
      temperature: plan.do_sample ? (plan.temperature ?? 1) : 0,
      topK: plan.do_sample ? (plan.top_k ?? 40) : 1,
      signal: controller.signal,
    });
    let text = '';
    let chunks = 0;
    try {
      const stream = session.promptStreaming(last.content, { signal: controller.signal });
      for await (const chunk of stream as AsyncIterable<string>) {
        if (stopping.interrupted) break;
        // Early Chrome versions streamed the whole text so far; current ones stream deltas.
        text = chunk.startsWith(text) && text.length > 0 ? chunk : text + chunk;
        chunks += 1;
        onToken?.();
        onText?.(text);
        if (chunks >= maxNewTokens) break;
      }
    } finally {
      controller.abort();
      session.destroy();
    }
    return text;
  }

  async dispose(): Promise<void> {}
}

export class PromptApiUnavailableError extends Error {
  override readonly name = 'PromptApiUnavailableError';
}

const UNAVAILABLE_REASON: Record<Exclude<PromptApiAvailability, 'available'>, string> = {
  absent: "this browser has no built-in language model (Chrome's Prompt API is missing)",
  unavailable: 'the browser reports its built-in model cannot run on this device',
  downloadable: 'the browser has not downloaded its built-in model yet',
  downloading: 'the browser is still downloading its built-in model',
};

/** The built-in model as a TextGenerator, or a clear error saying why it cannot be used. */
export async function loadPromptApiGenerator(api: LanguageModelStatic | null = findPromptApi()): Promise<TextGenerator> {
  const state = await promptApiAvailability(api);
  if (state !== 'available' || !api) {
    throw new PromptApiUnavailableError(`${UNAVAILABLE_REASON[state === 'available' ? 'absent' : state]}. Choose "Automatic" as the device in the settings to use the extension's own model.`);
  }
  return new PromptApiGenerator(api);
}
