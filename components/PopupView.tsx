import type { JSX } from 'preact';
import { t, tCount } from '@/lib/i18n';
import type { EngineStatus, LedgerSummary, ModelInfo } from '@/lib/messaging';

export interface PopupViewProps {
  engine: EngineStatus | null;
  ledger: LedgerSummary | null;
  error: string | null;
  /** The ledger document the page's focused field is filed under (its story and field), or null. */
  fieldDocument: string | null;
  /** The page the popup was opened for; null when it is not a web page. */
  site: { host: string; enabled: boolean } | null;
  onToggleSite: (enabled: boolean) => void;
  onOpenAudit: () => void;
  onOpenOptions: () => void;
  /** Highlight the AI sentences in the page's focused field (the in-page audit), and what came of it. */
  onHighlightField: () => void;
  highlightNotice: string | null;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}

const BACKEND_LABEL: Record<ModelInfo['backend'], string> = { webgpu: 'WebGPU', wasm: 'WASM', builtin: 'the browser', server: 'a server' };

export function EngineLine({ engine }: { engine: EngineStatus | null }): JSX.Element {
  if (!engine) return <p>{t('popupEngineChecking')}</p>;
  switch (engine.state) {
    case 'idle':
      return <p data-testid="engine-status">{t('popupEngineIdle')}</p>;
    case 'loading':
      return (
        <div data-testid="engine-status">
          <p>
            {engine.totalBytes > 0
              ? t('popupEngineLoadingBytes', engine.modelId, formatBytes(engine.loadedBytes), formatBytes(engine.totalBytes))
              : t('popupEngineLoading', engine.modelId)}
          </p>
          {engine.totalBytes > 0 && <progress max={engine.totalBytes} value={engine.loadedBytes} aria-label={t('modelDownload')} />}
        </div>
      );
    case 'ready':
      return (
        <p data-testid="engine-status" title={engine.reason}>
          {t('popupEngineReady', engine.model.id, BACKEND_LABEL[engine.model.backend], engine.model.dtype)}
        </p>
      );
    case 'error':
      return (
        <p data-testid="engine-status" role="alert">
          {t('popupEngineError', engine.message)}
        </p>
      );
  }
}

/** The toolbar popup: this site on/off, model status, what the ledger holds, links onward. */
export function PopupView({ engine, ledger, error, site, onToggleSite, onOpenAudit, onOpenOptions, onHighlightField, highlightNotice, fieldDocument }: PopupViewProps): JSX.Element {
  return (
    <main class="popup">
      <h1>{t('extName')}</h1>
      {site ? (
        <label class="site">
          <input
            type="checkbox"
            checked={site.enabled}
            data-testid="site-toggle"
            onChange={(event) => onToggleSite((event.currentTarget as HTMLInputElement).checked)}
          />
          {t('popupSiteOn', site.host)}
        </label>
      ) : (
        <p class="muted">{t('popupSiteNone')}</p>
      )}
      <EngineLine engine={engine} />
      <section aria-labelledby="ledger-heading">
        <h2 id="ledger-heading">{t('popupLedgerHeading')}</h2>
        {error && <p role="alert">{error}</p>}
        {ledger && (
          <>
            <p data-testid="ledger-counts">
              {tCount('popupLedgerCounts', ledger.sentences, ledger.sentences, ledger.entries, ledger.sentencesToday)}
              <span hidden data-testid="ledger-sentences">{ledger.sentences}</span>
              <span hidden data-testid="ledger-entries">{ledger.entries}</span>
            </p>
            {ledger.recent.length > 0 && (
              <ol class="recent" aria-label={t('popupRecentLabel')} data-testid="ledger-recent" tabIndex={0}>
                {ledger.recent.map((entry) => (
                  <li key={entry.seq} data-testid="ledger-entry">
                    <div class="meta">
                      #{entry.seq} · {entry.action} · {entry.modelId} · {new Date(entry.acceptedAt).toLocaleString()}
                    </div>
                    <div class="where">{entry.documentKey}</div>
                    {entry.withdraws && <p data-testid="ledger-withdrawal">{t('popupWithdrawal', entry.withdraws.seq, entry.withdraws.reason)}</p>}
                    {entry.moves && (
                      <p data-testid="ledger-move">
                        {t(entry.moves.direction === 'in' ? 'popupMoveIn' : 'popupMoveOut', entry.moves.seqs.map((s) => `#${s}`).join(', '), entry.moves.peer)}
                      </p>
                    )}
                    {entry.sentences.map((sentence) => (
                      <blockquote key={sentence.hash} title={`SHA-256 ${sentence.hash}`}>
                        {sentence.text ?? t('popupPrivacyText')}
                      </blockquote>
                    ))}
                  </li>
                ))}
              </ol>
            )}
          </>
        )}
      </section>
      {site && (
        <p class="highlight">
          <button type="button" onClick={onHighlightField} data-testid="highlight-field">
            {t('popupHighlightField')}
          </button>
          <span role="status" data-testid="highlight-notice">
            {highlightNotice}
          </span>
        </p>
      )}
      {fieldDocument && (
        <p class="document" data-testid="field-document">
          {t('popupFieldDocument')} <code>{fieldDocument}</code>
        </p>
      )}
      <nav class="links">
        <button type="button" onClick={onOpenAudit} data-testid="open-audit">
          {t('popupOpenAudit')}
        </button>
        <button type="button" onClick={onOpenOptions}>
          {t('popupOpenOptions')}
        </button>
      </nav>
    </main>
  );
}
