import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { consentKeyOf, DOWNLOAD_CONSENT_KEY } from '../../../lib/engine/download-consent';

export const EXTENSION_DIR = resolve('.output/chrome-mv3');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface LaunchedExtension {
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  userDataDir: string;
  /** Closes the browser and returns every request the browser's network stack started. */
  close(options?: { keepProfile?: boolean }): Promise<NetworkRequest[]>;
}

export interface LaunchOptions {
  /** Reuse a profile (to test what survives a browser restart). */
  userDataDir?: string;
  /** swiftshader: WebGPU on the CPU (any machine); gpu: the machine's own GPU through Vulkan (benchmarks). */
  webgpu?: 'swiftshader' | 'gpu' | 'off';
  /** More Chromium switches (e.g. the engine benchmark's --disable-renderer-backgrounding). */
  extraArgs?: string[];
  /** Another build than the tested one in .output (e.g. the shipped build). */
  extensionDir?: string;
  /**
   * The writer's language (e.g. 'de'). Measured in this headless Chromium: `--lang` is what picks
   * the extension's `_locales/<lang>` (chrome.i18n.getMessage); the LANGUAGE, LANG and LC_ALL
   * environment variables change nothing. Playwright emulates its own locale (en-US unless told)
   * in pages, which is what navigator.language and chrome.i18n.getUILanguage() report there, so
   * both are set.
   */
  locale?: string;
}

/**
 * Launches Debian's Chromium with the built extension. Every network request the browser makes —
 * pages, the extension's service worker, Chromium itself — is written to a NetLog, so tests can
 * assert that nothing left the machine.
 */
export async function launchExtension(options: LaunchOptions = {}): Promise<LaunchedExtension> {
  const userDataDir = options.userDataDir ?? (await mkdtemp(join(tmpdir(), 'ledgerline-profile-')));
  await writeQuietPreferences(userDataDir);
  const netLogDir = await mkdtemp(join(tmpdir(), 'ledgerline-netlog-'));
  const netLog = join(netLogDir, 'netlog.json');
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    ...(options.locale ? { locale: options.locale } : {}),
    args: [...extensionBrowserArgs(options), ...(options.locale ? [`--lang=${options.locale}`] : []), `--log-net-log=${netLog}`],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(worker.url()).host;
  return {
    context,
    worker,
    extensionId,
    userDataDir,
    async close({ keepProfile = false } = {}) {
      await context.close();
      const urls = await requestedUrls(netLog);
      await rm(netLogDir, { recursive: true, force: true });
      if (!keepProfile && !options.userDataDir) await rm(userDataDir, { recursive: true, force: true });
      return urls;
    },
  };
}

/**
 * Switches for WebGPU on the machine's GPU in headless Chromium (no window surface; Vulkan without
 * one still reaches the GPU). LEDGERLINE_WEBGPU_ARGS (space-separated) replaces them where a
 * driver needs others: bench/gpu/probe.ts tells which set gets an adapter.
 */
export function gpuWebgpuArgs(): string[] {
  const override = process.env.LEDGERLINE_WEBGPU_ARGS?.trim();
  if (override) return override.split(/\s+/);
  return ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=vulkan', '--disable-vulkan-surface', '--ignore-gpu-blocklist'];
}

/** Chromium switches for a run with the built extension and none of Chromium's own network services. */
export function extensionBrowserArgs(options: Pick<LaunchOptions, 'webgpu' | 'extraArgs' | 'extensionDir'> = {}): string[] {
  const extensionDir = options.extensionDir ?? EXTENSION_DIR;
  const webgpuArgs =
    options.webgpu === 'swiftshader'
      ? ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan']
      : options.webgpu === 'gpu'
        ? gpuWebgpuArgs()
        : [];
  return [
    '--no-sandbox',
    `--disable-extensions-except=${extensionDir}`,
    `--load-extension=${extensionDir}`,
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run',
    // Chromium's own background services would otherwise call Google (time, updates,
    // spelling dictionaries, autofill, accounts) and drown the extension's requests.
    '--disable-features=OptimizationHints,MediaRouter,NetworkTimeServiceQuerying,AutofillServerCommunication,Translate',
    '--disable-default-apps',
    '--disable-domain-reliability',
    '--disable-client-side-phishing-detection',
    '--no-pings',
    ...webgpuArgs,
    ...(options.extraArgs ?? []),
  ];
}

/** Profile preferences that switch off services flags cannot reach (sign-in, spell-check downloads). */
export async function writeQuietPreferences(userDataDir: string): Promise<void> {
  const file = join(userDataDir, 'Default', 'Preferences');
  if (await readFile(file).then(() => true, () => false)) return;
  await mkdir(join(userDataDir, 'Default'), { recursive: true });
  const preferences = {
    signin: { allowed: false, allowed_on_next_startup: false },
    browser: { enable_spellchecking: false },
    spellcheck: { dictionaries: [], use_spelling_service: false },
    autofill: { enabled: false, profile_enabled: false, credit_card_enabled: false },
  };
  await writeFile(file, JSON.stringify(preferences));
}

export interface NetworkRequest {
  url: string;
  /** GET, POST, … */
  method: string;
  /** The origin that caused the request (a page, the extension), or null for Chromium itself. */
  initiator: string | null;
}

/** The requests in a Chromium NetLog (URL_REQUEST_START_JOB events). */
async function requestedUrls(netLogPath: string): Promise<NetworkRequest[]> {
  let text = await readFile(netLogPath, 'utf8').catch(() => '');
  if (!text) return [];
  // A NetLog closed abruptly lacks its closing brackets.
  text = text.trimEnd();
  if (!text.endsWith('}')) text = text.replace(/,\s*$/, '') + ']}';
  const log = JSON.parse(text) as {
    constants: { logEventTypes: Record<string, number> };
    events: { type: number; params?: { url?: string; initiator?: string; method?: string } }[];
  };
  const startJob = log.constants.logEventTypes.URL_REQUEST_START_JOB;
  return log.events
    .filter((event) => event.type === startJob && event.params?.url)
    .map(({ params }) => ({
      url: params!.url!,
      method: params!.method ?? 'GET',
      initiator: params!.initiator && params!.initiator !== 'not an origin' ? params!.initiator : null,
    }));
}

/**
 * Hosts of Chromium's own services (clock, component and extension updates, spelling
 * dictionaries, account cookies). A bare Chromium with no extension calls them too, from the
 * browser process (no initiator); on this network they all fail to resolve.
 */
const CHROMIUM_SERVICE_HOSTS = new Set([
  'accounts.google.com',
  'update.googleapis.com',
  'redirector.gvt1.com',
  'clients2.google.com',
  'content-autofill.googleapis.com',
]);

/** Requests that left the machine other than Chromium's own service calls: must be none. */
export function requestsLeavingMachine(requests: NetworkRequest[]): NetworkRequest[] {
  return requests.filter(
    (request) => !isLocal(request.url) && !(request.initiator === null && CHROMIUM_SERVICE_HOSTS.has(new URL(request.url).hostname)),
  );
}

/** True for URLs that stay on this machine: loopback servers and the browser's own schemes. */
export function isLocal(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (['chrome-extension:', 'data:', 'blob:', 'chrome:', 'about:'].includes(protocol)) return true;
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

/**
 * The writer's settings. A writer who set a model up has also agreed to download it (the
 * onboarding's Download, the panel's offer): unless `downloadConsent` is false, the consent to
 * the model the settings name is stored with them. Without consent a suggestion downloads nothing.
 */
export async function setSettings(worker: Worker, settings: Record<string, unknown>, { downloadConsent = true } = {}): Promise<void> {
  const modelId = typeof settings.modelId === 'string' ? settings.modelId : '';
  const consent = downloadConsent && modelId ? [consentKeyOf(modelId)] : [];
  await worker.evaluate(
    async ({ value, consent }) => {
      const { chrome } = globalThis as unknown as { chrome: { storage: { local: { set(items: object): Promise<void> } } } };
      await chrome.storage.local.set({ settings: value, [consent.key]: consent.models });
    },
    { value: settings, consent: { key: DOWNLOAD_CONSENT_KEY, models: consent } },
  );
}

/**
 * What the suggest command does when its shortcut is pressed. Headless Chromium does not route
 * keyboard accelerators to extension commands, so tests deliver the command's message to the
 * active tab the way the background's `commands.onCommand` listener does.
 */
export async function runSuggestCommand(worker: Worker): Promise<void> {
  await worker.evaluate(async () => {
    type Tab = { id?: number; active: boolean; lastAccessed?: number };
    const { chrome } = globalThis as unknown as {
      chrome: { tabs: { query(q: object): Promise<Tab[]>; sendMessage(id: number, message: object, options?: object): Promise<unknown> } };
    };
    // The most recently used web tab: one whose content script answers (a fresh profile's
    // onboarding tab can be used more recently and has none).
    const tabs = (await chrome.tabs.query({})).sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0));
    for (const tab of tabs) {
      if (tab.id === undefined) continue;
      const site = await chrome.tabs.sendMessage(tab.id, { type: 'page.site' }, { frameId: 0 }).catch(() => null);
      if (site) return void (await chrome.tabs.sendMessage(tab.id, { type: 'suggest.now' }));
    }
  });
}

/** What the audit-field shortcut does (headless Chromium routes no accelerators): the message to the last used web tab. */
export async function runAuditFieldCommand(worker: Worker): Promise<unknown> {
  return worker.evaluate(async () => {
    type Tab = { id?: number; lastAccessed?: number };
    const { chrome } = globalThis as unknown as {
      chrome: { tabs: { query(q: object): Promise<Tab[]>; sendMessage(id: number, message: object, options?: object): Promise<unknown> } };
    };
    // No host permissions, so no tab URLs: a web tab is one whose content script names its site.
    const tabs = (await chrome.tabs.query({})).sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0));
    for (const tab of tabs) {
      if (tab.id === undefined) continue;
      const site = await chrome.tabs.sendMessage(tab.id, { type: 'page.site' }, { frameId: 0 }).catch(() => null);
      if (site) return chrome.tabs.sendMessage(tab.id, { type: 'audit.inPage' });
    }
    return null;
  });
}

/** One of the extension's own pages (the popup by default), e.g. to ask the background with `askBackground`. */
export async function openExtensionPage(browser: LaunchedExtension, path = 'popup.html'): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/${path}`);
  return page;
}

/** A request to the background from an extension page (as the audit page and the popup send it). */
export function askBackground(page: Page, message: object): Promise<unknown> {
  return page.evaluate((m) => (globalThis as unknown as { chrome: { runtime: { sendMessage(m: object): Promise<unknown> } } }).chrome.runtime.sendMessage(m), message);
}

export interface RecordedEntry {
  seq: number;
  action: string;
  documentKey: string;
  withdraws: { seq: number; reason: string } | null;
}

/**
 * The ledger's latest entries other than typing records, newest first (at most 200 looked at).
 * The writer's typing is recorded when they leave a field or the page, on its own time: tests
 * that count acceptances and withdrawals leave those out.
 */
export async function entriesBesidesTyping(page: Page): Promise<RecordedEntry[]> {
  const answer = (await askBackground(page, { type: 'ledger.summary', limit: 200 })) as { ok: boolean; summary: { recent: RecordedEntry[] } };
  if (!answer.ok) throw new Error('ledger.summary failed');
  return answer.summary.recent.filter((entry) => entry.action !== 'typed');
}

/** What chrome://extensions' site-access controls do for the extension (its own `developerPrivate` API). */
export async function siteAccess(extensionsPage: Page, extensionId: string, change: { hostAccess: 'ON_CLICK' } | { add: string }): Promise<void> {
  await extensionsPage.evaluate(
    async ([id, change]) => {
      type DeveloperPrivate = {
        updateExtensionConfiguration(update: { extensionId: string; hostAccess: string }): Promise<void>;
        addHostPermission(extensionId: string, host: string): Promise<void>;
      };
      const api = (globalThis as unknown as { chrome: { developerPrivate: DeveloperPrivate } }).chrome.developerPrivate;
      if ('hostAccess' in change) await api.updateExtensionConfiguration({ extensionId: id, hostAccess: change.hostAccess });
      else await api.addHostPermission(id, change.add);
    },
    [extensionId, change] as const,
  );
}
