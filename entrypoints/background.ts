import { browser } from 'wxt/browser';
import { createKeepAlive } from '@/lib/background/keep-alive';
import { serveGeneratePort } from '@/lib/background/generate-port';
import { createRequestHandler } from '@/lib/background/request-handler';
import { EngineService } from '@/lib/engine/engine-service';
import { ModelFileCache } from '@/lib/engine/model-file-cache';
import { modelSpecFor, probeWebGpu } from '@/lib/engine/model-spec';
import { configureTransformersEnv } from '@/lib/engine/runtime-env';
import { loadTransformersGenerator } from '@/lib/engine/text-generator';
import { openLedger, type Ledger } from '@/lib/ledger';
import { GENERATE_PORT_NAME, isOwnExtensionSender } from '@/lib/messaging';
import { parseSettings, SETTINGS_STORAGE_KEY, type Settings } from '@/lib/settings';

// Wiring only: the background owns the model and the ledger; the logic lives in lib/.
export default defineBackground({
  // An ES module background keeps onnxruntime's .wasm a separate file instead of inlining it.
  type: 'module',
  main() {
    const ownId = browser.runtime.id;
    const modelFiles = new ModelFileCache(() => caches.open('ledgerline-model-files'));
    const readSettings = async (): Promise<Settings> =>
      parseSettings((await browser.storage.local.get(SETTINGS_STORAGE_KEY))[SETTINGS_STORAGE_KEY]);

    let ledger: Ledger | null = null;
    const openOwnLedger = () => (ledger ??= openLedger());

    const engine = new EngineService({
      resolveSpec: async () => modelSpecFor(await readSettings(), await probeWebGpu()),
      load: (spec, onProgress) => {
        configureTransformersEnv({ remoteHost: spec.host, cache: modelFiles });
        return loadTransformersGenerator(spec, onProgress);
      },
      keepAlive: createKeepAlive(() => browser.runtime.getPlatformInfo()),
    });
    const handleRequest = createRequestHandler({
      ledger: openOwnLedger,
      engine,
      extensionVersion: browser.runtime.getManifest().version,
    });

    browser.runtime.onMessage.addListener((message: unknown, sender) => {
      if (!isOwnExtensionSender(sender, ownId)) return undefined;
      return handleRequest(message);
    });
    browser.runtime.onConnect.addListener((port) => {
      if (port.name !== GENERATE_PORT_NAME || !isOwnExtensionSender(port.sender, ownId)) {
        port.disconnect();
        return;
      }
      serveGeneratePort(port, engine);
    });
    browser.tabs.onRemoved.addListener((tabId) => engine.dropTab(tabId));
    browser.commands.onCommand.addListener(async (command) => {
      if (command !== 'suggest') return;
      const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
      if (tab?.id !== undefined) await browser.tabs.sendMessage(tab.id, { type: 'suggest.now' }).catch(() => undefined);
    });
  },
});
