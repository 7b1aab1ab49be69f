import { InterruptableStoppingCriteria } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { findPromptApi, loadPromptApiGenerator, promptApiAvailability, PROMPT_API_MODEL_ID, PromptApiGenerator, type LanguageModelStatic } from '../../lib/engine/prompt-api';
import { modelSpecFor } from '../../lib/engine/model-spec';
import { DEFAULT_SETTINGS } from '../../lib/settings';

function fakeApi(state: string, chunks: string[], seen: { options?: unknown; prompt?: string; destroyed?: number } = {}): LanguageModelStatic {
  return {
    availability: async () => state,
    create: async (options) => {
      seen.options = options;
      return {
        promptStreaming(input: string) {
          seen.prompt = input;
          return (async function* () {
            for (const chunk of chunks) yield chunk;
          })();
        },
        destroy() {
          seen.destroyed = (seen.destroyed ?? 0) + 1;
        },
      };
    },
  };
}

const plan = { do_sample: false, seed: 1 };
const messages = [
  { role: 'system' as const, content: 'You are a writing assistant.' },
  { role: 'user' as const, content: 'Continue: The mayor said' },
];

describe('Prompt API backend', () => {
  it('is detected, not assumed', async () => {
    expect(findPromptApi({})).toBeNull();
    expect(await promptApiAvailability(null)).toBe('absent');
    expect(await promptApiAvailability(findPromptApi({ LanguageModel: fakeApi('available', []) }))).toBe('available');
    expect(await promptApiAvailability(fakeApi('downloadable', []))).toBe('downloadable');
    expect(await promptApiAvailability(fakeApi('no', []))).toBe('unavailable');
  });

  it('streams through the TextGenerator interface, greedy for the first plan, capped in chunks', async () => {
    const seen: { options?: unknown; prompt?: string; destroyed?: number } = {};
    const generator = new PromptApiGenerator(fakeApi('available', [' that', ' the', ' budget', ' passes.'], seen));
    const texts: string[] = [];
    let tokens = 0;
    const text = await generator.generate({
      messages,
      plan,
      maxNewTokens: 3,
      stopping: new InterruptableStoppingCriteria(),
      onText: (t) => texts.push(t),
      onToken: () => void (tokens += 1),
    });
    expect(text).toBe(' that the budget');
    expect(texts).toEqual([' that', ' that the', ' that the budget']);
    expect(tokens).toBe(3);
    expect(seen.prompt).toBe('Continue: The mayor said');
    expect(seen.options).toMatchObject({ initialPrompts: [messages[0]], temperature: 0, topK: 1 });
    expect(seen.destroyed).toBe(1);
  });

  it('stops when interrupted', async () => {
    const stopping = new InterruptableStoppingCriteria();
    const generator = new PromptApiGenerator(fakeApi('available', [' a', ' b', ' c']));
    const text = await generator.generate({ messages, plan, maxNewTokens: 10, stopping, onText: () => stopping.interrupt() });
    expect(text).toBe(' a');
  });
});

describe('the built-in model as a choice in the settings', () => {
  it('resolves to the Prompt API backend, with nothing to download', () => {
    const resolved = modelSpecFor({ ...DEFAULT_SETTINGS, device: 'builtin' }, null);
    expect(resolved.spec).toMatchObject({ modelId: PROMPT_API_MODEL_ID, device: 'builtin', dtype: 'builtin' });
    expect(resolved.expectedBytes).toBeNull();
    expect(resolved.reason).toMatch(/built-in model/);
  });

  it.each([
    ['absent', null, /has no built-in language model/],
    ['unavailable', 'unavailable', /cannot run on this device/],
    ['downloadable', 'downloadable', /not downloaded/],
  ] as const)('refuses to load when the model is %s, saying why and what to do', async (_name, state, message) => {
    const api = state === null ? null : ({ availability: async () => state, create: async () => { throw new Error('not reached'); } } as unknown as LanguageModelStatic);
    await expect(loadPromptApiGenerator(api)).rejects.toThrow(message);
    await expect(loadPromptApiGenerator(api)).rejects.toThrow(/Choose "Automatic"/);
  });

  it('loads when available and reports itself as the browser backend', async () => {
    const api = { availability: async () => 'available', create: async () => { throw new Error('unused'); } } as unknown as LanguageModelStatic;
    const generator = await loadPromptApiGenerator(api);
    expect(generator.spec.device).toBe('builtin');
  });
});
