import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InterruptableStoppingCriteria } from '@huggingface/transformers';
import { sharedPrefixLength } from '../../lib/engine/prompt-prefix-cache';
import { preparePrompt } from '../../lib/engine/prompts';
import { loadTransformersGenerator, type ModelSpec, type TextGenerator } from '../../lib/engine/text-generator';
import { startModelHost, type ModelHost } from '../../scripts/model-host';
import { TINY_MODEL_ID, TINY_MODEL_ROOT, useModelHost } from '../support/tiny-model';

/**
 * Reusing the prompt prefix's keys and values (#13): the next variant of a request and the next
 * request for a field after a few more words read only what is new, and write exactly what a
 * generation from scratch writes.
 */
let host: ModelHost;
const dirs: string[] = [];

beforeAll(async () => {
  host = await startModelHost({ root: TINY_MODEL_ROOT });
  useModelHost(host.origin);
});
afterAll(async () => {
  await host?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function load(): Promise<TextGenerator> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'ledgerline-prefix-'));
  dirs.push(cacheDir);
  const spec: ModelSpec = { host: host.origin, modelId: TINY_MODEL_ID, revision: 'main', device: 'cpu', dtype: 'q8' };
  return loadTransformersGenerator(spec, undefined, { cacheDir });
}

const greedy = { do_sample: false, seed: 1 };
const sampled = { do_sample: true, temperature: 0.9, top_k: 40, seed: 7 };
const draft = 'The harbour authority approved the new ferry timetable on Monday evening. Officials said the changes';
const messages = (text: string) => preparePrompt({ action: 'continue', text, caret: text.length, selection: null }).messages;

async function write(generator: TextGenerator, text: string, plan: typeof greedy | typeof sampled) {
  const out = await generator.generate({ messages: messages(text), plan, maxNewTokens: 24, stopping: new InterruptableStoppingCriteria() });
  return { text: out, reused: generator.lastReusedTokens ?? 0 };
}

/** Prompt tokens the last generation had to read (all but the reused ones). */
function readAgain(generator: TextGenerator): number {
  return (generator as TextGenerator & { lastPromptTokens: number }).lastPromptTokens - (generator.lastReusedTokens ?? 0);
}

describe('prompt prefix reuse (tiny model, Node)', () => {
  it('counts the shared prefix of two token lists', () => {
    expect(sharedPrefixLength([1, 2, 3, 4], [1, 2, 9])).toBe(2);
    expect(sharedPrefixLength([], [1])).toBe(0);
    expect(sharedPrefixLength([5, 6], [5, 6])).toBe(2);
  });

  it('the next variant and the next request after more typing reuse the prefix and write what a fresh model writes', async () => {
    const warm = await load();
    const first = await write(warm, draft, greedy);
    expect(first.reused).toBe(0);
    // The second variant of the same request: the whole prompt but its last token is reused.
    const again = await write(warm, draft, sampled);
    expect(again.reused).toBeGreaterThan(20);
    // The writer typed a few more words: everything up to them is reused.
    const longer = `${draft} would cut waiting times`;
    const next = await write(warm, longer, greedy);
    expect(next.reused).toBeGreaterThan(20);
    // Only the new words, the note that the text stops mid-sentence and the chat template's
    // closing tokens are read again, not the instructions (they come before the writer's text).
    const promptTokens = (warm as TextGenerator & { lastPromptTokens: number }).lastPromptTokens;
    expect(readAgain(warm)).toBeLessThan(promptTokens / 4);

    const cold = await load();
    expect(await write(cold, draft, sampled)).toEqual({ text: again.text, reused: 0 });
    const fresh = await load();
    expect((await write(fresh, longer, greedy)).text).toBe(next.text);
    for (const g of [warm, cold, fresh]) await g.dispose();
  });

  it('an unrelated prompt shares only the instructions, and still writes what a fresh model writes', async () => {
    const warm = await load();
    await write(warm, draft, greedy);
    const other = 'Residents of the lower town were told to move their cars before the river crested on Sunday.';
    const result = await write(warm, other, greedy);
    const fresh = await load();
    expect((await write(fresh, other, greedy)).text).toBe(result.text);
    for (const g of [warm, fresh]) await g.dispose();
  });

  it('going on from the writer\'s text: nothing follows the text in the prompt, so more typing reads only the new words again', async () => {
    const warm = await load();
    expect(warm.continuesReplies).toBe(true);
    const goOn = async (text: string, asReply: boolean) => {
      const prompt = preparePrompt({ action: 'continue', text, caret: text.length, selection: null });
      await warm.generate({
        messages: prompt.messages,
        ...(asReply ? { continuation: prompt.continuation! } : {}),
        plan: greedy,
        maxNewTokens: 4,
        stopping: new InterruptableStoppingCriteria(),
      });
      return readAgain(warm);
    };
    const longer = `${draft} would cut waiting times`;
    await goOn(draft, true);
    const asReply = await goOn(longer, true);
    await goOn(draft, false);
    const plainly = await goOn(longer, false);
    // Asked plainly, the fence and the chat template's closing tokens after the text are read again too.
    expect(asReply).toBeGreaterThan(0);
    expect(asReply).toBeLessThan(plainly);
    await warm.dispose();
  });
});
