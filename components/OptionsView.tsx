import type { JSX } from 'preact';
import { DTYPES } from '@/lib/engine/catalogue';
import { t } from '@/lib/i18n';
import type { EngineStatus, EngineStorage, ServerEngineView } from '@/lib/messaging';
import type { Settings } from '@/lib/settings';
import { parseFieldEntry } from '@/lib/site-settings';
import { EngineLine, formatBytes } from './PopupView';

export interface ModelChoice {
  id: string;
  hubId: string;
  label: string;
  /** One line of facts: parameters, license, languages, context. */
  facts: string;
  /** Download size per weight format, already formatted. */
  sizes: { dtype: string; size: string }[];
}

export interface OptionsViewProps {
  settings: Settings;
  models: ModelChoice[];
  defaultModelId: string;
  engine: EngineStatus | null;
  /** What the next suggestion runs on and why (device, weight format, any refused override or fallback). */
  runtimeReason: string | null;
  shortcut: string | null;
  status: string | null;
  storage: EngineStorage | null;
  importStatus: string | null;
  /** A custom model host's origin pattern and whether the browser granted access to it; null for the default hub. */
  hostAccess: { pattern: string; granted: boolean } | null;
  /** The newsroom server engine's configuration (null until the background answered). */
  server: ServerEngineView | null;
  /** The server's origin pattern and whether the browser granted access to it; null when no server is set. */
  serverAccess: { pattern: string; granted: boolean } | null;
  serverStatus: string | null;
  /** "Use this server": runs in the click, which the permission request for its origin needs. `apiKey` absent keeps the saved key. */
  onSetServer: (draft: ServerDraft) => void;
  onChange: (patch: Partial<Settings>) => void;
  /** The writer clicked "Use this host": runs in that click, which a permission request needs. */
  onSetModelHost: (modelHost: string) => void;
  onImport: (files: FileList) => void;
  onDeleteModel: (modelId: string) => void;
  onOpenShortcuts: () => void;
}

export interface ServerDraft {
  url: string;
  model: string;
  sites: string[];
  /** Absent: keep the saved key; '': remove it. */
  apiKey?: string;
}

/** One hostname a line, as the excluded sites are written. */
function siteLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim().toLowerCase())
    .filter(Boolean);
}

/**
 * The newsroom server: an OpenAI-compatible server the listed sites' text goes to instead of the
 * on-device model. Fields the admin's policy sets are shown, not editable.
 */
function ServerSection(props: OptionsViewProps): JSX.Element {
  const server = props.server;
  const managed = new Set(server?.managed ?? []);
  const submit = (event: Event, removeKey: boolean) => {
    event.preventDefault();
    const form = ((event.currentTarget as HTMLElement).closest('form') ?? event.currentTarget) as HTMLFormElement;
    const field = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLTextAreaElement).value;
    const key = field('serverKey').trim();
    props.onSetServer({
      url: field('serverUrl').trim(),
      model: field('serverModel').trim(),
      sites: siteLines(field('serverSites')),
      ...(removeKey ? { apiKey: '' } : key ? { apiKey: key } : {}),
    });
  };
  return (
    <section aria-labelledby="server-heading">
      <h2 id="server-heading">{t('optionsServerHeading')}</h2>
      <p class="hint" id="server-hint">
        {t('optionsServerHint')}
      </p>
      {server && (
        // Keyed by the saved values: an unsaved draft is replaced when the configuration changes.
        <form key={JSON.stringify(server)} data-testid="server-form" aria-describedby="server-hint" onSubmit={(event) => submit(event, false)}>
          <label>
            {t('optionsServerUrlLabel')}
            <input name="serverUrl" type="url" defaultValue={server.url} placeholder="http://127.0.0.1:11434" spellcheck={false} disabled={managed.has('url')} data-testid="server-url" />
          </label>
          <label>
            {t('optionsServerModelLabel')}
            <input name="serverModel" type="text" defaultValue={server.model} spellcheck={false} disabled={managed.has('model')} data-testid="server-model" />
          </label>
          <label>
            {t('optionsServerKeyLabel')}
            <input
              name="serverKey"
              type="password"
              autocomplete="off"
              placeholder={server.hasApiKey ? t('optionsServerKeySaved') : ''}
              disabled={managed.has('apiKey')}
              data-testid="server-key"
            />
          </label>
          <label>
            {t('optionsServerSitesLabel')}
            <textarea name="serverSites" rows={3} spellcheck={false} defaultValue={server.sites.join('\n')} disabled={managed.has('sites')} data-testid="server-sites" />
          </label>
          {managed.size > 0 && <p class="muted">{t('optionsServerManaged')}</p>}
          <div class="row">
            <button type="submit" data-testid="server-save">
              {t('optionsServerSet')}
            </button>
            {server.hasApiKey && !managed.has('apiKey') && (
              <button type="button" onClick={(event) => submit(event, true)}>
                {t('optionsServerKeyRemove')}
              </button>
            )}
          </div>
        </form>
      )}
      {props.serverAccess && (
        <p class="muted" data-testid="server-access">
          {props.serverAccess.granted ? t('optionsServerAccessGranted', props.serverAccess.pattern) : t('optionsServerAccessMissing', props.serverAccess.pattern)}
        </p>
      )}
      <p role="status" aria-live="polite" class="muted" data-testid="server-status">
        {props.serverStatus ?? ''}
      </p>
    </section>
  );
}

function value(event: Event): string {
  return (event.currentTarget as HTMLInputElement).value;
}

/** The options page: model, suggestions, shortcuts, ledger privacy, excluded sites. */
export function OptionsView(props: OptionsViewProps): JSX.Element {
  const { settings, models, onChange } = props;
  const catalogued = models.find((model) => model.id === settings.modelId || model.hubId === settings.modelId);
  const selectedId = settings.modelId === '' ? props.defaultModelId : catalogued ? catalogued.id : 'custom';
  const selected = models.find((model) => model.id === selectedId) ?? null;
  return (
    <main class="page options">
      <h1>{t('optionsTitle')}</h1>
      <p role="status" aria-live="polite" class="saved" data-testid="options-status">
        {props.status ?? ''}
      </p>

      <section aria-labelledby="model-heading">
        <h2 id="model-heading">{t('optionsModelHeading')}</h2>
        <label>
          {t('optionsModelLabel')}
          <select
            data-testid="model-select"
            value={selectedId}
            onChange={(event) => {
              const id = value(event);
              onChange({ modelId: id === 'custom' ? settings.modelId || '' : id === props.defaultModelId ? '' : id });
            }}
          >
            {models.map((model) => (
              <option key={model.id} value={model.id}>
                {model.label}
              </option>
            ))}
            <option value="custom">{t('optionsModelCustom')}</option>
          </select>
        </label>
        {selected ? (
          <div class="facts">
            <p>{selected.facts}</p>
            <ul>
              {selected.sizes.map((size) => (
                <li key={size.dtype}>{t('optionsModelSize', size.dtype, size.size)}</li>
              ))}
            </ul>
          </div>
        ) : (
          <label>
            {t('optionsCustomIdLabel')}
            <input type="text" value={settings.modelId} spellcheck={false} onChange={(event) => onChange({ modelId: value(event).trim() })} />
          </label>
        )}
        <form
          class="field-with-button"
          onSubmit={(event) => {
            event.preventDefault();
            const input = (event.currentTarget as HTMLFormElement).elements.namedItem('modelHost') as HTMLInputElement;
            props.onSetModelHost(input.value.trim());
          }}
        >
          <label>
            {t('optionsHostLabel')}
            {/* Keyed by the saved value: an unsaved draft is replaced when the setting changes. */}
            <input key={settings.modelHost} name="modelHost" type="url" defaultValue={settings.modelHost} spellcheck={false} data-testid="model-host" />
          </label>
          <button type="submit">{t('optionsHostSet')}</button>
        </form>
        {props.hostAccess && (
          <p class="muted" data-testid="model-host-access">
            {props.hostAccess.granted ? t('optionsHostAccessGranted', props.hostAccess.pattern) : t('optionsHostAccessMissing', props.hostAccess.pattern)}
          </p>
        )}
        <div class="row">
          <label>
            {t('optionsDeviceLabel')}
            <select value={settings.device} onChange={(event) => onChange({ device: value(event) as Settings['device'] })}>
              <option value="auto">{t('optionsAuto')}</option>
              <option value="webgpu">WebGPU</option>
              <option value="wasm">WASM (CPU)</option>
              <option value="builtin">{t('optionsDeviceBuiltin')}</option>
            </select>
          </label>
          <label>
            {t('optionsDtypeLabel')}
            <select value={settings.dtype} onChange={(event) => onChange({ dtype: value(event) as Settings['dtype'] })}>
              <option value="auto">{t('optionsAuto')}</option>
              {DTYPES.map((dtype) => (
                <option key={dtype} value={dtype}>
                  {dtype}
                </option>
              ))}
            </select>
          </label>
        </div>
        <EngineLine engine={props.engine} />
        {props.runtimeReason && (
          <p class="muted" data-testid="runtime-reason">
            {t('optionsRuntimeNext', props.runtimeReason)}
          </p>
        )}
      </section>

      <ServerSection {...props} />

      <section aria-labelledby="storage-heading">
        <h2 id="storage-heading">{t('optionsStorageHeading')}</h2>
        {props.storage && (
          <>
            <p>{t('optionsStorageUsed', formatBytes(props.storage.modelBytes), props.storage.usage === null ? '?' : formatBytes(props.storage.usage))}</p>
            {props.storage.models.length === 0 ? (
              <p class="muted">{t('optionsStorageEmpty')}</p>
            ) : (
              <ul class="stored" data-testid="stored-models">
                {props.storage.models.map((model) => (
                  <li key={`${model.modelId}@${model.revision}`}>
                    {t('optionsStorageRow', model.modelId, model.revision, model.files, formatBytes(model.bytes))}
                    {model.imported ? ` · ${t('optionsStorageImported')}` : ''}{' '}
                    <button type="button" onClick={() => props.onDeleteModel(model.modelId)}>
                      {t('optionsDelete', model.modelId)}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
        <label>
          {t('optionsImportLabel')}
          <input
            type="file"
            data-testid="import-model"
            // Folder picking: Chromium's webkitdirectory gives each file its relative path.
            {...{ webkitdirectory: true }}
            multiple
            onChange={(event) => {
              const files = (event.currentTarget as HTMLInputElement).files;
              if (files && files.length > 0) props.onImport(files);
            }}
          />
        </label>
        <p role="status" aria-live="polite" class="muted" data-testid="import-status">
          {props.importStatus ?? ''}
        </p>
      </section>

      <section aria-labelledby="suggest-heading">
        <h2 id="suggest-heading">{t('optionsSuggestHeading')}</h2>
        <label>
          {t('optionsPauseLabel')}
          <input
            type="number"
            min={0}
            max={10000}
            step={100}
            value={settings.pauseDelayMs}
            data-testid="pause-delay"
            onChange={(event) => onChange({ pauseDelayMs: Number(value(event)) })}
          />
        </label>
        <label>
          {t('optionsPauseWordsLabel')}
          <input
            type="number"
            min={0}
            max={1000}
            value={settings.pauseMinWords}
            aria-describedby="opening-rule"
            data-testid="pause-words"
            onChange={(event) => onChange({ pauseMinWords: Number(value(event)) })}
          />
        </label>
        <p class="hint" id="opening-rule" data-testid="opening-rule">
          {t('optionsOpeningRule', settings.pauseMinWords)}
        </p>
        <label class="check">
          <input type="checkbox" checked={settings.proofread} data-testid="proofread" aria-describedby="proofread-hint" onChange={(event) => onChange({ proofread: (event.currentTarget as HTMLInputElement).checked })} />
          {t('optionsProofreadLabel')}
        </label>
        <p class="hint" id="proofread-hint">
          {t('optionsProofreadHint')}
        </p>
        <label>
          {t('optionsVariantsLabel')}
          <input type="number" min={1} max={5} value={settings.variants} onChange={(event) => onChange({ variants: Number(value(event)) })} />
        </label>
      </section>

      <section aria-labelledby="shortcut-heading">
        <h2 id="shortcut-heading">{t('optionsShortcutsHeading')}</h2>
        <p>{props.shortcut ? t('optionsShortcutCurrent', props.shortcut) : t('optionsShortcutUnset')}</p>
        <button type="button" onClick={props.onOpenShortcuts}>
          {t('optionsShortcutChange')}
        </button>
      </section>

      <section aria-labelledby="privacy-heading">
        <h2 id="privacy-heading">{t('optionsPrivacyHeading')}</h2>
        <label class="check">
          <input type="checkbox" checked={settings.privacyMode} data-testid="privacy-mode" aria-describedby="privacy-cost" onChange={(event) => onChange({ privacyMode: (event.currentTarget as HTMLInputElement).checked })} />
          {t('optionsPrivacyLabel')}
        </label>
        <p class="hint" id="privacy-cost" data-testid="privacy-cost">
          {t('optionsPrivacyCost')}
        </p>
        <label>
          {t('optionsRetentionLabel')}
          <input type="number" min={0} value={settings.retentionDays} onChange={(event) => onChange({ retentionDays: Number(value(event)) })} />
        </label>
      </section>

      <section aria-labelledby="sites-heading">
        <h2 id="sites-heading">{t('optionsSitesHeading')}</h2>
        <label>
          {t('optionsSitesLabel')}
          <textarea
            rows={4}
            spellcheck={false}
            data-testid="disabled-sites"
            value={settings.disabledSites.join('\n')}
            onChange={(event) =>
              onChange({ disabledSites: siteLines(value(event)) })
            }
          />
        </label>
        {settings.disabledFields.length > 0 && (
          <>
            <h3 id="fields-heading">{t('optionsFieldsLabel')}</h3>
            <ul aria-labelledby="fields-heading" data-testid="disabled-fields">
              {settings.disabledFields.map((entry) => {
                const { host, fieldId } = parseFieldEntry(entry);
                return (
                  <li key={entry}>
                    {t('optionsFieldRow', fieldId, host)}{' '}
                    <button
                      type="button"
                      aria-label={`${t('optionsFieldOn')}: ${t('optionsFieldRow', fieldId, host)}`}
                      onClick={() => onChange({ disabledFields: settings.disabledFields.filter((other) => other !== entry) })}
                    >
                      {t('optionsFieldOn')}
                    </button>
                  </li>
                );
              })}
            </ul>
          </>
        )}
      </section>
    </main>
  );
}
