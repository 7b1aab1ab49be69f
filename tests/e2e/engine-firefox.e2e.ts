/**
 * Firefox: `wxt build -b firefox` gives an MV3 add-on whose background is an event page (an ES
 * module, not a service worker) and whose onnxruntime .wasm ships inside the add-on (the CSP
 * forbids a CDN). When Debian's firefox-esr is installed, the build is also run in it, headless,
 * driven over WebDriver BiDi (Firefox's own remote protocol; no geckodriver): the event page
 * downloads the tiny model from the local host and generates on WASM.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startModelHost, type ModelHost } from '../../scripts/model-host';
import { TINY_MODEL_ID, TINY_MODEL_ROOT } from '../support/tiny-model';

const FIREFOX_DIR = resolve('.output/firefox-mv3');
const FIREFOX = ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find((path) => existsSync(path)) ?? null;
const ADDON_ID = 'ledgerline@ledgerline.dev';
const ADDON_UUID = '4b1d0c1e-7e57-4000-8000-00000000f1f0';

describe('Firefox build', () => {
  beforeAll(() => {
    execFileSync('npx', ['wxt', 'build', '-b', 'firefox'], { stdio: 'pipe', env: { ...process.env, LEDGERLINE_ENGINE_LAB: '1' } });
  }, 180_000);

  it('is MV3 with an event-page ES module background and the wasm inside the add-on', () => {
    const manifest = JSON.parse(readFileSync(join(FIREFOX_DIR, 'manifest.json'), 'utf8')) as Record<string, any>;
    expect(manifest.manifest_version).toBe(3);
    expect(manifest.background).toEqual({ type: 'module', scripts: ['background.js'] });
    expect(manifest.background.service_worker).toBeUndefined();
    expect(manifest.browser_specific_settings.gecko.id).toBe(ADDON_ID);
    const csp = manifest.content_security_policy.extension_pages as string;
    expect(csp).toContain("'wasm-unsafe-eval'");
    expect(csp).not.toMatch(/https?:/);
    // Two binaries, each once: onnxruntime's (the model) and Harper's (proofreading).
    const wasm = readdirSync(join(FIREFOX_DIR, 'assets')).filter((name) => name.endsWith('.wasm'));
    expect(wasm.map((name) => name.replace(/-[\w-]{8}\.wasm$/, '.wasm')).sort()).toEqual(['harper_wasm_bg.wasm', 'ort-wasm-simd-threaded.asyncify.wasm']);
    // The background bundle points each library at its file (not inlined: the MV2 build was 72 MB).
    const background = readFileSync(join(FIREFOX_DIR, 'background.js'), 'utf8');
    const chunks = readdirSync(join(FIREFOX_DIR, 'chunks')).map((name) => readFileSync(join(FIREFOX_DIR, 'chunks', name), 'utf8'));
    for (const file of wasm) expect([background, ...chunks].some((code) => code.includes(`/assets/${file}`)), file).toBe(true);
    expect(background.length).toBeLessThan(2_000_000);
    // No host access of its own: the content script's matches, and a model mirror's origin asked for when set.
    expect(manifest.host_permissions).toBeUndefined();
    expect(manifest.optional_host_permissions).toEqual(['http://*/*', 'https://*/*']);
    expect(manifest.permissions).toEqual(['storage', 'unlimitedStorage']);
  });
});

/** A minimal WebDriver BiDi client. */
class Bidi {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id?: number; type: string; result?: unknown; error?: string; message?: string };
      if (message.id === undefined) return;
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.type === 'success') waiter?.resolve(message.result);
      else waiter?.reject(new Error(`${message.error}: ${message.message}`));
    });
  }
  static async connect(url: string): Promise<Bidi> {
    const socket = new WebSocket(url);
    await new Promise((ok, fail) => {
      socket.once('open', ok);
      socket.once('error', fail);
    });
    return new Bidi(socket);
  }
  send(method: string, params: object = {}): Promise<any> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }
  /** Evaluates an async expression returning a JSON string in the page, and parses it. */
  async evaluate<T>(context: string, body: string): Promise<T> {
    const result = await this.send('script.evaluate', {
      expression: `(async () => JSON.stringify(await (async () => { ${body} })()))()`,
      target: { context },
      awaitPromise: true,
    });
    if (result.type !== 'success') throw new Error(`evaluate failed: ${JSON.stringify(result.exceptionDetails?.text ?? result)}`);
    return JSON.parse(result.result.value as string) as T;
  }
  close(): void {
    this.socket.close();
  }
}

async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

describe.skipIf(FIREFOX === null)('Firefox ESR runs the build (headless, WebDriver BiDi)', () => {
  let host: ModelHost;
  let firefox: ChildProcess | null = null;
  let profile = '';
  let bidi: Bidi | null = null;

  beforeAll(async () => {
    host = await startModelHost({ root: TINY_MODEL_ROOT });
    profile = await mkdtemp(join(tmpdir(), 'ledgerline-firefox-'));
    const prefs = {
      // A fixed moz-extension:// host for the add-on, so the test can open its pages.
      'extensions.webextensions.uuids': JSON.stringify({ [ADDON_ID]: ADDON_UUID }),
      'browser.shell.checkDefaultBrowser': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'app.update.disabledForTesting': true,
      'browser.startup.homepage_override.mstone': 'ignore',
      'toolkit.telemetry.reportingpolicy.firstRun': false,
    };
    await writeFile(
      join(profile, 'user.js'),
      Object.entries(prefs)
        .map(([key, value]) => `user_pref(${JSON.stringify(key)}, ${JSON.stringify(value)});`)
        .join('\n'),
    );
    const port = await freePort();
    // System access lets the test open the add-on's page from the browser window (BiDi refuses to
    // navigate a tab to moz-extension:// URLs).
    firefox = spawn(FIREFOX!, ['--headless', '--no-remote', '--profile', profile, `--remote-debugging-port=${port}`, '--remote-allow-system-access'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await new Promise<void>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error('Firefox did not start its remote agent')), 60_000);
      firefox!.stderr!.on('data', (chunk: Buffer) => {
        if (String(chunk).includes('WebDriver BiDi listening')) {
          clearTimeout(timer);
          ok();
        }
      });
    });
    bidi = await Bidi.connect(`ws://127.0.0.1:${port}/session`);
    await bidi.send('session.new', { capabilities: {} });
  }, 120_000);

  afterAll(async () => {
    try {
      await bidi?.send('session.end').catch(() => undefined);
    } finally {
      bidi?.close();
      firefox?.kill('SIGTERM');
      await host?.close();
      if (profile) await rm(profile, { recursive: true, force: true });
    }
  });

  it('the event page downloads the tiny model and generates on WASM from the add-on’s own files', async () => {
    const installed = await bidi!.send('webExtension.install', { extensionData: { type: 'path', path: FIREFOX_DIR } });
    expect(installed.extension).toBe(ADDON_ID);
    const context = await openAddonPage(bidi!, 'engine-lab.html');

    await bidi!.evaluate(
      context,
      `await browser.storage.local.set({ settings: { modelHost: ${JSON.stringify(host.origin)}, modelId: ${JSON.stringify(TINY_MODEL_ID)}, variants: 1 } }); return true;`,
    );
    const runtime = await bidi!.evaluate<{ ok: boolean; device: string; dtype: string; reason: string }>(
      context,
      `return browser.runtime.sendMessage({ type: 'engine.runtime' });`,
    );
    expect(runtime).toMatchObject({ ok: true, device: 'wasm', dtype: 'q8' });
    const status = await bidi!.evaluate<{ state: string; model?: { backend: string } }>(
      context,
      `return browser.runtime.sendMessage({ type: 'engine.warmUp' });`,
    );
    expect(status).toMatchObject({ state: 'ready', model: { backend: 'wasm' } });
    const final = await bidi!.evaluate<{ type: string; variants?: string[] }>(
      context,
      `return await new Promise((resolve) => {
        const port = browser.runtime.connect({ name: 'generate' });
        port.onMessage.addListener((m) => { if (m.type === 'done' || m.type === 'error') resolve(m); });
        port.onDisconnect.addListener(() => resolve({ type: 'lost' }));
        const text = 'The mayor said that the council would meet';
        port.postMessage({ type: 'generate', requestId: 'ff-1', fieldKey: 'lab|ff', action: 'continue', text, selectionStart: text.length, selectionEnd: text.length, variants: 1 });
      });`,
    );
    expect(final.type).toBe('done');
    // The files came from the local host (the add-on has no other source), once each.
    expect(host.log.some((e) => e.path.endsWith('/onnx/model_quantized.onnx') && e.range === null)).toBe(true);
  });

  it('a mirror without CORS headers: refused, the host is kept and the page says what that means; granted, the model loads; left, the grant is withdrawn', async () => {
    const mirror = await startModelHost({ root: TINY_MODEL_ROOT, cors: false });
    try {
      // The writer turns off "Access your data for all websites" (about:addons → Permissions):
      // the add-on then has no host access at all.
      await bidi!.evaluate(
        await chromeContext(bidi!),
        `const { ExtensionPermissions } = ChromeUtils.importESModule('resource://gre/modules/ExtensionPermissions.sys.mjs');
         const policy = WebExtensionPolicy.getByID(${JSON.stringify(ADDON_ID)});
         await ExtensionPermissions.remove(policy.id, { permissions: [], origins: ['<all_urls>'] }, policy.extension);
         return true;`,
      );
      const lab = await openAddonPage(bidi!, 'engine-lab.html');
      const pattern = 'http://127.0.0.1/*'; // Firefox's match patterns take no port
      const granted = () => bidi!.evaluate<boolean>(lab, `return browser.permissions.contains({ origins: [${JSON.stringify(pattern)}] });`);
      const storedHost = () => bidi!.evaluate<string | undefined>(lab, `return (await browser.storage.local.get('settings')).settings?.modelHost;`);
      const warmUp = async () => {
        await bidi!.evaluate(lab, `await browser.runtime.sendMessage({ type: 'engine.unload' }); return true;`);
        return bidi!.evaluate<{ state: string; message?: string }>(lab, `return browser.runtime.sendMessage({ type: 'engine.warmUp' });`);
      };
      expect(await granted()).toBe(false);
      // The first test stored the model: delete it, so that it has to come from the mirror.
      expect(await bidi!.evaluate(lab, `return browser.runtime.sendMessage({ type: 'engine.deleteModel', modelId: ${JSON.stringify(TINY_MODEL_ID)} });`)).toMatchObject({ ok: true });
      await bidi!.evaluate(lab, `await browser.storage.local.set({ settings: { modelId: ${JSON.stringify(TINY_MODEL_ID)}, variants: 1 } }); return true;`);

      // "Use this host" (Enter in the field: a real user input, which the request needs), and the
      // writer cancels Firefox's permission prompt.
      const options = await openAddonPage(bidi!, 'options.html');
      const access = () => bidi!.evaluate<string>(options, `return document.querySelector('[data-testid="model-host-access"]')?.textContent ?? '';`);
      await useModelHost(bidi!, options, mirror.origin);
      await answerPermissionPrompt(bidi!, 'cancel');
      await expect.poll(access).toContain(`no permission for ${pattern}. That is enough if the server sends CORS headers`);
      expect(await storedHost()).toBe(mirror.origin);
      expect(await granted()).toBe(false);
      expect(await warmUp()).toMatchObject({ state: 'error', message: expect.stringMatching(/could not be downloaded/) });

      // Asked again, and allowed: the model comes from the mirror.
      await useModelHost(bidi!, options, mirror.origin);
      await answerPermissionPrompt(bidi!, 'allow');
      await expect.poll(access).toContain(`Ledgerline may download from ${pattern}`);
      expect(await granted()).toBe(true);
      expect(await warmUp()).toMatchObject({ state: 'ready' });
      expect(mirror.log.some((e) => e.path.endsWith('/onnx/model_quantized.onnx') && e.status === 200)).toBe(true);

      // Back to the hub: the mirror's access is withdrawn.
      await useModelHost(bidi!, options, 'https://huggingface.co');
      await expect.poll(granted).toBe(false);
      expect(await storedHost()).toBe('https://huggingface.co');
    } finally {
      await mirror.close();
    }
  });
});

async function chromeContext(bidi: Bidi): Promise<string> {
  const chrome = await bidi.send('browsingContext.getTree', { 'moz:scope': 'chrome' });
  return chrome.contexts[0].context as string;
}

/** Opens one of the add-on's pages in a new tab (from the browser window: BiDi refuses moz-extension:// navigations). */
async function openAddonPage(bidi: Bidi, path: string): Promise<string> {
  const url = `moz-extension://${ADDON_UUID}/${path}`;
  const known = new Set(((await bidi.send('browsingContext.getTree', {})).contexts as { context: string }[]).map((c) => c.context));
  await bidi.evaluate(
    await chromeContext(bidi),
    `const tab = gBrowser.addTab(${JSON.stringify(url)}, { triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal() });
     gBrowser.selectedTab = tab; return true;`,
  );
  for (let i = 0; i < 200; i++) {
    const tree = await bidi.send('browsingContext.getTree', {});
    const opened = (tree.contexts as { context: string; url: string }[]).find((c) => c.url === url && !known.has(c.context));
    // The tab reports the URL before the page's own document (with the extension API) has loaded.
    const loaded = opened && (await bidi.evaluate<boolean>(opened.context, `return typeof browser !== 'undefined' && document.readyState === 'complete';`).catch(() => false));
    if (loaded) return opened.context;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${path} did not load`);
}

/** Answers the add-on permission prompt in the browser window, as the writer's click on its button would. */
async function answerPermissionPrompt(bidi: Bidi, answer: 'allow' | 'cancel'): Promise<void> {
  const answered = await bidi.evaluate<boolean>(
    await chromeContext(bidi),
    `for (let i = 0; i < 100; i++) {
       const prompt = PopupNotifications.getNotification('addon-webext-permissions', gBrowser.selectedBrowser);
       if (prompt) {
         (${JSON.stringify(answer)} === 'allow' ? prompt.mainAction : prompt.secondaryActions[0]).callback();
         prompt.remove();
         return true;
       }
       await new Promise((resolve) => setTimeout(resolve, 100));
     }
     return false;`,
  );
  expect(answered, 'a permission prompt was shown').toBe(true);
}

/** Types a model host into the options page's field and presses Enter there (submits "Use this host"). */
async function useModelHost(bidi: Bidi, options: string, modelHost: string): Promise<void> {
  await bidi.send('browsingContext.activate', { context: options });
  await bidi.evaluate(
    options,
    `let input = null;
     for (let i = 0; i < 100 && !input; i++) {
       input = document.querySelector('[data-testid="model-host"]');
       if (!input) await new Promise((resolve) => setTimeout(resolve, 100));
     }
     input.value = ${JSON.stringify(modelHost)};
     input.focus();
     return true;`,
  );
  const enter = '\uE007';
  await bidi.send('input.performActions', { context: options, actions: [{ type: 'key', id: 'keyboard', actions: [{ type: 'keyDown', value: enter }, { type: 'keyUp', value: enter }] }] });
}
