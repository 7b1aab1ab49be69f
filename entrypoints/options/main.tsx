import { render } from 'preact';
import { browser } from 'wxt/browser';
import { OptionsView, type ModelChoice, type ServerDraft } from '@/components/OptionsView';
import { formatBytes } from '@/components/PopupView';
import { availableDtypes, CATALOGUE, downloadBytes, listModels } from '@/lib/engine/catalogue';
import { filesFromInput, importModel, planImport } from '@/lib/engine/model-import';
import { openModelFileCache } from '@/lib/engine/model-file-cache';
import { localizePage, t } from '@/lib/i18n';
import type { EngineStatus, Response, ServerEngineView } from '@/lib/messaging';
import { hostAccessChange, hostAccessPattern } from '@/lib/model-host-access';
import { parseSettings, SETTINGS_STORAGE_KEY, type Settings } from '@/lib/settings';
import '@/assets/page.css';

// The tab's title in the browser's UI language (index.html holds the English one).
localizePage(document, 'optionsTitle');
const app = document.getElementById('app')!;

const models: ModelChoice[] = listModels().map((model) => ({
  id: model.id,
  hubId: model.hubId,
  label: model.label,
  facts: t(
    'optionsModelFacts',
    model.parameters ? `${Math.round(model.parameters / 1e6)}M` : '?',
    model.license ?? '?',
    model.languages.join(', ') || '?',
    model.contextLength ?? '?',
  ),
  sizes: availableDtypes(model).map((dtype) => {
    const bytes = downloadBytes(model, dtype);
    return { dtype, size: bytes === null ? '?' : formatBytes(bytes) };
  }),
}));

let status: string | null = null;
let importStatus: string | null = null;
const PATTERN_SYNTAX = { ports: !import.meta.env.FIREFOX };
/** The settings last shown: the host button's click must ask for access before anything is awaited. */
let shown: Settings | null = null;

let serverStatus: string | null = null;
/** The server configuration last shown (its URL is the one whose access a new server replaces). */
let shownServer: ServerEngineView | null = null;

/**
 * "Use this server": asks for access to the server's origin in the click itself (as for a model
 * host), then has the background save the configuration (only an extension page may). Access the
 * previous server had is withdrawn once the new one is saved, unless the model host uses it too.
 */
function setServer(draft: ServerDraft): void {
  const change = hostAccessChange(shownServer?.url ?? '', draft.url, PATTERN_SYNTAX);
  const asked = change.request ? browser.permissions.request({ origins: [change.request] }).catch(() => false) : Promise.resolve(true);
  void (async () => {
    const granted = await asked;
    const answer = (await browser.runtime.sendMessage({ type: 'engine.setServer', ...draft })) as Response<'engine.setServer'>;
    if (!answer.ok) {
      serverStatus = answer.error;
    } else {
      serverStatus = granted ? t('optionsServerSaved') : t('optionsServerSavedNoAccess');
      const modelHostPattern = shown ? hostAccessPattern(shown.modelHost, PATTERN_SYNTAX) : null;
      if (change.release && change.release !== modelHostPattern) await browser.permissions.remove({ origins: [change.release] }).catch(() => false);
    }
    await refresh();
  })();
}

/** Offline import: the files go straight into the model cache the background reads. */
async function importFolder(files: FileList): Promise<void> {
  try {
    const plan = planImport(filesFromInput(files));
    const result = await importModel(openModelFileCache(), plan, {}, (done, total) => {
      importStatus = t('optionsImporting', formatBytes(done), formatBytes(total));
      void refresh();
    });
    await save({ modelId: `${result.modelId}@${result.revision}` });
    // Load it now, so the first suggestion does not wait.
    void browser.runtime.sendMessage({ type: 'engine.warmUp' });
    importStatus = t('optionsImported', result.modelId, formatBytes(result.bytes));
  } catch (error) {
    importStatus = t('optionsImportFailed', error instanceof Error ? error.message : String(error));
  }
  await refresh();
}

async function readSettings(): Promise<Settings> {
  return parseSettings((await browser.storage.local.get(SETTINGS_STORAGE_KEY))[SETTINGS_STORAGE_KEY]);
}

async function save(patch: Partial<Settings>): Promise<void> {
  const current = await readSettings();
  const next = parseSettings({ ...current, ...patch });
  // parseSettings falls back to the old value for an invalid one: say so instead of pretending.
  const rejected = Object.keys(patch).filter((key) => JSON.stringify(next[key as keyof Settings]) !== JSON.stringify(patch[key as keyof Settings]));
  await browser.storage.local.set({ [SETTINGS_STORAGE_KEY]: next });
  status = rejected.length > 0 ? t('optionsInvalid', rejected.join(', ')) : t('optionsSaved');
  await refresh();
}

/**
 * "Use this host": asks for access to a custom host's origin in the click itself (a permission
 * request needs the writer's gesture; Firefox only accepts one made before any await), saves the
 * host whatever the answer (a mirror that sends CORS headers needs no access; the page then says
 * what a refusal means) and withdraws the access the previous host was given.
 */
function setModelHost(modelHost: string): void {
  const change = hostAccessChange(shown?.modelHost ?? '', modelHost, PATTERN_SYNTAX);
  const asked = change.request ? browser.permissions.request({ origins: [change.request] }).catch(() => false) : Promise.resolve(true);
  void save({ modelHost }).then(async () => {
    const saved = await readSettings();
    // Not saved (an invalid URL): the previous host is still used, and keeps its access.
    if (change.release && saved.modelHost === modelHost) await browser.permissions.remove({ origins: [change.release] }).catch(() => false);
    await asked;
    await refresh();
  });
}

/** Whether the configured host's origin was granted (null: the default hub needs nothing). */
async function hostAccessOf(settings: Settings): Promise<{ pattern: string; granted: boolean } | null> {
  const pattern = hostAccessPattern(settings.modelHost, PATTERN_SYNTAX);
  return pattern ? { pattern, granted: await browser.permissions.contains({ origins: [pattern] }) } : null;
}

async function refresh(): Promise<void> {
  const settings = await readSettings();
  const [hostAccess, engine, commands, storage, runtime, server] = await Promise.all([
    hostAccessOf(settings),
    browser.runtime.sendMessage({ type: 'engine.status' }).catch(() => null) as Promise<EngineStatus | null>,
    browser.commands.getAll(),
    browser.runtime.sendMessage({ type: 'engine.storage' }).catch(() => null) as Promise<Response<'engine.storage'> | null>,
    browser.runtime.sendMessage({ type: 'engine.runtime' }).catch(() => null) as Promise<Response<'engine.runtime'> | null>,
    browser.runtime.sendMessage({ type: 'engine.server' }).catch(() => null) as Promise<Response<'engine.server'> | null>,
  ]);
  shown = settings;
  shownServer = server?.ok ? server : null;
  const serverPattern = shownServer?.url ? hostAccessPattern(shownServer.url, PATTERN_SYNTAX) : null;
  const serverAccess = serverPattern ? { pattern: serverPattern, granted: await browser.permissions.contains({ origins: [serverPattern] }) } : null;
  const shortcut = commands.find((command) => command.name === 'suggest')?.shortcut || null;
  render(
    <OptionsView
      settings={settings}
      models={models}
      defaultModelId={CATALOGUE.defaultModelId}
      engine={engine}
      runtimeReason={runtime?.ok ? runtime.reason : null}
      shortcut={shortcut}
      status={status}
      storage={storage?.ok ? storage : null}
      importStatus={importStatus}
      hostAccess={hostAccess}
      server={shownServer}
      serverAccess={serverAccess}
      serverStatus={serverStatus}
      onSetServer={setServer}
      onChange={(patch) => void save(patch)}
      onSetModelHost={setModelHost}
      onImport={(files) => void importFolder(files)}
      onDeleteModel={(modelId) =>
        void browser.runtime.sendMessage({ type: 'engine.deleteModel', modelId }).finally(() => void refresh())
      }
      onOpenShortcuts={() => void browser.tabs.create({ url: 'chrome://extensions/shortcuts' })}
    />,
    app,
  );
}

void refresh();
