import type { JSX } from 'preact';

export type PanelPhase = 'loading-model' | 'generating' | 'ready' | 'error';

export interface SuggestionPanelProps {
  phase: PanelPhase;
  /** Variants so far; the last one may still be streaming while phase is 'generating'. */
  variants: string[];
  selected: number;
  /** Model download progress while phase is 'loading-model' (0..1), or null when unknown. */
  progress: number | null;
  error: string | null;
  /** A notice after accepting, e.g. that the ledger could not record it. */
  notice: string | null;
  onSelect: (index: number) => void;
  onAccept: (index: number) => void;
  onRetry: () => void;
  onClose: () => void;
}

/**
 * The suggestion panel: variants streaming in, one selected, accept or dismiss. A view only:
 * the content script owns the state and the keyboard shortcuts that work from inside the field.
 */
export function SuggestionPanel(props: SuggestionPanelProps): JSX.Element {
  const { phase, variants, selected, progress, error, notice } = props;
  const statusText =
    phase === 'loading-model'
      ? progress === null
        ? 'Loading the on-device model…'
        : `Downloading the on-device model… ${Math.round(progress * 100)}%`
      : phase === 'generating'
        ? 'Writing suggestions…'
        : phase === 'ready'
          ? `${variants.length} suggestion${variants.length === 1 ? '' : 's'}. Tab to accept, Esc to dismiss.`
          : '';
  return (
    <div class="panel" role="dialog" aria-label="Writing suggestions" data-testid="suggestion-panel">
      <div class="header">
        <span class="title">Suggestions · on this device</span>
        <button type="button" class="close" aria-label="Dismiss suggestions" onClick={props.onClose}>
          ×
        </button>
      </div>
      {/* Announced politely; only the status, not every streamed word. */}
      <div class="status" role="status" aria-live="polite" data-testid="panel-status">
        {statusText}
      </div>
      {phase === 'loading-model' && progress !== null && (
        <progress class="progress" max={1} value={progress} aria-label="Model download" />
      )}
      {error && (
        <div class="error" role="alert" data-testid="panel-error">
          <p>{error}</p>
          <button type="button" onClick={props.onRetry} data-testid="panel-retry">
            Try again
          </button>
        </div>
      )}
      {variants.length > 0 && (
        <ul class="variants" role="listbox" aria-label="Suggested text">
          {variants.map((text, index) => (
            <li
              key={index}
              role="option"
              aria-selected={index === selected}
              class={index === selected ? 'variant selected' : 'variant'}
              data-testid="suggestion-variant"
              onClick={() => props.onSelect(index)}
            >
              <span class="text">{text}</span>
              {(phase === 'ready' || index < variants.length - 1) && (
                <button
                  type="button"
                  class="accept"
                  data-testid="accept-variant"
                  aria-label={`Accept suggestion ${index + 1}`}
                  onClick={(event) => {
                    event.stopPropagation();
                    props.onAccept(index);
                  }}
                >
                  Accept
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {notice && (
        <div class="notice" role="alert" data-testid="panel-notice">
          {notice}
        </div>
      )}
    </div>
  );
}
