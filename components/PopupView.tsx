import type { JSX } from 'preact';
import type { EngineStatus, LedgerSummary } from '@/lib/messaging';

export interface PopupViewProps {
  engine: EngineStatus | null;
  ledger: LedgerSummary | null;
  error: string | null;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}

function EngineLine({ engine }: { engine: EngineStatus | null }): JSX.Element {
  if (!engine) return <p>Checking the model…</p>;
  switch (engine.state) {
    case 'idle':
      return <p data-testid="engine-status">Model not loaded yet. It loads on the first suggestion.</p>;
    case 'loading':
      return (
        <div data-testid="engine-status">
          <p>
            Loading {engine.modelId}
            {engine.totalBytes > 0 ? ` (${formatBytes(engine.loadedBytes)} of ${formatBytes(engine.totalBytes)})` : '…'}
          </p>
          {engine.totalBytes > 0 && <progress max={engine.totalBytes} value={engine.loadedBytes} aria-label="Model download" />}
        </div>
      );
    case 'ready':
      return (
        <p data-testid="engine-status" title={engine.reason}>
          Ready: {engine.model.id} on {engine.model.backend === 'webgpu' ? 'WebGPU' : 'WASM'} ({engine.model.dtype})
        </p>
      );
    case 'error':
      return (
        <p data-testid="engine-status" role="alert">
          The model could not be loaded: {engine.message}
        </p>
      );
  }
}

/** The toolbar popup: model status and what the disclosure ledger holds. */
export function PopupView({ engine, ledger, error }: PopupViewProps): JSX.Element {
  return (
    <main class="popup">
      <h1>Ledgerline</h1>
      <EngineLine engine={engine} />
      <section aria-labelledby="ledger-heading">
        <h2 id="ledger-heading">Disclosure ledger</h2>
        {error && <p role="alert">{error}</p>}
        {ledger && (
          <>
            <p data-testid="ledger-counts">
              <strong data-testid="ledger-sentences">{ledger.sentences}</strong> AI-suggested sentence
              {ledger.sentences === 1 ? '' : 's'} accepted in <span data-testid="ledger-entries">{ledger.entries}</span>{' '}
              suggestion{ledger.entries === 1 ? '' : 's'} ({ledger.sentencesToday} today).
            </p>
            {ledger.recent.length > 0 && (
              <ol class="recent" aria-label="Latest accepted suggestions" data-testid="ledger-recent">
                {ledger.recent.map((entry) => (
                  <li key={entry.seq} data-testid="ledger-entry">
                    <div class="meta">
                      #{entry.seq} · {entry.action} · {entry.modelId} · {new Date(entry.acceptedAt).toLocaleString()}
                    </div>
                    <div class="where">{entry.documentKey}</div>
                    {entry.sentences.map((sentence) => (
                      <blockquote key={sentence.hash} title={`SHA-256 ${sentence.hash}`}>
                        {sentence.text ?? '(text not stored: privacy mode)'}
                      </blockquote>
                    ))}
                  </li>
                ))}
              </ol>
            )}
          </>
        )}
      </section>
    </main>
  );
}
