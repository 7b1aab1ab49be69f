import { browser } from 'wxt/browser';
import { createKeepAlive } from '@/lib/background/keep-alive';
import { serveGeneratePort } from '@/lib/background/generate-port';
import { applyRetention } from '@/lib/background/ledger-requests';
import { recentCopies } from '@/lib/background/recent-copies';
import { reviewHandoffs } from '@/lib/background/review-handoff';
import { createRequestHandler } from '@/lib/background/request-handler';
import { senderScope } from '@/lib/background/sender-scope';
import { DTYPE_FILE, DTYPES, resolveModel } from '@/lib/engine/catalogue';
import { createDownloadGate } from '@/lib/engine/download-consent';
import { EngineService } from '@/lib/engine/engine-service';
import { openModelFileCache } from '@/lib/engine/model-file-cache';
import { modelSpecFor, probeWebGpu } from '@/lib/engine/model-spec';
import { configureTransformersEnv } from '@/lib/engine/runtime-env';
import { ENGINE_TEST_SEAMS_KEY, replaceTestSeams, type EngineTestSeams } from '@/lib/engine/test-seams';
import { loadPromptApiGenerator } from '@/lib/engine/prompt-api';
import { loadTransformersGenerator } from '@/lib/engine/text-generator';
import { loadRemoteGenerator } from '@/lib/engine/remote-generator';
import { serverSpec, usesServer } from '@/lib/engine/server-config';
import { loadServerGenerator } from '@/lib/engine/server-engine';
import { openServerConfigSource } from '@/lib/background/server-config-store';
import { hostAccessPattern } from '@/lib/model-host-access';
import { offscreenModelHost, type HostRuntimeApi, type OffscreenApi, type OffscreenModelHost } from '@/lib/engine/offscreen-model-host';
import { MODEL_HOST_PORT_NAME } from '@/lib/messaging/model-host';
import { webgpuFailureMemory } from '@/lib/engine/webgpu-failure-memory';
import { openLedger, type Ledger } from '@/lib/ledger';
import { GENERATE_PORT_NAME, isOwnExtensionSender } from '@/lib/messaging';
import { cachedRead } from '@/lib/cached-read';
import { parseSettings, SETTINGS_STORAGE_KEY, type Settings } from '@/lib/settings';
import { t } from '@/lib/i18n';
import { binary as harperBinary } from 'harper.js/binary';
import { createProofreader, type Proofreader } from '@/lib/proofread/proofreader';

// Wiring only: the background owns the model and the ledger; the logic lives in lib/.
export default defineBackground({
  // An ES module background keeps onnxruntime's .wasm a separate file instead of inlining it.
  type: 'module',
  main() {
    const ownId = browser.runtime.id;
    const modelFiles = openModelFileCache();
    // Read once and kept until they change: requests should not wait on storage.
    const settingsCache = cachedRead(async () => parseSettings((await browser.storage.local.get(SETTINGS_STORAGE_KEY))[SETTINGS_STORAGE_KEY]));
    const readSettings = () => settingsCache.get();

    let ledger: Ledger | null = null;
    const openOwnLedger = () => (ledger ??= openLedger());

    // Test seams (tests and the benchmark only; absent otherwise), kept live: a loaded model sees changes.
    const seams: EngineTestSeams = {};
    const applySeams = (value: unknown) => replaceTestSeams(seams, value);
    const seamsRead = browser.storage.local.get(ENGINE_TEST_SEAMS_KEY).then((items) => applySeams(items[ENGINE_TEST_SEAMS_KEY]));
    browser.storage.onChanged.addListener((changes, area) => {
      if (area === 'local' && changes[ENGINE_TEST_SEAMS_KEY]) applySeams(changes[ENGINE_TEST_SEAMS_KEY].newValue);
    });

    // Chromium: the model runs in an offscreen document (see lib/engine/offscreen-model-host.ts).
    // Firefox has none; its background is an event page, a document already, and runs it itself.
    const chromeApi = (globalThis as { chrome?: { offscreen?: OffscreenApi; runtime: HostRuntimeApi } }).chrome;
    const modelHost = chromeApi?.offscreen ? offscreenModelHost(chromeApi.offscreen, chromeApi.runtime, () => ({ ...seams })) : null;

    // An imported model offers only the dtypes its folder has.
    const storedDtypes = async (settings: Settings) => {
      const model = settings.modelId ? resolveModel(settings.modelId) : null;
      const manifest = model ? await modelFiles.manifest(model.hubId, model.custom ? settings.modelRevision : model.revision) : null;
      return manifest ? DTYPES.filter((d) => manifest.files.includes(DTYPE_FILE[d])) : undefined;
    };
    // The newsroom server engine: the writer's configuration (extension IndexedDB) under the admin's policy.
    const serverConfig = openServerConfigSource({ readManaged: () => browser.storage.managed.get() });
    browser.storage.onChanged.addListener((_changes, area) => {
      if (area !== 'managed') return;
      serverConfig.forget();
      engine.forgetSpec();
    });
    const patternSyntax = { ports: !import.meta.env.FIREFOX };
    // The adapter does not change while this worker lives: ask once, not on every request.
    let webgpuProbe: ReturnType<typeof probeWebGpu> | null = null;
    const specWith = async (modelId?: string) => {
      const settings = { ...(await readSettings()), ...(modelId !== undefined ? { modelId } : {}) };
      return modelSpecFor(settings, await (webgpuProbe ??= probeWebGpu()), await storedDtypes(settings));
    };
    const downloads = createDownloadGate({
      storage: browser.storage.local,
      files: modelFiles,
      specFor: (modelId) => specWith(modelId),
      current: () => engine.resolve(),
      // The panel's smaller model becomes the writer's choice, as if picked in the options.
      choose: async (modelId) => {
        await browser.storage.local.set({ [SETTINGS_STORAGE_KEY]: { ...(await readSettings()), modelId } });
        settingsCache.forget();
      },
      online: () => navigator.onLine,
    });
    // Harper's WASM is one of the extension's own files (harper.js/binary names it by URL).
    let proofreader: Proofreader | null = null;
    const ownProofreader = () => (proofreader ??= createProofreader(harperBinary));
    const engine = new EngineService({
      resolveSpec: async (site) => {
        const { config } = await serverConfig.current();
        if (usesServer(config, site)) return { spec: serverSpec(config), reason: t('runtimeServerChosen', config.model, config.url), expectedBytes: null };
        return specWith();
      },
      downloads,
      load: async (spec, onProgress) => {
        if (spec.device === 'builtin') return loadPromptApiGenerator();
        if (spec.device === 'server') {
          return loadServerGenerator(spec, {
            apiKey: async () => (await serverConfig.current()).config.apiKey,
            granted: (origin) => {
              const pattern = hostAccessPattern(origin, patternSyntax);
              return pattern ? browser.permissions.contains({ origins: [pattern] }) : Promise.resolve(false);
            },
            extensionOrigin: new URL(browser.runtime.getURL('/')).origin,
          });
        }
        await seamsRead;
        if (modelHost) return loadRemoteGenerator(spec, onProgress, modelHost);
        configureTransformersEnv({ remoteHost: spec.host, cache: modelFiles });
        return loadTransformersGenerator(spec, onProgress, { seams });
      },
      limits: async () => {
        const settings = await readSettings();
        return { maxNewTokens: settings.maxNewTokens, timeoutMs: settings.generationTimeoutSeconds * 1000 };
      },
      // Chrome stops an idle service worker after ~30 s; Firefox's event page likewise.
      keepAlive: createKeepAlive(() => browser.runtime.getPlatformInfo()),
      webgpuFailures: webgpuFailureMemory(browser.storage.session),
      grammarCheck: async (text) => (await ownProofreader().lint(text)).map((lint) => ({ kind: lint.kind, problem: text.slice(lint.start, lint.end) })),
    });
    browser.storage.onChanged.addListener((changes, area) => {
      if (area !== 'local' || !changes[SETTINGS_STORAGE_KEY]) return;
      settingsCache.forget();
      engine.forgetSpec();
    });
    const handleRequest = createRequestHandler({
      ledger: openOwnLedger,
      proofreader: ownProofreader,
      engine,
      modelFiles,
      serverConfig,
      estimateStorage: () => navigator.storage.estimate(),
      extensionVersion: browser.runtime.getManifest().version,
      recentCopies: recentCopies(browser.storage.session),
      reviewHandoff: {
        handoffs: reviewHandoffs(),
        openAuditPage: async (query) => void (await browser.tabs.create({ url: browser.runtime.getURL(`/audit.html?${query}`) })),
      },
      readLedgerSettings: async () => {
        const { privacyMode, retentionDays } = await readSettings();
        return { privacyMode, retentionDays };
      },
    });

    // Retention also applies when the browser starts, not only after the next acceptance.
    browser.runtime.onStartup.addListener(async () => {
      const { retentionDays } = await readSettings();
      await applyRetention(openOwnLedger(), retentionDays);
    });

    // First run: explain what runs where and offer the model download.
    browser.runtime.onInstalled.addListener(({ reason }) => {
      if (reason === 'install') void browser.tabs.create({ url: browser.runtime.getURL('/onboarding.html') });
    });

    const own = { id: ownId, pagesOrigin: browser.runtime.getURL('/') };
    browser.runtime.onMessage.addListener((message: unknown, sender) => {
      const scope = senderScope(sender, own);
      if (!scope) return undefined;
      return handleRequest(message, scope);
    });
    browser.runtime.onConnect.addListener((port) => {
      if (port.name === MODEL_HOST_PORT_NAME && modelHost?.accept(port as Parameters<OffscreenModelHost['accept']>[0])) return;
      if (port.name !== GENERATE_PORT_NAME || !isOwnExtensionSender(port.sender, ownId)) {
        port.disconnect();
        return;
      }
      serveGeneratePort(port, engine, own);
    });
    browser.tabs.onRemoved.addListener((tabId) => engine.dropTab(tabId));
    browser.commands.onCommand.addListener(async (command) => {
      if (command !== 'suggest' && command !== 'audit-field') return;
      const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
      const message = command === 'suggest' ? { type: 'suggest.now' } : { type: 'audit.inPage' };
      if (tab?.id !== undefined) await browser.tabs.sendMessage(tab.id, message).catch(() => undefined);
    });
  },
});
