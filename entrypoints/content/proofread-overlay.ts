import { browser } from 'wxt/browser';
import css from './proofread-overlay.css?inline';
import { adapterFor, editableRootOf, fieldIdOf, opensOnPause, refusalReason, type FieldAdapter } from '@/lib/fields';
import { clipTo, rangeRects, visibleTextBox } from '@/lib/fields/range-rects';
import { t } from '@/lib/i18n';
import { PROOFREAD_MAX_TEXT, type ProofreadLint, type Response } from '@/lib/messaging';
import type { Settings } from '@/lib/settings';
import { isInOwnUi, mountShadowHost } from './shadow-host';
import { OverlayLifetime } from './overlay-lifetime';
import { isFieldDisabled } from '@/lib/site-settings';

/** How long the writer is still before the field is linted (Harper answers in milliseconds). */
const PAUSE_MS = 700;

interface Field {
  element: HTMLElement;
  /** What input events from the field are targeted at on the window (a shadow host when it is inside one). */
  eventTarget: Element;
  adapter: FieldAdapter;
  /** A rich editor's own changes (its undo, a collaborator) fire no input event: its DOM is watched. */
  observer: MutationObserver | null;
}

interface Shown {
  field: Field;
  text: string;
  lints: ProofreadLint[];
  root: HTMLElement;
  /** The overlay's shadow root, closed in the shipped build (the host's `shadowRoot` is then null). */
  shadow: ShadowRoot;
  open: number | null;
  life: OverlayLifetime;
}

/**
 * Proofreading (#14 part 3): after the writer pauses in a multi-line field, its text is linted
 * by Harper in the background (`proofread.lint`) and the findings are underlined in an overlay
 * of its own, a shadow root after <body> like the in-page audit: nothing is written into the
 * field or its editor until the writer picks a fix, which goes through the field's adapter (the
 * acceptances' insertion path, one undo step). A fix is the writer's own edit: nothing is
 * recorded in the ledger. The overlay closes on the next edit and comes back after the next pause.
 */
export class ProofreadOverlay {
  private field: Field | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Numbers the lint requests: an answer to an older one is dropped. */
  private asked = 0;
  private lastEditAt = 0;
  /** True while a fix is put in: its input events and DOM changes are not the writer typing. */
  private applying = false;
  /** The text last sent to be linted, while its answer still stands (shown, or nothing to show). */
  private linted: string | null = null;
  private shown: Shown | null = null;

  constructor(
    private settings: Settings,
    private readonly site: string,
  ) {}

  setSettings(settings: Settings): void {
    this.settings = settings;
    if (!settings.proofread || (this.field && isFieldDisabled(settings, this.site, fieldIdOf(this.field.element)))) this.leave();
  }

  handleFocusIn(event: Pick<FocusEvent, 'target' | 'composedPath'>): void {
    const path = event.composedPath();
    // Focus in our own overlay, the suggestion panel or the rewrite affordance keeps the field.
    if (isInOwnUi(path)) return;
    const root = editableRootOf((path[0] ?? event.target) as EventTarget);
    if (root && root === this.field?.element) return;
    this.leave();
    if (!this.settings.proofread || !root || !opensOnPause(root) || refusalReason(root) !== null || isFieldDisabled(this.settings, this.site, fieldIdOf(root))) return;
    const adapter = adapterFor(root);
    if (!adapter) return;
    let eventTarget: Element = root;
    for (let node = eventTarget.getRootNode(); node instanceof ShadowRoot; node = eventTarget.getRootNode()) eventTarget = node.host;
    const observer = root.isContentEditable ? new MutationObserver(() => this.mutated()) : null;
    observer?.observe(root, { subtree: true, childList: true, characterData: true });
    this.field = { element: root, eventTarget, adapter, observer };
    // Text already there (a draft reopened) is checked after the same pause.
    this.schedule();
  }

  /**
   * keydown, after the suggestion controller (which takes Alt+↓ for its panel or rewrite button
   * when one is shown): Alt+↓ in the field moves onto the first mark at or after the caret. The
   * marks hang at the end of the document, so Tab alone would reach them only after every other
   * field of the page.
   */
  handleKeyDown(event: KeyboardEvent): void {
    const shown = this.shown;
    if (!shown || event.defaultPrevented || event.isComposing || !event.altKey || event.key !== 'ArrowDown' || event.target !== shown.field.eventTarget) return;
    const caret = shown.field.adapter.read(shown.field.element).selectionEnd;
    const next = Math.max(0, shown.lints.findIndex((lint) => lint.end >= caret));
    const mark = shown.root.querySelector<HTMLElement>(`[data-key="mark-${next}-0"]`);
    if (!mark) return;
    event.preventDefault();
    event.stopPropagation();
    mark.focus();
  }

  /** Per keystroke: the overlay closes (its offsets no longer fit) and the pause restarts. */
  handleInput(event: Event): void {
    if (!this.field || event.target !== this.field.eventTarget || this.applying) return;
    this.lastEditAt = performance.now();
    this.changed();
  }

  /**
   * The editor's DOM changed. While marks are shown, a change of the text closes them (a redraw
   * that keeps the text does not); otherwise the pause restarts and the lint skips unchanged
   * text. No read of the field per keystroke: a long draft costs nothing more while typing.
   */
  private mutated(): void {
    const field = this.field;
    if (!field || this.applying) return;
    if (!this.shown) this.schedule();
    else if (field.adapter.read(field.element).text !== this.shown.text) this.changed();
  }

  /** The text changed: what was linted no longer stands. */
  private changed(): void {
    this.close();
    this.linted = null;
    this.schedule();
  }

  /** The field is left (another field, the setting off, the site off): nothing pending stays. */
  leave(): void {
    clearTimeout(this.timer);
    this.asked++;
    this.close();
    this.field?.observer?.disconnect();
    this.field = null;
    this.linted = null;
  }

  close(): void {
    const shown = this.shown;
    if (!shown) return;
    this.shown = null;
    shown.life.end();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.lint(), PAUSE_MS);
  }

  private async lint(): Promise<void> {
    const field = this.field;
    if (!field?.element.isConnected) return;
    const { text } = field.adapter.read(field.element);
    if (!text.trim() || text.length > PROOFREAD_MAX_TEXT || text === this.linted) return;
    const asked = ++this.asked;
    this.linted = text;
    const answer = (await browser.runtime.sendMessage({ type: 'proofread.lint', text }).catch(() => null)) as Response<'proofread.lint'> | null;
    if (asked !== this.asked || this.field !== field) return;
    // Not answered (the worker restarting, the text refused): the next pause asks again.
    if (!answer?.ok) this.linted = null;
    if (!answer?.ok || !answer.lints.length) return;
    // The writer typed while Harper answered: these offsets no longer fit.
    if (!field.element.isConnected || field.adapter.read(field.element).text !== text) return;
    this.show(field, text, answer.lints);
  }

  private show(field: Field, text: string, lints: ProofreadLint[]): void {
    this.close();
    const doc = field.element.ownerDocument;
    // Keys inside the overlay (Tab between marks, Enter on a fix) are not the page's.
    const { host, shadow } = mountShadowHost(doc, 'ledgerline-proofread', css, { ownKeys: true });
    const root = doc.createElement('div');
    root.className = 'proofread';
    root.setAttribute('role', 'group');
    root.setAttribute('aria-label', t('proofreadOverlayLabel'));
    shadow.append(root);
    const life = new OverlayLifetime(host, doc.defaultView ?? window);
    const shown: Shown = { field, text, lints, root, shadow, open: null, life };
    this.shown = shown;
    const schedule = () => life.redrawSoon(() => this.render(shown));
    life.listen('scroll', schedule);
    life.listen('resize', schedule);
    life.listen(
      'keydown',
      (event) => {
        if (event.key !== 'Escape' || event.isComposing) return;
        // Esc closes the open card, or, from a mark, goes back to the text.
        if (shown.open !== null) this.openCard(shown, null);
        else if (shown.shadow.activeElement) shown.field.element.focus();
      },
      { passive: false },
    );
    life.observeSize(field.element, schedule);
    this.render(shown);
  }

  private openCard(shown: Shown, index: number | null): void {
    shown.open = shown.open === index ? null : index;
    this.render(shown);
  }

  /** Measures the spans again (scroll, resize, reflow) and redraws the marks and the open card. */
  private render(shown: Shown): void {
    if (this.shown !== shown) return;
    const { field, root } = shown;
    const doc = field.element.ownerDocument;
    const clip = visibleTextBox(field.element);
    const boxes = rangeRects(field.element, shown.lints).map((rects) => rects.flatMap((rect) => clipTo(rect, clip)));
    const focused = shown.shadow.activeElement;
    const refocus = focused instanceof HTMLElement ? focused.dataset.key : undefined;
    root.replaceChildren();
    shown.lints.forEach((lint, i) => {
      boxes[i]?.forEach((rect, part) => {
        const mark = doc.createElement('button');
        mark.type = 'button';
        mark.className = shown.open === i ? 'mark open' : 'mark';
        mark.dataset.testid = 'proofread-mark';
        mark.dataset.key = `mark-${i}-${part}`;
        // One stop per finding for the keyboard and screen readers; a second line's box is the pointer's.
        if (part > 0) {
          mark.tabIndex = -1;
          mark.setAttribute('aria-hidden', 'true');
        }
        mark.setAttribute('aria-label', lint.message);
        mark.setAttribute('aria-expanded', String(shown.open === i));
        place(mark, rect);
        // The field keeps the focus and the caret when a mark is clicked.
        mark.addEventListener('mousedown', (event) => event.preventDefault());
        mark.addEventListener('click', () => this.openCard(shown, i));
        root.append(mark);
      });
    });
    const open = shown.open;
    const anchor = open === null ? undefined : boxes[open]?.[0];
    if (open !== null && anchor) root.append(this.card(shown, open, anchor));
    if (refocus) (root.querySelector(`[data-key="${refocus}"]`) as HTMLElement | null)?.focus({ preventScroll: true });
  }

  private card(shown: Shown, index: number, anchor: DOMRect): HTMLElement {
    const doc = shown.field.element.ownerDocument;
    const lint = shown.lints[index]!;
    const card = doc.createElement('div');
    card.className = 'card';
    card.dataset.testid = 'proofread-card';
    card.setAttribute('role', 'dialog');
    card.setAttribute('aria-label', lint.message);
    card.addEventListener('mousedown', (event) => event.preventDefault());
    const message = doc.createElement('p');
    message.textContent = lint.message;
    const fixes = doc.createElement('div');
    fixes.className = 'fixes';
    const original = shown.text.slice(lint.start, lint.end);
    for (const replacement of lint.suggestions) {
      const fix = doc.createElement('button');
      fix.type = 'button';
      fix.className = 'fix';
      fix.dataset.testid = 'proofread-fix';
      fix.dataset.key = `fix-${index}-${replacement}`;
      fix.textContent = replacement === '' ? t('proofreadRemove', original) : replacement;
      fix.addEventListener('click', () => void this.apply(shown, lint, replacement));
      fixes.append(fix);
    }
    if (!lint.suggestions.length) {
      const none = doc.createElement('span');
      none.textContent = t('proofreadNoFix');
      fixes.append(none);
    }
    const close = doc.createElement('button');
    close.type = 'button';
    close.textContent = t('proofreadClose');
    close.addEventListener('click', () => this.openCard(shown, null));
    fixes.append(close);
    card.append(message, fixes);
    // Under the word, kept inside the viewport.
    const width = Math.min(320, doc.documentElement.clientWidth - 8);
    card.style.left = `${Math.max(4, Math.min(anchor.left, doc.documentElement.clientWidth - width - 4))}px`;
    card.style.top = `${anchor.bottom + 4}px`;
    return card;
  }

  /**
   * The writer's choice replaces the span, as an edit of theirs: no ledger entry. The overlay
   * stays until the adapter is done (it may still verify and retry), then closes and re-lints.
   */
  private async apply(shown: Shown, lint: ProofreadLint, replacement: string): Promise<void> {
    if (this.shown !== shown || this.applying) return;
    const { element, adapter } = shown.field;
    const current = () => this.shown === shown && element.isConnected && adapter.read(element).text === shown.text;
    if (!current()) return;
    this.applying = true;
    try {
      // An editor whose history merges changes by time would fold the fix into the words just typed.
      const wait = this.lastEditAt + (adapter.historyMergeMs ?? 0) - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (current()) await adapter.replace(element, lint.start, lint.end, replacement);
    } finally {
      this.applying = false;
    }
    if (this.field === shown.field) this.changed();
  }
}

function place(element: HTMLElement, rect: DOMRect): void {
  Object.assign(element.style, { left: `${rect.left}px`, top: `${rect.top}px`, width: `${rect.width}px`, height: `${rect.height}px` });
}
