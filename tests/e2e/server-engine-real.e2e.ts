/**
 * The server engine against a real OpenAI-compatible server: llama.cpp's, from the pinned PyPI
 * package llama-cpp-python[server] (scripts/llama-server/make.sh), serving the SmolLM2-135M-Instruct
 * GGUF that the on-device real-model test converts, on 127.0.0.1. The test starts the server and
 * stops it. Asserted: the panel says the text goes to that server and streams a clean suggestion
 * from it; accepting it records engine, server and model; the network log shows the writer's text
 * went to that server and nowhere else.
 *
 * CI prepares the server first (.ci/run); elsewhere the file is skipped until make.sh has run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { askBackground, launchExtension, requestsLeavingMachine, runSuggestCommand, setSettings, type LaunchedExtension } from './support/browser';
import { startCmsServer } from './support/cms-server';
import { LLAMA_SERVER_GGUF, LLAMA_SERVER_MODEL, LLAMA_SERVER_PYTHON, llamaServerInstalled, startLlamaServer, type LlamaServer } from './support/llama-server';
import { useServer } from './support/server-engine';
import { waitForSuggestion } from './support/suggest';

const available = llamaServerInstalled();
if (!available && process.env.CI) throw new Error(`llama.cpp's server is missing (${LLAMA_SERVER_PYTHON}, ${LLAMA_SERVER_GGUF}): .ci/run runs scripts/llama-server/make.sh first.`);

/** What must never reach the writer: template tokens, role names. */
const LEAKS = /<\|[a-z_]+\|>|<\/?s>|^\s*(assistant|user|system)\s*[:\n]/im;

/**
 * A 135M model can write nothing the panel may offer (every variant cut or leaking): the writer
 * then presses "Try again", as the panel says, which samples anew. Up to two tries more; any other
 * error, or a third empty answer, fails.
 */
async function suggestionTryingAgain(page: Page): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await waitForSuggestion(page, 240_000);
    } catch (error) {
      if (attempt === 2 || !String(error).includes('returned no usable suggestion')) throw error;
      await page.getByTestId('panel-retry').click();
      await page.getByTestId('panel-error').waitFor({ state: 'detached' });
    }
  }
}

describe.skipIf(!available)('the server engine against llama.cpp’s server (llama-cpp-python, SmolLM2-135M-Instruct GGUF)', { timeout: 300_000 }, () => {
  let llama: LlamaServer;
  let cms: Awaited<ReturnType<typeof startCmsServer>>;
  let browser: LaunchedExtension | undefined;
  let page: Page;
  let options: Page;

  beforeAll(async () => {
    llama = await startLlamaServer();
    cms = await startCmsServer();
    browser = await launchExtension();
    await setSettings(browser.worker, { pauseDelayMs: 0, variants: 3, maxNewTokens: 64 });
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await llama?.close();
    await cms?.close();
  });

  it('the writer sends this site’s text to the server on the options page (its origin granted)', async () => {
    options = await useServer(browser!, { url: llama.origin, model: LLAMA_SERVER_MODEL, sites: ['127.0.0.1'] });
  });

  it('streams a clean suggestion from the server, says so in the panel, and records engine, server and model', async () => {
    await page.goto(`${cms.origin}/wp-admin/post.php?post=7&action=edit`);
    const field = page.locator('#content');
    await field.fill('The city council met on Tuesday to discuss the new budget. Residents packed the hall to hear the vote.');
    await field.focus();
    await page.keyboard.press('Control+End');
    const before = await field.inputValue();
    await runSuggestCommand(browser!.worker);
    await expect.poll(() => page.getByTestId('panel-title').textContent({ timeout: 60_000 })).toBe(`Suggestions · on ${new URL(llama.origin).host}`);
    const text = await suggestionTryingAgain(page);
    expect(text.trim().length).toBeGreaterThan(0);
    expect(text).not.toMatch(LEAKS);
    await page.keyboard.press('Tab');
    await expect.poll(() => field.inputValue()).toBe(before + text);
    const answer = (await askBackground(options, { type: 'audit.attribute', text: before + text, documentKey: null })) as {
      attribution: { sentences: { match: { model: Record<string, string> } | null }[] };
    };
    expect(answer.attribution.sentences.find((s) => s.match)?.match?.model).toEqual({
      id: LLAMA_SERVER_MODEL,
      revision: 'server',
      dtype: 'server',
      backend: 'server',
      server: llama.origin,
    });
    // The server's own log: it was asked for chat completions (one request per variant).
    expect(llama.output()).toMatch(/POST \/v1\/chat\/completions/);
  });

  it('the network log: the extension sent text to that server only, and nothing left the machine', async () => {
    const extension = `chrome-extension://${browser!.extensionId}`;
    const requests = await browser!.close();
    browser = undefined;
    const fromExtension = requests.filter((r) => r.initiator === extension && !r.url.startsWith('chrome-extension:'));
    expect(fromExtension.length).toBeGreaterThan(0);
    for (const request of fromExtension) expect(request.url).toBe(`${llama.origin}/v1/chat/completions`);
    const uploads = requests.filter((r) => r.method === 'POST' && r.initiator !== null);
    expect(uploads.map((r) => r.url)).toEqual(fromExtension.filter((r) => r.method === 'POST').map((r) => r.url));
    expect(requestsLeavingMachine(requests)).toEqual([]);
  });
});
