import { browser } from 'wxt/browser';
import type { SuggestionPanelProps, VariantView } from '@/components/SuggestionPanel';
import { REWRITE_ACTIONS, type ActionId } from '@/lib/engine/actions';
import { adapterFor, editableRootOf, fieldIdOf, isUsableField, opensOnPause, refusalReason, type FieldAdapter, type FieldSnapshot } from '@/lib/fields';
import { t, tCount } from '@/lib/i18n';
import { countWords, LONG_PAUSE_FACTOR, pauseDecision } from '@/lib/fields/opening-rule';
import type { AcceptanceMessage, GenerateServerMessage, ModelInfo, Response } from '@/lib/messaging';
import { limitFor, type PlatformLimit } from '@/lib/platforms/detect';
import { parseSettings, SETTINGS_STORAGE_KEY, type Settings } from '@/lib/settings';
import { isFieldDisabled, withFieldEnabled } from '@/lib/site-settings';
import { segmentSentences } from '@/lib/text/segment';
import { wordDiff } from '@/lib/word-diff';
import { fieldDocument, fieldDocumentKey } from './field-document';
import { requestGeneration, type GenerationHandle } from './generation-client';
import { LimitBadge } from './limit-badge';
import { isInOwnUi } from './shadow-host';
import { PanelHost } from './panel-host';
import { SelectionAffordance } from './selection-affordance';

interface ActiveField {
  element: HTMLElement;
  /** The target as seen by listeners on the document (shadow DOM retargets events to hosts). */
  eventTarget: EventTarget;
  adapter: FieldAdapter;
}

interface RunningRequest {
  id: string;
  field: ActiveField;
  /**
   * Who opened the panel: the writer (shortcut, an action in the panel) or a pause. Tab accepts
   * only what the writer asked for; on a panel that opened on its own it keeps its page meaning.
   */
  summoned: boolean;
  snapshot: FieldSnapshot;
  action: ActionId;
  suggestedAt: number;
  handle: GenerationHandle;
  model: ModelInfo | null;
  /** The range of `snapshot.text` the suggestion replaces, as the engine decided it. */
  replace: { start: number; end: number } | null;
  /** The field's language as the engine read it (ISO 639-1), when it could. */
  fieldLanguage: string | null;
  limit: PlatformLimit | null;
}

/**
 * The acceptance just inserted, watched until the writer moves on (types, leaves the field): an
 * undo or a deletion that takes the text back out is recorded as a withdrawal of it.
 */
interface WatchedInsertion {
  field: ActiveField;
  entry: { seq: number; hash: string };
  acceptance: AcceptanceMessage;
  /** The field's text before the insertion. */
  before: string;
  inserted: string;
  /** Withdrawn by an undo: a redo that brings the text back records the acceptance again. */
  withdrawn: boolean;
}

type ViewState = Omit<
  SuggestionPanelProps,
  'onAction' | 'onSelect' | 'onAccept' | 'onAcceptSentence' | 'onRetry' | 'onClose' | 'onDownload' | 'onFieldOff'
>;

/** A language's name in the browser's own language ("French"), from its ISO 639-1 code. */
function languageName(code: string): string {
  try {
    return new Intl.DisplayNames([navigator.language, 'en'], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** Above this the field is attributed on the audit page, not on every panel opening. */
const MAX_DISCLOSURE_TEXT = 200_000;

const WITH_SELECTION: readonly ActionId[] = ['rephrase', 'shorten', 'expand', 'formal', 'casual', 'grammar', 'fit', 'headline', 'summary'];
const WITHOUT_SELECTION: readonly ActionId[] = ['continue', 'rephrase', 'shorten', 'formal', 'casual', 'grammar', 'fit', 'headline', 'summary'];

/**
 * Watches the focused field, opens the panel on a pause or the shortcut, streams suggestions
 * into it and inserts the accepted one. Per keystroke it only resets one timer and notes the
 * time and whether the key was an undo or redo.
 */
export class SuggestionController {
  private field: ActiveField | null = null;
  /** Set while a pause is being timed (cleared when it fires or is cancelled). */
  private pauseTimer: ReturnType<typeof setTimeout> | undefined;
  /** Words in the field when the panel last opened or was dismissed, or the writer came to it: the opening rule counts from here. */
  private quietWords = 0;
  /**
   * A pause found no model on this device (nothing is downloaded without the writer's word):
   * pauses stay quiet on this page until the writer asks and a model runs.
   */
  private modelMissing = false;
  private request: RunningRequest | null = null;
  private view: ViewState | null = null;
  /** True while our own insertion runs: its input events are not the writer typing. */
  private inserting = false;
  /** True from the accepting key until the insertion is done: a second key does not accept twice. */
  private accepting = false;
  private watched: WatchedInsertion | null = null;
  private watchCheck: ReturnType<typeof setTimeout> | undefined;
  /**
   * The undo or redo chord last pressed in the field, until another key: editors that handle it
   * themselves rewrite the field with plain input events (not historyUndo), which are that undo
   * or redo at work, not the writer typing.
   */
  private historyKey: 'undo' | 'redo' | null = null;
  /** When the writer last edited the field (performance.now()): an insertion waits out the editor's merge window after it. */
  private lastEditAt = 0;
  /** The selection the rewrite affordance was shown for (restored when the writer comes back from it). */
  private affordanceSelection: Pick<FieldSnapshot, 'selectionStart' | 'selectionEnd'> | null = null;
  /** Where the last suggestion's text went (the engine says so when it starts): a new panel starts with it. */
  private destination: string | null = null;
  /** The writer's caret when they moved into the panel, restored on Esc. */
  private savedRange: Range | null = null;
  private readonly panel: PanelHost;
  private readonly limitBadge = new LimitBadge();
  private readonly affordance = new SelectionAffordance();

  /**
   * `site`: the hostname fields are switched off under (a frame's is its page's). `aroundInsertion`
   * runs our own insertion (the typing recorder marks what it inserts as not typed).
   */
  constructor(
    private settings: Settings,
    private readonly site: string = location.hostname,
    private readonly aroundInsertion: <T>(field: HTMLElement, insert: () => Promise<T>) => Promise<T> = (_field, insert) => insert(),
  ) {
    this.panel = new PanelHost();
  }

  setSettings(settings: Settings): void {
    this.settings = settings;
    if (this.field && isFieldDisabled(settings, this.site, fieldIdOf(this.field.element))) {
      this.forgetField();
    }
  }

  /**
   * focusin (or the field focused before this script ran): decide once per focus whether this
   * field may be used. The deepest target is read through open shadow roots; focus moving into
   * our own panel keeps the field.
   */
  handleFocusIn(event: Pick<FocusEvent, 'target' | 'composedPath'>): void {
    const path = event.composedPath();
    // Focus moving onto our own panel or rewrite affordance keeps the field.
    if (isInOwnUi(path)) return;
    const target = path[0] ?? event.target;
    const root = editableRootOf(target as EventTarget);
    if (root && root === this.field?.element) return;
    this.forgetField();
    this.historyKey = null;
    this.lastEditAt = 0;
    // Moving to another field is moving on: the last acceptance stands as it is.
    this.watched = null;
    if (!root || refusalReason(root) !== null || isFieldDisabled(this.settings, this.site, fieldIdOf(root))) return;
    const adapter = adapterFor(root);
    if (adapter) this.quietWords = countWords(adapter.read(root).text);
    // Listeners on the document see events from inside shadow roots retargeted to the outermost host.
    let eventTarget: Element = root;
    for (let rootNode = eventTarget.getRootNode(); rootNode instanceof ShadowRoot; rootNode = eventTarget.getRootNode()) {
      eventTarget = rootNode.host;
    }
    if (!adapter) return;
    this.field = { element: root, eventTarget, adapter };
    this.limitBadge.follow(root, limitFor(location.hostname, root), () => adapter.read(root).text);
  }

  /**
   * input: the hot path. Typing makes an open suggestion stale and restarts the pause timer. An
   * undo or redo is not the writer writing: it never opens the panel.
   */
  handleInput(event: Event): void {
    if (!this.field || event.target !== this.field.eventTarget) return;
    this.limitBadge.refresh();
    if (this.inserting) return;
    this.affordance.hide();
    if (this.view) this.close();
    this.cancelPause();
    this.lastEditAt = performance.now();
    const inputType = (event as InputEvent).inputType ?? '';
    const history = inputType === 'historyUndo' ? 'undo' : inputType === 'historyRedo' ? 'redo' : this.historyKey;
    if (this.watched) this.watchEdit(history ?? (inputType.startsWith('delete') ? 'delete' : 'type'));
    if (history) return;
    if (this.settings.pauseDelayMs > 0 && !this.modelMissing && opensOnPause(this.field.element)) {
      this.pauseTimer = setTimeout(() => this.onPause(false), this.settings.pauseDelayMs);
    }
  }

  /** The writer stopped typing: the opening rule (lib/fields/opening-rule.ts) decides. */
  private onPause(long: boolean): void {
    this.pauseTimer = undefined;
    const field = this.field;
    if (!field || !field.element.isConnected) return;
    const { text, selectionEnd } = field.adapter.read(field.element);
    const decision = pauseDecision(text.slice(0, selectionEnd), countWords(text) - this.quietWords, long, this.settings.pauseMinWords);
    if (decision === 'open') this.suggest(null, 'pause');
    else if (decision === 'wait-longer') this.pauseTimer = setTimeout(() => this.onPause(true), (LONG_PAUSE_FACTOR - 1) * this.settings.pauseDelayMs);
  }

  /** The writer dismissed the panel, or took back what it inserted: it waits for new words before opening by itself again. */
  private quiet(): void {
    const field = this.field;
    if (field?.element.isConnected) this.quietWords = countWords(field.adapter.read(field.element).text);
  }

  /**
   * After an acceptance: an undo or deletion that leaves the field without the inserted text
   * withdraws it; anything else the writer types ends the watch. Read after a task, when editors
   * that apply undo from their own history (on keydown, not as native input) have settled.
   */
  private watchEdit(edit: 'undo' | 'redo' | 'delete' | 'type'): void {
    const watched = this.watched;
    if (!watched) return;
    if (watched.field !== this.field || edit === 'type') {
      this.watched = null;
      return;
    }
    clearTimeout(this.watchCheck);
    this.watchCheck = setTimeout(() => {
      if (this.watched !== watched || !watched.field.element.isConnected) return;
      const { text } = watched.field.adapter.read(watched.field.element);
      const present = text.includes(watched.inserted.trim());
      if (!watched.withdrawn && edit !== 'redo' && !present) {
        watched.withdrawn = true;
        this.quiet();
        void this.withdraw(watched, edit === 'undo' ? 'undone' : 'deleted');
      } else if (watched.withdrawn && edit === 'redo' && present) {
        // The writer brought it back: it is accepted again, recorded as a new acceptance.
        watched.withdrawn = false;
        void this.recordAgain(watched);
      }
    }, 0);
  }

  private async withdraw(watched: WatchedInsertion, reason: 'undone' | 'deleted' | 'not-inserted'): Promise<void> {
    try {
      await browser.runtime.sendMessage({ type: 'ledger.withdraw', seq: watched.entry.seq, hash: watched.entry.hash, reason });
    } catch {
      // The background is gone for a moment: the acceptance stays recorded, which is what the field showed.
    }
  }

  private async recordAgain(watched: WatchedInsertion): Promise<void> {
    const recorded = await this.send({ ...watched.acceptance, acceptedAt: Date.now() });
    if (recorded.ok) watched.entry = { seq: recorded.seq, hash: recorded.hash };
  }

  /**
   * keydown while the panel is open and focus is in the field: Tab accepts, Alt+→ accepts the
   * first sentence, Alt+↓ moves into the panel, Esc dismisses. Keys inside the panel are the
   * panel's own.
   */
  handleKeyDown(event: KeyboardEvent): void {
    if (!MODIFIER_KEYS.has(event.key)) {
      this.historyKey = this.field && event.target === this.field.eventTarget ? historyChordOf(event) : null;
      // An undo is not a pause in writing: a panel due on the last keystroke's pause does not open.
      if (this.historyKey) this.cancelPause();
    }
    if (this.watched && !event.isComposing) this.watchKey(event);
    if (this.affordance.isShown && !MODIFIER_KEYS.has(event.key) && !this.panel.isHost(event.target) && !this.affordance.isHost(event.target)) {
      if (event.altKey && event.key === 'ArrowDown') {
        this.moveOntoAffordance();
        event.preventDefault();
        event.stopPropagation();
        return;
      }
      if (!selectsText(event)) this.affordance.hide();
    }
    if (event.key === 'Escape' && !event.isComposing && (this.pauseTimer !== undefined || (this.view && !this.panel.isShown))) {
      // Esc before the panel opened cancels it; the key stays the page's (nothing was shown to close).
      this.close();
      this.quiet();
      return;
    }
    if (!this.view || event.isComposing || this.panel.isHost(event.target)) return;
    const { selected, variants } = this.view;
    let handled = true;
    if (event.key === 'Escape') this.dismiss();
    else if (event.key === 'Tab' && !event.shiftKey && !event.altKey && this.request?.summoned && this.acceptable(selected)) void this.accept(selected, null);
    else if (event.altKey && event.key === 'ArrowRight' && this.acceptable(selected)) void this.accept(selected, 0);
    else if (event.altKey && event.key === 'ArrowDown' && (variants.length > 0 || this.view.offer)) this.moveIntoPanel();
    else handled = false;
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  }

  /**
   * Editors that keep their own history undo on the key itself (no native input event follows):
   * the watch hears the undo and redo keys, and deleting keys, in the field.
   */
  private watchKey(event: KeyboardEvent): void {
    if (this.watched?.field !== this.field || this.panel.isHost(event.target)) return;
    const chord = historyChordOf(event);
    if (chord) this.watchEdit(chord);
    else if (event.key === 'Backspace' || event.key === 'Delete') this.watchEdit('delete');
  }

  /**
   * Starts a suggestion at the focused field (pause timer, shortcut, or an action button).
   * `download`: the model the writer agreed to download from the panel's offer.
   */
  suggest(requested: ActionId | null, trigger: 'pause' | 'shortcut' | 'panel', download?: string): void {
    const field = this.field;
    if (!field || !field.element.isConnected) return;
    // Checked again on every request: a field can become a password or payment field after focus.
    if (!isUsableField(field.element)) {
      this.forgetField();
      return;
    }
    this.affordance.hide();
    const snapshot = field.adapter.read(field.element);
    // A pause in an empty field is not a request for text; the shortcut is.
    if (trigger === 'pause' && snapshot.text.trim().length === 0) return;
    const hasSelection = snapshot.selectionEnd > snapshot.selectionStart;
    const limit = limitFor(location.hostname, field.element);
    // A post over its platform's limit needs fitting before anything else: more text would make it worse.
    const overLimit = limit !== null && limit.count(snapshot.text) > limit.limit;
    const action = requested ?? (overLimit ? 'fit' : hasSelection ? 'rephrase' : 'continue');
    // "Fit" without a selection means the whole post.
    const selection =
      action === 'fit' && !hasSelection ? { start: 0, end: snapshot.text.length } : { start: snapshot.selectionStart, end: snapshot.selectionEnd };
    this.cancelRequest();
    const id = crypto.randomUUID();
    const request: RunningRequest = {
      id,
      field,
      // The shortcut, or an action the writer picked in the panel: they asked for this.
      summoned: trigger !== 'pause',
      snapshot,
      action,
      suggestedAt: Date.now(),
      model: null,
      replace: null,
      fieldLanguage: null,
      limit,
      handle: requestGeneration(
        {
          requestId: id,
          fieldKey: `${location.href}|${fieldIdOf(field.element)}`,
          action,
          text: snapshot.text,
          selectionStart: selection.start,
          selectionEnd: selection.end,
          variants: this.settings.variants,
          ...(action === 'fit' && limit ? { limit: this.roomFor(limit, snapshot.text, selection) } : {}),
          ...(download !== undefined ? { download } : {}),
        },
        {
          onMessage: (message) => this.onGenerateMessage(request, message),
          onLost: () => this.request === request && this.setView({ phase: 'error', error: t('errorLost') }),
        },
      ),
    };
    this.request = request;
    const offered = (hasSelection ? WITH_SELECTION : WITHOUT_SELECTION).filter((candidate) => candidate !== 'fit' || limit !== null);
    if (overLimit) offered.sort((a, b) => Number(b === 'fit') - Number(a === 'fit'));
    const view: ViewState = {
      phase: 'generating',
      action,
      actions: offered,
      variants: [],
      selected: 0,
      progress: null,
      error: null,
      notice: null,
      limit: limit ? { label: limit.label, limit: limit.limit, used: limit.count(snapshot.text) } : null,
      disclosure: null,
      caveat: null,
      offer: null,
      destination: this.destination,
      focusList: false,
      tabAccepts: request.summoned,
      retryable: true,
    };
    // Shown, not merely pending: a pause's request still waiting for the engine has a view but no panel.
    const wasOpen = this.panel.isShown;
    this.view = view;
    // The opening rule counts new words from each opening.
    this.quietWords = countWords(snapshot.text);
    // The panel opens with the request; a pause's waits for the engine's first answer (no panel for a missing model).
    if (wasOpen) this.panel.update(this.panelProps());
    else if (trigger !== 'pause') this.showPanel(request);
  }

  private showPanel(request: RunningRequest): void {
    const { field } = request;
    this.panel.show(this.panelProps(), field.element, () => field.adapter.caretRect(field.element), () => this.close());
    void this.showDisclosure(request);
  }

  /** How much of this field the ledger attributes to the AI: once per panel, never per keystroke. */
  private async showDisclosure(request: RunningRequest): Promise<void> {
    const { text } = request.snapshot;
    if (text.trim().length === 0 || text.length > MAX_DISCLOSURE_TEXT) return;
    const documentKey = fieldDocumentKey(request.field.element);
    try {
      const answer = (await browser.runtime.sendMessage({ type: 'audit.attribute', text, documentKey })) as Response<'audit.attribute'> | null;
      if (!answer?.ok || this.request !== request) return;
      const { aiSentences, sentences } = answer.attribution.figures;
      this.setView({ disclosure: t('disclosureHint', aiSentences, sentences) });
    } catch {
      // The hint is a courtesy; the panel works without it.
    }
  }

  close(): void {
    this.cancelRequest();
    this.view = null;
    this.savedRange = null;
    this.panel.hide();
  }

  /** No field to help in any more (focus moved, it became unusable, it was switched off). */
  private forgetField(): void {
    this.close();
    this.limitBadge.hide();
    this.affordance.hide();
    this.field = null;
  }

  /** "Not in this field": nothing here until the writer turns it on again in the options (remembered per site and field). */
  private async turnOffField(): Promise<void> {
    const field = this.field;
    if (!field) return;
    this.returnToField();
    this.forgetField();
    const stored = parseSettings((await browser.storage.local.get(SETTINGS_STORAGE_KEY))[SETTINGS_STORAGE_KEY]);
    await browser.storage.local.set({ [SETTINGS_STORAGE_KEY]: withFieldEnabled(stored, this.site, fieldIdOf(field.element), false) });
  }

  /** The writer closed the panel (Esc, ×): it does not open by itself again on this text. */
  private dismiss(): void {
    this.close();
    this.quiet();
  }

  /** Characters a rewrite of `selection` may use so the whole field stays within the limit. */
  private roomFor(limit: PlatformLimit, text: string, selection: { start: number; end: number }): number {
    const rest = limit.count(text.slice(0, selection.start) + text.slice(selection.end));
    return Math.max(1, limit.limit - rest);
  }

  /**
   * A variant is acceptable once it is complete and the engine said what it replaces and which
   * model wrote it (the 'started' message): the writer need not wait for the other variants. A
   * fit-to-limit variant must also be within the limit by the platform's own counting.
   */
  private variantView(request: RunningRequest, text: string, final: boolean): VariantView {
    // Pieces that cover the whole text (gaps included), so they render back to exactly `text`.
    const sentences = segmentSentences(text).map((sentence, index, all) =>
      text.slice(index === 0 ? 0 : sentence.start, index === all.length - 1 ? text.length : all[index + 1]!.start),
    );
    const { replace, snapshot, limit } = request;
    const rewrite = final && replace && REWRITE_ACTIONS.has(request.action) && replace.end > replace.start;
    const resulting = replace ? snapshot.text.slice(0, replace.start) + text + snapshot.text.slice(replace.end) : null;
    const length = limit && resulting !== null ? limit.count(resulting) : null;
    const fits = request.action !== 'fit' || !limit || (length !== null && length <= limit.limit);
    return {
      text,
      sentences: sentences.length > 0 ? sentences : [text],
      diff: rewrite ? wordDiff(snapshot.text.slice(replace.start, replace.end), text) : null,
      length,
      acceptable: final && request.model !== null && replace !== null && fits,
    };
  }

  private onGenerateMessage(request: RunningRequest, message: GenerateServerMessage): void {
    if (this.request !== request || !this.view) return;
    // The field left the page (a composer closed, a SPA navigated): nothing to suggest into.
    if (!request.field.element.isConnected) {
      this.close();
      return;
    }
    if (!this.panel.isShown) {
      if (message.type === 'error' && message.offer && !request.summoned) {
        // No model here, and a pause never downloads one: stay closed, and quiet until the writer asks.
        this.modelMissing = true;
        this.close();
        return;
      }
      this.showPanel(request);
    }
    switch (message.type) {
      case 'progress':
        this.setView({
          phase: message.phase === 'loading' ? 'loading-model' : 'generating',
          progress: message.totalBytes > 0 ? message.loadedBytes / message.totalBytes : null,
        });
        break;
      case 'started': {
        this.modelMissing = false;
        request.model = message.model;
        request.replace = message.replace;
        request.fieldLanguage = message.fieldLanguage;
        const { fieldLanguage: field, modelLanguages: writes } = message;
        const caveat = field && writes.length > 0 && !writes.includes(field) ? t('languageNotWritten', languageName(field), writes.map(languageName).join(', ')) : null;
        this.destination = message.model.server ?? null;
        this.setView({ caveat, destination: this.destination });
        break;
      }
      case 'variant': {
        const variants = [...this.view.variants];
        variants[message.index] = this.variantView(request, message.text, message.final);
        this.setView({ phase: 'generating', variants });
        break;
      }
      case 'done': {
        request.model = message.model;
        request.replace = message.replace;
        let variants = message.variants.map((text) => this.variantView(request, text, true));
        const other = request.fieldLanguage && message.otherLanguage > 0 ? languageName(request.fieldLanguage) : null;
        let error: string | null = variants.length > 0 ? null : other ? t('errorOtherLanguage', other) : t('errorNoSuggestion');
        if (other && variants.length > 0) this.setView({ caveat: tCount('otherLanguageLeftOut', message.otherLanguage, message.otherLanguage, other) });
        if (request.action === 'fit' && request.limit) {
          // Verified here, with the platform's own counting, before anything is offered.
          variants = variants.filter((variant) => variant.acceptable);
          if (variants.length === 0) error = t('errorNoneFits', request.limit.limit);
        }
        // The writer's choice stands (End pressed while the last one streamed), where it is still offered.
        const chosen = this.view.variants[this.view.selected]?.text;
        const selected = Math.max(0, variants.findIndex((variant) => variant.text === chosen));
        this.setView({ phase: variants.length > 0 ? 'ready' : 'error', variants, selected, error });
        break;
      }
      case 'error':
        // A missing model is offered for download (the offer says why), not reported as a failure.
        this.setView({ phase: 'error', error: message.offer ? null : message.message, retryable: message.retryable, offer: message.offer ?? null });
        break;
    }
  }

  private acceptable(index: number): boolean {
    const phase = this.view?.phase;
    return (phase === 'ready' || phase === 'generating') && this.view?.variants[index]?.acceptable === true;
  }

  private moveIntoPanel(): void {
    const selection = this.field?.element.ownerDocument.getSelection();
    this.savedRange = selection && selection.rangeCount > 0 ? selection.getRangeAt(0).cloneRange() : null;
    this.setView({ focusList: true });
  }

  /** pointerup, or a key that selects, in the field: a selection gets the rewrite affordance, anything else loses it. */
  handleSelectionEnd(event: PointerEvent | KeyboardEvent): void {
    const field = this.field;
    if (!field || event.target !== field.eventTarget || this.view || this.inserting) return;
    if ('key' in event && !selectsText(event)) return;
    const { text, selectionStart, selectionEnd } = field.adapter.read(field.element);
    if (selectionEnd <= selectionStart || text.slice(selectionStart, selectionEnd).trim().length === 0) return this.affordance.hide();
    this.affordanceSelection = { selectionStart, selectionEnd };
    this.affordance.show(field.element, () => field.adapter.caretRect(field.element), {
      onOpen: (fromKeyboard) => {
        // Focus went onto the affordance: the selection is the writer's again before the panel reads it.
        if (fromKeyboard) this.returnToField(this.affordanceSelection ?? undefined);
        this.suggest(null, 'shortcut');
      },
      onClose: () => this.returnToField(this.affordanceSelection ?? undefined),
    });
  }

  private moveOntoAffordance(): void {
    const selection = this.field?.element.ownerDocument.getSelection();
    this.savedRange = selection && selection.rangeCount > 0 ? selection.getRangeAt(0).cloneRange() : null;
    this.affordance.focus();
  }

  /** Back to the field with the caret exactly where the writer left it. */
  private returnToField(selection: Pick<FieldSnapshot, 'selectionStart' | 'selectionEnd'> | undefined = this.request?.snapshot): void {
    const field = this.field;
    if (!field) return;
    field.element.focus();
    const element = field.element as HTMLTextAreaElement | HTMLInputElement;
    if (selection && typeof element.setSelectionRange === 'function') {
      element.setSelectionRange(selection.selectionStart, selection.selectionEnd);
    } else if (this.savedRange) {
      const selection = field.element.ownerDocument.getSelection();
      selection?.removeAllRanges();
      selection?.addRange(this.savedRange);
    }
  }

  /**
   * Inserts variant `index`, whole or just one of its sentences. The record is written first and
   * the text inserted after it: a crash or a closed tab in between leaves a record of text that
   * never reached the field (the audit finds it nowhere), never AI text without a record. If the
   * insertion then does not happen, the record is withdrawn.
   */
  private async accept(index: number, sentence: number | null): Promise<void> {
    const request = this.request;
    const variant = this.view?.variants[index];
    if (this.accepting || !request || !variant || !request.model || !request.replace || !this.acceptable(index)) return;
    const { element, adapter } = request.field;
    if (!element.isConnected) {
      this.setView({ notice: t('noticeFieldGone') });
      return;
    }
    if (!isUsableField(element)) {
      this.forgetField();
      return;
    }
    const { snapshot } = request;
    // Never insert at a stale offset: the suggestion was made for the text as it was.
    if (adapter.read(element).text !== snapshot.text) {
      this.setView({ notice: t('noticeTextChanged') });
      return;
    }
    const { start, end } = request.replace;
    const text = sentence === null ? variant.text : sentenceToInsert(variant, sentence, request.action, snapshot.text.slice(0, start));
    // The writer typed (which cancels the request), or the field changed or left, meanwhile.
    const changed = () => this.request !== request || !element.isConnected || !isUsableField(element) || adapter.read(element).text !== snapshot.text;
    this.accepting = true;
    try {
      // An editor whose history merges changes by time would fold the insertion into the words
      // the writer just typed: it waits until the writer has been still that long.
      const wait = this.lastEditAt + (adapter.historyMergeMs ?? 0) - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (changed()) {
        if (this.request === request) this.setView({ notice: t('noticeTextChanged') });
        return;
      }
      const acceptance = this.acceptanceOf(request, variant.text, text, snapshot.text.slice(start, end));
      const recorded = await this.send(acceptance);
      if (!recorded.ok) {
        this.setView({ notice: t('noticeLedgerFailed', recorded.error) });
        return;
      }
      const watched: WatchedInsertion = { field: request.field, entry: { seq: recorded.seq, hash: recorded.hash }, acceptance, before: snapshot.text, inserted: text, withdrawn: false };
      if (changed()) {
        void this.withdraw(watched, 'not-inserted');
        if (this.request === request) this.setView({ notice: t('noticeTextChanged') });
        return;
      }
      this.inserting = true;
      const outcome = await this.aroundInsertion(element, () => adapter.replace(element, start, end, text)).finally(() => (this.inserting = false));
      if (!outcome.ok) {
        void this.withdraw(watched, 'not-inserted');
        this.setView({ notice: t('noticeInsertFailed', outcome.reason) });
        return;
      }
      this.request = null;
      this.close();
      clearTimeout(this.watchCheck);
      this.watched = watched;
    } finally {
      this.accepting = false;
    }
  }

  private acceptanceOf(request: RunningRequest, suggested: string, inserted: string, replaced: string): AcceptanceMessage {
    return {
      document: fieldDocument(request.field.element),
      pageTitle: document.title,
      action: request.action,
      model: request.model!,
      suggestedAt: request.suggestedAt,
      acceptedAt: Date.now(),
      originalText: replaced.length > 0 ? replaced : null,
      suggestedText: suggested,
      insertedText: inserted,
    };
  }

  private async send(acceptance: AcceptanceMessage): Promise<Response<'ledger.record'>> {
    try {
      return (await browser.runtime.sendMessage({ type: 'ledger.record', acceptance })) as Response<'ledger.record'>;
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error), code: 'unreachable' };
    }
  }

  private cancelPause(): void {
    clearTimeout(this.pauseTimer);
    this.pauseTimer = undefined;
  }

  private cancelRequest(): void {
    this.cancelPause();
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
      onAction: (action) => this.suggest(action, 'panel'),
      onSelect: (index) => this.setView({ selected: index }),
      onAccept: (index) => void this.accept(index, null),
      onAcceptSentence: (index, sentence) => void this.accept(index, sentence),
      onRetry: () => this.suggest(this.view?.action ?? null, 'panel'),
      onDownload: (modelId) => {
        this.returnToField();
        this.suggest(this.view?.action ?? null, 'panel', modelId);
      },
      onFieldOff: () => void this.turnOffField(),
      onClose: (fromPanel) => {
        if (fromPanel) this.returnToField();
        this.dismiss();
      },
    };
  }
}

const MODIFIER_KEYS = new Set(['Control', 'Meta', 'Shift', 'Alt', 'AltGraph']);

const MOVING_KEYS = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown']);

/** Shift with a moving key, or select-all: the keys that make a selection (never a typed character). */
function selectsText(event: KeyboardEvent): boolean {
  if (event.shiftKey && MOVING_KEYS.has(event.key)) return true;
  return (event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'a';
}

/** Ctrl/⌘+Z is undo; Ctrl/⌘+Shift+Z and Ctrl/⌘+Y are redo. */
function historyChordOf(event: KeyboardEvent): 'undo' | 'redo' | null {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return null;
  const key = event.key.toLowerCase();
  if (key === 'z') return event.shiftKey ? 'redo' : 'undo';
  return key === 'y' ? 'redo' : null;
}

/** One sentence of a variant; a continuation is spaced to follow the text before the caret. */
function sentenceToInsert(variant: VariantView, index: number, action: ActionId, before: string): string {
  const sentence = (variant.sentences[index] ?? variant.text).trim();
  const needsSpace = action === 'continue' && before.length > 0 && !/\s$/u.test(before);
  return needsSpace ? ` ${sentence}` : sentence;
}
