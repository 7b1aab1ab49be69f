import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { ActionId } from '@/lib/engine/actions';
import { t, type MessageKey } from '@/lib/i18n';
import type { DownloadOffer, OfferedModel } from '@/lib/messaging';
import type { DiffPart } from '@/lib/word-diff';

export type PanelPhase = 'loading-model' | 'generating' | 'ready' | 'error';

export interface VariantView {
  text: string;
  /** The variant split into sentences, for accepting one of them. */
  sentences: string[];
  /** For rewrites: the change against the writer's text. */
  diff: DiffPart[] | null;
  /** Length as the platform counts it, when the field has a limit. */
  length: number | null;
  /** Complete and fit to insert: it can be accepted while later variants still stream. */
  acceptable: boolean;
}

export interface LimitView {
  label: string;
  limit: number;
  /** The field's current length as the platform counts it. */
  used: number;
}

export interface SuggestionPanelProps {
  phase: PanelPhase;
  action: ActionId;
  /** The actions offered here (they depend on whether text is selected and on a limit). */
  actions: readonly ActionId[];
  /** Variants so far; the last one may still be streaming while phase is 'generating'. */
  variants: VariantView[];
  selected: number;
  /** Model download progress while phase is 'loading-model' (0..1), or null when unknown. */
  progress: number | null;
  error: string | null;
  /** False when trying again cannot help (e.g. the request's tab is gone). */
  retryable: boolean;
  /** A notice after accepting, e.g. that the ledger could not record it. */
  notice: string | null;
  limit: LimitView | null;
  /** "2 of 9 sentences in this field are AI-suggested", or null when unknown. */
  disclosure: string | null;
  /** What the writer should know about these suggestions, e.g. that the model does not write the field's language. */
  caveat: string | null;
  /** No model on this device yet: what can be downloaded (only when the writer says so). */
  offer: DownloadOffer | null;
  /** Where the writer's text goes: a server's origin, or null for this device. */
  destination: string | null;
  /** Moves keyboard focus into the variant list, or the offer (the writer asked to, from the field). */
  focusList: boolean;
  /**
   * Tab in the field accepts (the writer opened this panel). A panel that opened on a pause
   * leaves Tab to the page (it moves focus) and says how to choose instead.
   */
  tabAccepts: boolean;
  onAction: (action: ActionId) => void;
  onSelect: (index: number) => void;
  onAccept: (index: number) => void;
  onAcceptSentence: (index: number, sentence: number) => void;
  onRetry: () => void;
  /** The writer agreed to download this model (hub id) from the offer. */
  onDownload: (modelId: string) => void;
  /** "Not in this field": the writer switches the extension off for this field of this site. */
  onFieldOff: () => void;
  /** Esc or ×; `fromPanel` when focus was inside the panel (the caret must be put back). */
  onClose: (fromPanel: boolean) => void;
}

const ACTION_LABEL: Record<ActionId, MessageKey> = {
  continue: 'actionContinue',
  rephrase: 'actionRephrase',
  shorten: 'actionShorten',
  expand: 'actionExpand',
  formal: 'actionFormal',
  casual: 'actionCasual',
  grammar: 'actionGrammar',
  fit: 'actionFit',
  headline: 'actionHeadline',
  summary: 'actionSummary',
};

function statusText(props: SuggestionPanelProps): string {
  switch (props.phase) {
    case 'loading-model':
      return props.progress === null ? t('statusLoadingModel') : t('statusDownloading', Math.round(props.progress * 100));
    case 'generating': {
      const done = props.variants.filter((v) => v.acceptable).length;
      if (done === 0) return t('statusGenerating');
      return props.tabAccepts ? t('statusSomeReady', done) : t('statusSomeReadyPause', done);
    }
    case 'ready':
      if (props.variants.length === 0) return '';
      if (!props.tabAccepts) return props.variants.length === 1 ? t('statusReadyOnePause') : t('statusReadyPause', props.variants.length);
      return props.variants.length === 1 ? t('statusReadyOne') : t('statusReady', props.variants.length);
    case 'error':
      return '';
  }
}

/** Decimal units, as the model hub lists sizes. */
function megabytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${Math.max(1, Math.round(bytes / 1e6))} MB`;
}

function sizeOf(model: OfferedModel): string | null {
  if (model.bytes === null) return null;
  return model.languages ? t('offerSizeLanguages', megabytes(model.bytes), model.languages.join(', ')) : megabytes(model.bytes);
}

/** What downloading means (size, where it runs), and the writer's choice of model: nothing downloads before it. */
function Offer({ offer, onDownload }: { offer: DownloadOffer; onDownload: (modelId: string) => void }): JSX.Element {
  const where = t(offer.device === 'webgpu' ? 'offerWhereWebgpu' : 'offerWhereWasm');
  const size = sizeOf(offer.model);
  const smaller = offer.smaller;
  return (
    <div class="offer" data-testid="panel-offer">
      <p>{t(offer.offline ? 'offerOffline' : 'offerNeedsModel')}</p>
      <p data-testid="offer-model">{size ? t('offerModel', offer.model.label, size, where) : t('offerModelSizeUnknown', offer.model.label, where)}</p>
      {!offer.offline && (
        <p class="offer-choices">
          <button type="button" data-testid="offer-download" onClick={(event) => event.isTrusted && onDownload(offer.model.modelId)}>
            {size ? t('offerDownload', size) : t('offerDownloadPlain')}
          </button>
          {smaller && (
            <button type="button" data-testid="offer-smaller" onClick={(event) => event.isTrusted && onDownload(smaller.modelId)}>
              {t('offerSmaller', smaller.label, sizeOf(smaller) ?? '')}
            </button>
          )}
        </p>
      )}
      <p class="offer-later">{t('offerChooseLater')}</p>
    </div>
  );
}

function Diff({ parts }: { parts: DiffPart[] }): JSX.Element {
  return (
    <span class="diff" aria-label={t('diffLabel')}>
      {parts.map((part, index) =>
        part.kind === 'same' ? (
          <span key={index}>{part.text}</span>
        ) : part.kind === 'added' ? (
          <ins key={index}>{part.text}</ins>
        ) : (
          <del key={index}>{part.text}</del>
        ),
      )}
    </span>
  );
}

/**
 * The suggestion panel: an action bar, variants streaming in, one selected; accept it whole or
 * one sentence of it. A view only: the content script owns state and the shortcuts that work
 * from inside the field (Tab, Alt+↓, Alt+→, Esc).
 */
export function SuggestionPanel(props: SuggestionPanelProps): JSX.Element {
  const { phase, variants, selected, limit } = props;
  const listRef = useRef<HTMLUListElement>(null);
  const offerRef = useRef<HTMLDivElement>(null);
  const streaming = phase === 'generating';

  // Also when the selected variant becomes acceptable: End pressed while the last one still
  // streams selects it before it has an Accept button to hold the focus.
  const selectedReady = variants[selected]?.acceptable === true;
  useEffect(() => {
    if (!props.focusList) return;
    const option = listRef.current?.querySelector<HTMLElement>(`[data-index="${selected}"]`) ?? offerRef.current?.querySelector<HTMLElement>('button');
    option?.focus();
  }, [props.focusList, selected, selectedReady, variants.length, props.offer]);

  const onListKey = (event: KeyboardEvent) => {
    const count = variants.length;
    if (count === 0) return;
    let handled = true;
    if (event.key === 'ArrowDown') props.onSelect((selected + 1) % count);
    else if (event.key === 'ArrowUp') props.onSelect((selected - 1 + count) % count);
    else if (event.key === 'Home') props.onSelect(0);
    else if (event.key === 'End') props.onSelect(count - 1);
    else if (event.key === 'ArrowRight' && event.altKey && event.isTrusted && acceptable(selected)) props.onAcceptSentence(selected, 0);
    else handled = false;
    if (handled) event.preventDefault();
  };

  // A complete variant can be taken while the next ones stream (the controller checks again).
  const acceptable = (index: number) => (phase === 'ready' || streaming) && variants[index]?.acceptable === true;
  const overLimit = (variant: VariantView) => limit !== null && variant.length !== null && variant.length > limit.limit;

  return (
    <div
      class="panel"
      // The panel speaks the extension's language and direction, not the page's (a Hebrew page
      // would otherwise reorder English strings; a screen reader would pronounce them as Hebrew).
      lang={t('uiLanguage')}
      dir="ltr"
      role="dialog"
      aria-label={t('panelLabel')}
      data-testid="suggestion-panel"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          props.onClose(true);
        }
      }}
    >
      <div class="header">
        <span class="title" data-testid="panel-title">
          {props.destination ? t('panelTitleServer', props.destination.replace(/^https?:\/\//, '')) : t('panelTitle')}
        </span>
        {limit && (
          <span class={limit.used > limit.limit ? 'count over' : 'count'} data-testid="limit-count" aria-label={t('limitCountLabel', limit.used, limit.limit, limit.label)}>
            {limit.used} / {limit.limit}
          </span>
        )}
        <button type="button" class="close" aria-label={t('dismiss')} onClick={() => props.onClose(false)}>
          ×
        </button>
      </div>
      <div class="actions" role="toolbar" aria-label={t('actionsLabel')}>
        {props.actions.map((action) => (
          <button
            key={action}
            type="button"
            class={action === props.action ? 'action current' : 'action'}
            aria-pressed={action === props.action}
            data-action={action}
            // A page's element.click() does not ask the model for anything.
            onClick={(event) => event.isTrusted && props.onAction(action)}
          >
            {t(ACTION_LABEL[action])}
          </button>
        ))}
      </div>
      {/* Announced politely: the status, not every streamed word. */}
      <div class="status" role="status" aria-live="polite" data-testid="panel-status">
        {statusText(props)}
      </div>
      {phase === 'loading-model' && props.progress !== null && (
        <progress class="progress" max={1} value={props.progress} aria-label={t('modelDownload')} />
      )}
      <div class="body">
        {props.caveat && (
          <p class="caveat" data-testid="panel-caveat">
            {props.caveat}
          </p>
        )}
        {props.offer && (
          <div ref={offerRef}>
            <Offer offer={props.offer} onDownload={props.onDownload} />
          </div>
        )}
        {props.error && (
          <div class="error" role="alert" data-testid="panel-error">
            <p>{props.error}</p>
            {props.retryable && (
              <button type="button" onClick={(event) => event.isTrusted && props.onRetry()} data-testid="panel-retry">
                {t('tryAgain')}
              </button>
            )}
          </div>
        )}
        {variants.length > 0 && (
          <ul class="variants" aria-label={t('variantsLabel')} ref={listRef} onKeyDown={onListKey}>
            {variants.map((variant, index) => (
              <li
                key={index}
                aria-busy={streaming && !variant.acceptable}
                class={index === selected ? 'variant selected' : 'variant'}
                data-testid="suggestion-variant"
                onClick={() => props.onSelect(index)}
              >
                <p class="text" id={`variant-text-${index}`} data-testid="variant-text">
                  {variant.diff ? (
                    <Diff parts={variant.diff} />
                  ) : (
                    variant.sentences.map((sentence, sentenceIndex) => (
                      <span
                        key={sentenceIndex}
                        class={acceptable(index) ? 'sentence' : undefined}
                        title={acceptable(index) ? t('acceptSentenceHint') : undefined}
                        data-testid="variant-sentence"
                        onClick={(event) => {
                          // Only the writer's own click accepts, never a page's element.click().
                          if (!acceptable(index) || !event.isTrusted) return;
                          event.stopPropagation();
                          props.onAcceptSentence(index, sentenceIndex);
                        }}
                      >
                        {sentence}
                      </span>
                    ))
                  )}
                </p>
                <div class="variant-foot">
                  {variant.length !== null && limit && (
                    <span class={overLimit(variant) ? 'length over' : 'length'}>{t('variantLength', variant.length, limit.limit)}</span>
                  )}
                  {acceptable(index) && (
                    <button
                      type="button"
                      class="accept"
                      data-testid="accept-variant"
                      data-index={index}
                      // Roving focus: Tab reaches the selected variant, arrows move between them.
                      tabIndex={index === selected ? 0 : -1}
                      aria-current={index === selected ? 'true' : undefined}
                      aria-label={t('acceptVariant', index + 1, variants.length)}
                      aria-describedby={`variant-text-${index}`}
                      onFocus={() => index !== selected && props.onSelect(index)}
                      onClick={(event) => {
                        event.stopPropagation();
                        if (event.isTrusted) props.onAccept(index);
                      }}
                    >
                      {t('accept')}
                    </button>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )}
        <p class="keys">
          {/* Only what the keys do in this panel: Tab accepts only a panel the writer summoned. */}
          {props.tabAccepts ? t('keysHint') : t('keysHintPause')}
          <button type="button" class="field-off" data-testid="field-off" onClick={(event) => event.isTrusted && props.onFieldOff()}>
            {t('panelFieldOff')}
          </button>
        </p>
        {props.disclosure && (
          <p class="disclosure" data-testid="panel-disclosure">
            {props.disclosure}
          </p>
        )}
        {props.notice && (
          <div class="notice" role="alert" data-testid="panel-notice">
            {props.notice}
          </div>
        )}
      </div>
    </div>
  );
}
