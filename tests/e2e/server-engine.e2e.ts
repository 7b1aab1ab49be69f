/**
 * The newsroom server engine in the built extension, against a fake OpenAI-compatible server
 * for fault injection (the real server: server-engine-real.e2e.ts). What the writer sees: the
 * options page section, the panel saying where the text goes, each usual failure in plain words;
 * what must hold: nothing is sent before the browser grants the server's origin, the key lives
 * out of a content script's reach, and the writer's text goes to that server and nowhere else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { startFakeChatServer, type FakeChatServer } from '../support/fake-chat-server';
import { askBackground, launchExtension, requestsLeavingMachine, runSuggestCommand, setSettings, type LaunchedExtension, type NetworkRequest } from './support/browser';
import { startCmsServer } from './support/cms-server';
import { waitForSuggestion } from './support/suggest';
import { fillServerForm, grantOrigin, openOptions } from './support/server-engine';

const API_KEY = 'sk-newsroom-test-key';

describe('the newsroom server engine (fake server, fault injection)', { timeout: 120_000 }, () => {
  let fake: FakeChatServer;
  let cms: Awaited<ReturnType<typeof startCmsServer>>;
  let browser: LaunchedExtension;
  let page: Page;
  let options: Page;
  let requests: NetworkRequest[] = [];

  beforeAll(async () => {
    fake = await startFakeChatServer();
    cms = await startCmsServer();
    browser = await launchExtension();
    await setSettings(browser.worker, { pauseDelayMs: 0, variants: 1 });
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    if (browser) requests = await browser.close();
    await fake?.close();
    await cms?.close();
  });

  const body = () => page.locator('#content');
  async function suggest(): Promise<void> {
    // Focus, not a click: an open panel may lie over the field.
    await body().focus();
    await page.keyboard.press('Control+End');
    await runSuggestCommand(browser.worker);
  }
  const panelError = () => page.getByTestId('panel-error').locator('p').textContent({ timeout: 30_000 });

  it('sends nothing before the browser grants the server’s origin, and the panel says how to grant it', async () => {
    // Saved from an extension page, but not granted yet.
    options = await openOptions(browser);
    await askBackground(options, { type: 'engine.setServer', url: fake.origin, model: 'smollm2', sites: ['127.0.0.1'], apiKey: API_KEY });
    await page.goto(`${cms.origin}/wp-admin/post.php?post=1&action=edit`);
    await suggest();
    await expect.poll(panelError).toBe(`Ledgerline may not send text to ${fake.origin} yet: open the settings and choose “Use this server” to grant access to it.`);
    expect(fake.requests).toHaveLength(0);
  });

  it('the options page asks for that origin only, keeps the key out of storage.local, and passes axe', async () => {
    await grantOrigin(browser, fake.origin);
    await options.reload();
    await expect.poll(() => options.getByTestId('server-url').inputValue()).toBe(fake.origin);
    expect(await options.getByTestId('server-key').getAttribute('placeholder')).toBe('A key is saved; leave empty to keep it');
    await fillServerForm(options, { url: fake.origin, model: 'smollm2', sites: ['127.0.0.1'] });
    await expect.poll(() => options.getByTestId('server-access').textContent()).toContain(`Ledgerline may send the listed sites' text to ${fake.origin}/*`);
    const granted = await options.evaluate(() => (globalThis as unknown as { chrome: { permissions: { getAll(): Promise<{ origins?: string[] }> } } }).chrome.permissions.getAll());
    // '<all_urls>' is the content script's match, which getAll lists too; the one origin granted is the server's.
    expect(granted.origins?.filter((origin) => origin !== '<all_urls>')).toEqual([`${fake.origin}/*`]);
    // A content script can read storage.local; the key is not there (nor the server configuration).
    const local = await browser.worker.evaluate(() => (globalThis as unknown as { chrome: { storage: { local: { get(k: null): Promise<object> } } } }).chrome.storage.local.get(null));
    expect(JSON.stringify(local)).not.toContain(API_KEY);
    expect(JSON.stringify(local)).not.toContain(fake.origin);
    const scan = await new AxeBuilder({ page: options }).include('[aria-labelledby="server-heading"]').analyze();
    expect(scan.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });

  it('a chosen site: the panel says the text goes to the server, streams its reply, and the ledger names engine, server and model', async () => {
    fake.reply = ' The vote passed by seven to two.';
    await page.goto(`${cms.origin}/wp-admin/post.php?post=2&action=edit`);
    const before = await body().inputValue();
    await suggest();
    const text = await waitForSuggestion(page);
    expect(text).toBe(' The vote passed by seven to two.');
    expect(await page.getByTestId('panel-title').textContent()).toBe(`Suggestions · on ${new URL(fake.origin).host}`);
    const sent = fake.requests.at(-1)!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(sent.body).toContain(before.slice(-40));
    await page.keyboard.press('Tab');
    await expect.poll(() => body().inputValue()).toBe(before + text);
    const answer = (await askBackground(options, { type: 'audit.attribute', text: before + text, documentKey: null })) as {
      ok: true;
      attribution: { sentences: { match: { model: Record<string, string> } | null }[] };
    };
    const model = answer.attribution.sentences.find((s) => s.match)?.match?.model;
    expect(model).toEqual({ id: 'smollm2', revision: 'server', dtype: 'server', backend: 'server', server: fake.origin });
    expect(JSON.stringify(answer)).not.toContain(API_KEY);
  });

  const failures: [string, FakeChatServer['mode'], (origin: string, extension: string) => string][] = [
    ['Ollama’s 403 for an extension origin', 'forbidden', (o, e) => `The server at ${o} refused requests from this extension (HTTP 403). If it is Ollama, its admin must allow the extension's origin: start Ollama with OLLAMA_ORIGINS=${e}`],
    ['a 401', 'unauthorized', (o) => `The server at ${o} refused the API key (HTTP 401). Enter the key your newsroom gave you in the settings.`],
    ['a model the server does not have', 'unknown-model', (o) => `The server at ${o} has no model named “smollm2”. Check the model name in the settings (it must be one the server lists).`],
    ['a server that stops mid-stream', 'cut', (o) => `The server at ${o} stopped in the middle of a suggestion (the connection closed before the reply was complete). Try again; if it keeps happening, ask the server's admin.`],
  ];
  it.each(failures)('%s: the panel says what happened and what to do', async (_what, mode, expected) => {
    fake.mode = mode;
    await suggest();
    await expect.poll(panelError).toBe(expected(fake.origin, `chrome-extension://${browser.extensionId}`));
  });

  it('a server that is down (connection refused)', async () => {
    await fake.close();
    await suggest();
    await expect.poll(panelError).toBe(`Could not reach the server at ${fake.origin} (connection refused or no answer). Is it running, and is the address in the settings right?`);
  });

  it('the network log: the extension sent the writer’s text to the server’s origin and nowhere else', async () => {
    const extension = `chrome-extension://${browser.extensionId}`;
    requests = await browser.close();
    browser = undefined as unknown as LaunchedExtension;
    const fromExtension = requests.filter((r) => r.initiator === extension && !r.url.startsWith('chrome-extension:'));
    expect(fromExtension.length).toBeGreaterThan(0);
    for (const request of fromExtension) expect(request.url).toBe(`${fake.origin}/v1/chat/completions`);
    // Chromium's own service calls (no initiator) aside: every upload went to a chat-completions endpoint.
    const posts = requests.filter((r) => r.method === 'POST' && r.initiator !== null);
    expect(posts.length).toBeGreaterThan(0);
    for (const post of posts) expect(new URL(post.url).pathname).toBe('/v1/chat/completions');
    expect(posts.filter((p) => p.url.startsWith(cms.origin))).toEqual([]);
    expect(requestsLeavingMachine(requests)).toEqual([]);
  });
});
