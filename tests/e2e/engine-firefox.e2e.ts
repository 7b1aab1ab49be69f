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
    const wasm = readdirSync(join(FIREFOX_DIR, 'assets')).filter((name) => name.endsWith('.wasm'));
    expect(wasm).toHaveLength(1);
    // The background bundle points onnxruntime at that file (it is not inlined: the MV2 build was 72 MB).
    const background = readFileSync(join(FIREFOX_DIR, 'background.js'), 'utf8');
    const chunks = readdirSync(join(FIREFOX_DIR, 'chunks')).map((name) => readFileSync(join(FIREFOX_DIR, 'chunks', name), 'utf8'));
    expect([background, ...chunks].some((code) => code.includes(`/assets/${wasm[0]}`))).toBe(true);
    expect(background.length).toBeLessThan(2_000_000);
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
    const chrome = await bidi!.send('browsingContext.getTree', { 'moz:scope': 'chrome' });
    const url = `moz-extension://${ADDON_UUID}/engine-lab.html`;
    await bidi!.evaluate(
      chrome.contexts[0].context as string,
      `const tab = gBrowser.addTab(${JSON.stringify(url)}, { triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal() });
       gBrowser.selectedTab = tab; return true;`,
    );
    let context = '';
    for (let i = 0; i < 100 && !context; i++) {
      const tree = await bidi!.send('browsingContext.getTree', {});
      context = (tree.contexts as { context: string; url: string }[]).find((c) => c.url === url)?.context ?? '';
      if (!context) await new Promise((r) => setTimeout(r, 100));
    }
    expect(context).not.toBe('');

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
});
