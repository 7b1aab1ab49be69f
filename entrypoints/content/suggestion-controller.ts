import { browser } from 'wxt/browser';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import type { SuggestionPanelProps } from '@/components/SuggestionPanel';
import type { ActionId } from '@/lib/engine/actions';
import { adapterFor, editableRootOf, fieldIdOf, refusalReason, type FieldAdapter, type FieldSnapshot } from '@/lib/fields';
import type { GenerateServerMessage, ModelInfo, Response } from '@/lib/messaging';
import type { Settings } from '@/lib/settings';
import { requestGeneration, type GenerationHandle } from './generation-client';
import { PanelHost } from './panel-host';

interface ActiveField {
  element: HTMLElement;
  /** The target as seen by listeners on the document (shadow DOM retargets events to hosts). */
  eventTarget: EventTarget;
  adapter: FieldAdapter;
}

interface RunningRequest {
  id: string;
  field: ActiveField;
  snapshot: FieldSnapshot;
  action: ActionId;
  suggestedAt: number;
  handle: GenerationHandle;
  model: ModelInfo | null;
  /** The range of `snapshot.text` the suggestion replaces, as the engine decided it. */
  replace: { start: number; end: number } | null;
}

type ViewState = Omit<SuggestionPanelProps, 'onSelect' | 'onAccept' | 'onRetry' | 'onClose'>;

const LOST_MESSAGE = 'The on-device model stopped before it finished (the extension restarted). Your text is unchanged.';

/**
 * Watches the focused field, opens the panel on a pause or the shortcut, streams suggestions
 * into it and inserts the accepted one. Per keystroke it only resets one timer.
 */
export class SuggestionController {
  private field: ActiveField | null = null;
  private pauseTimer: ReturnType<typeof setTimeout> | undefined;
  private request: RunningRequest | null = null;
  private view: ViewState | null = null;
  private readonly panel: PanelHost;

  constructor(
    ctx: ContentScriptContext,
    private settings: Settings,
  ) {
    this.panel = new PanelHost(ctx);
  }

  setSettings(settings: Settings): void {
    this.settings = settings;
  }

  /** focusin: decide once per focus whether this field may be used. */
  handleFocusIn(event: FocusEvent): void {
    const target = event.composedPath()[0] ?? event.target;
    const root = editableRootOf(target as EventTarget);
    if (root && root === this.field?.element) return;
    this.close();
    this.field = null;
    if (!root || refusalReason(root) !== null) return;
    const adapter = adapterFor(root);
    if (adapter) this.field = { element: root, eventTarget: event.target ?? root, adapter };
  }

  /** input: the hot path. Typing makes an open suggestion stale and restarts the pause timer. */
  handleInput(event: Event): void {
    if (!this.field || event.target !== this.field.eventTarget) return;
    if (this.view) this.close();
    clearTimeout(this.pauseTimer);
    if (this.settings.pauseDelayMs > 0) {
      this.pauseTimer = setTimeout(() => this.suggest('continue', 'pause'), this.settings.pauseDelayMs);
    }
  }

  /** keydown while the panel is open: Tab accepts, Esc dismisses, Alt+↑/↓ choose a variant. */
  handleKeyDown(event: KeyboardEvent): void {
    if (!this.view || event.isComposing) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      this.close();
    } else if (event.key === 'Tab' && !event.shiftKey && this.view.variants.length > 0 && this.acceptable(this.view.selected)) {
      event.preventDefault();
      event.stopPropagation();
      void this.accept(this.view.selected);
    } else if (event.altKey && (event.key === 'ArrowDown' || event.key === 'ArrowUp') && this.view.variants.length > 0) {
      event.preventDefault();
      event.stopPropagation();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      const count = this.view.variants.length;
      this.setView({ selected: (this.view.selected + step + count) % count });
    }
  }

  /** Starts a suggestion at the focused field (the pause timer or the shortcut). */
  suggest(action: ActionId, trigger: 'pause' | 'shortcut'): void {
    const field = this.field;
    if (!field || !field.element.isConnected) return;
    const snapshot = field.adapter.read(field.element);
    // A pause in an empty field is not a request for text; the shortcut is.
    if (trigger === 'pause' && snapshot.text.trim().length === 0) return;
    this.cancelRequest();
    const id = crypto.randomUUID();
    const request: RunningRequest = {
      id,
      field,
      snapshot,
      action,
      suggestedAt: Date.now(),
      model: null,
      replace: null,
      handle: requestGeneration(
        {
          requestId: id,
          fieldKey: `${location.href}|${fieldIdOf(field.element)}`,
          action,
          text: snapshot.text,
          selectionStart: snapshot.selectionStart,
          selectionEnd: snapshot.selectionEnd,
          variants: this.settings.variants,
        },
        {
          onMessage: (message) => this.onGenerateMessage(request, message),
          onLost: () => this.request === request && this.setView({ phase: 'error', error: LOST_MESSAGE }),
        },
      ),
    };
    this.request = request;
    this.view = { phase: 'generating', variants: [], selected: 0, progress: null, error: null, notice: null };
    void this.panel.show(this.panelProps(), field.element, () => field.adapter.caretRect(field.element));
  }

  close(): void {
    this.cancelRequest();
    this.view = null;
    this.panel.hide();
  }

  private onGenerateMessage(request: RunningRequest, message: GenerateServerMessage): void {
    if (this.request !== request || !this.view) return;
    switch (message.type) {
      case 'progress':
        this.setView({
          phase: message.phase === 'loading' ? 'loading-model' : 'generating',
          progress: message.totalBytes > 0 ? message.loadedBytes / message.totalBytes : null,
        });
        break;
      case 'variant': {
        const variants = [...this.view.variants];
        variants[message.index] = message.text;
        this.setView({ phase: 'generating', variants });
        break;
      }
      case 'done':
        request.model = message.model;
        request.replace = message.replace;
        this.setView({
          phase: 'ready',
          variants: message.variants,
          selected: Math.min(this.view.selected, Math.max(0, message.variants.length - 1)),
          error: message.variants.length === 0 ? 'The model returned no usable suggestion. Try again.' : null,
        });
        break;
      case 'error':
        this.setView({ phase: 'error', error: message.message });
        break;
    }
  }

  private acceptable(index: number): boolean {
    return this.view?.phase === 'ready' && index < (this.view?.variants.length ?? 0);
  }

  private async accept(index: number): Promise<void> {
    const request = this.request;
    const text = this.view?.variants[index];
    if (!request || !text || !request.model || !request.replace || !this.acceptable(index)) return;
    const { element, adapter } = request.field;
    if (!element.isConnected) {
      this.setView({ notice: 'The field is gone from the page; nothing was inserted.' });
      return;
    }
    const now = adapter.read(element);
    const { snapshot } = request;
    // Never insert at a stale offset: the suggestion was made for the text as it was.
    if (now.text !== snapshot.text) {
      this.setView({ notice: 'The text changed since this suggestion was made. Nothing was inserted; ask again.' });
      return;
    }
    const { start, end } = request.replace;
    const outcome = await adapter.replace(element, start, end, text);
    if (!outcome.ok) {
      this.setView({ notice: `Could not insert the suggestion: ${outcome.reason}` });
      return;
    }
    this.request = null;
    const recorded = await this.record(request, text, snapshot.text.slice(start, end));
    if (recorded.ok) {
      this.close();
    } else {
      this.setView({
        phase: 'ready',
        variants: [],
        notice: `Inserted, but the disclosure ledger could not record it: ${recorded.error}`,
      });
    }
  }

  private async record(request: RunningRequest, inserted: string, replaced: string): Promise<Response<'ledger.record'>> {
    const message = {
      type: 'ledger.record' as const,
      acceptance: {
        document: { origin: location.origin, path: location.pathname, fieldId: fieldIdOf(request.field.element) },
        pageTitle: document.title,
        action: request.action,
        model: request.model!,
        suggestedAt: request.suggestedAt,
        acceptedAt: Date.now(),
        originalText: replaced.length > 0 ? replaced : null,
        suggestedText: inserted,
        insertedText: inserted,
      },
    };
    try {
      return (await browser.runtime.sendMessage(message)) as Response<'ledger.record'>;
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error), code: 'unreachable' };
    }
  }

  private cancelRequest(): void {
    clearTimeout(this.pauseTimer);
    this.request?.handle.cancel();
    this.request = null;
  }

  private setView(patch: Partial<ViewState>): void {
    if (!this.view) return;
    this.view = { ...this.view, ...patch };
    this.panel.update(this.panelProps());
  }

  private panelProps(): SuggestionPanelProps {
    return {
      ...this.view!,
      onSelect: (index) => this.setView({ selected: index }),
      onAccept: (index) => void this.accept(index),
      onRetry: () => {
        const action = this.request?.action ?? 'continue';
        this.field?.element.focus();
        this.suggest(action, 'shortcut');
      },
      onClose: () => {
        this.field?.element.focus();
        this.close();
      },
    };
  }
}
