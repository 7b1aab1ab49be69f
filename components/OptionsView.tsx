import type { JSX } from 'preact';
import { DTYPES } from '@/lib/engine/catalogue';
import { t } from '@/lib/i18n';
import type { EngineStatus, EngineStorage } from '@/lib/messaging';
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
  onChange: (patch: Partial<Settings>) => void;
  /** The writer clicked "Use this host": runs in that click, which a permission request needs. */
  onSetModelHost: (modelHost: string) => void;
  onImport: (files: FileList) => void;
  onDeleteModel: (modelId: string) => void;
  onOpenShortcuts: () => void;
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
              onChange({
                disabledSites: value(event)
                  .split('\n')
                  .map((line) => line.trim().toLowerCase())
                  .filter(Boolean),
              })
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
