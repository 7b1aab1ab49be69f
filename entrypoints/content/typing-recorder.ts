import { browser } from 'wxt/browser';
import { adapterFor, editableRootOf, fieldIdOf, refusalReason, type FieldAdapter } from '@/lib/fields';
import { checkpoint, startTracking, type TypedRangeTracker } from '@/lib/fields/typed-ranges';
import type { TypedMessage } from '@/lib/messaging';
import type { Settings } from '@/lib/settings';
import { isFieldDisabled } from '@/lib/site-settings';
import { fieldDocument } from './field-document';
import { isInOwnUi } from './shadow-host';

/** The message schema's limit on a field's text (lib/messaging/ledger.ts). */
const MAX_TEXT = 200_000;

/** Input that puts the writer's own characters in (what it inserts is counted). */
const TYPING = new Set(['insertText', 'insertReplacementText', 'insertLineBreak', 'insertParagraph', 'insertTranspose']);
/** Input that changes text by other means: what it brings in is not typed. */
const FOREIGN = /^(insertFrom|history)/;
/** Keys that move the caret: typing after them may be elsewhere in the field (a new region). */
const CARET_KEYS = new Set(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown']);

interface Session {
  root: HTMLElement;
  adapter: FieldAdapter;
  tracker: TypedRangeTracker;
  /** Characters the writer's trusted input inserted since the last checkpoint. */
  typedChars: number;
  /** Something other than typing changed the field since the last checkpoint. */
  foreign: boolean;
  /** What the last flush sent (nothing new, nothing sent again). */
  sent: string;
}

/**
 * Records which sentences the writer typed into a watched field: one message when the writer
 * leaves the field (or the page), never per keystroke. Per keystroke it only adds the length of
 * the trusted input's data to a counter; the field's text is read at checkpoints (leaving the
 * field, a paste or undo, a caret jump after typing, the extension's own insertion), where
 * lib/fields/typed-ranges decides what of the change the writer typed.
 */
export class TypingRecorder {
  private session: Session | null = null;
  /** Our own insertion is running: its input events are not the writer's. */
  private inserting = false;

  constructor(
    private settings: Settings,
    private readonly site: string,
  ) {}

  setSettings(settings: Settings): void {
    this.settings = settings;
  }

  handleBeforeInput(event: InputEvent): void {
    if (this.inserting) return;
    const session = this.sessionFor(event.target === this.session?.root ? this.session.root : editableRootOf((event.composedPath()[0] ?? event.target) as EventTarget));
    if (!session) return;
    const type = event.inputType;
    if (TYPING.has(type)) {
      if (session.foreign) this.checkpoint(session);
      const data = event.data ?? event.dataTransfer?.getData('text/plain') ?? '';
      // A paragraph may read back as a blank line between blocks.
      session.typedChars += type === 'insertLineBreak' || type === 'insertParagraph' ? 2 : data.length;
    } else if (FOREIGN.test(type)) {
      this.foreignChange(session);
    }
  }

  /** An input method's text arrives whole at the end of its composition. */
  handleCompositionEnd(event: CompositionEvent): void {
    if (this.session && !this.inserting && event.composedPath().includes(this.session.root)) this.session.typedChars += event.data.length;
  }

  handleKeyDown(event: KeyboardEvent): void {
    const session = this.session;
    if (!session || !event.composedPath().includes(session.root)) return;
    const key = event.key.toLowerCase();
    // Editors with their own history rewrite the field with plain input events on these chords.
    if ((event.ctrlKey || event.metaKey) && (key === 'z' || key === 'y')) this.foreignChange(session);
    else if (session.typedChars && CARET_KEYS.has(event.key)) this.checkpoint(session);
  }

  /** A click may move the caret elsewhere: close the region typed so far. */
  handlePointerDown(event: PointerEvent): void {
    const session = this.session;
    if (session?.typedChars && event.composedPath().includes(session.root)) this.checkpoint(session);
  }

  /** Leaving the field ends its record; focus into our panel only closes the region typed so far. */
  handleFocusOut(event: FocusEvent): void {
    const session = this.session;
    if (!session || !event.composedPath().includes(session.root)) return;
    if (event.relatedTarget instanceof Element && isInOwnUi([event.relatedTarget])) this.checkpoint(session);
    else this.end();
  }

  /** Around the extension's own insertion into `root`: what it inserts is not the writer's typing. */
  async insertion<T>(root: HTMLElement, insert: () => Promise<T>): Promise<T> {
    if (this.session?.root === root) this.foreignChange(this.session);
    this.inserting = true;
    try {
      return await insert();
    } finally {
      this.inserting = false;
    }
  }

  /** Sends what was typed in the current field and forgets it (leaving the field or the page). */
  end(): void {
    const session = this.session;
    if (!session) return;
    this.session = null;
    this.checkpoint(session);
    this.flush(session);
  }

  private sessionFor(root: HTMLElement | null): Session | null {
    if (!root) return null;
    if (this.session?.root === root) return this.session;
    this.end();
    const adapter = refusalReason(root) === null && !isFieldDisabled(this.settings, this.site, fieldIdOf(root)) ? adapterFor(root) : null;
    if (!adapter) return null;
    // beforeinput comes before the change: this is the text as it was before the writer's input.
    this.session = { root, adapter, tracker: startTracking(adapter.read(root).text), typedChars: 0, foreign: false, sent: '' };
    return this.session;
  }

  private foreignChange(session: Session): void {
    if (!session.foreign) this.checkpoint(session);
    session.foreign = true;
  }

  private checkpoint(session: Session): void {
    if (!session.root.isConnected) return;
    session.tracker = checkpoint(session.tracker, session.adapter.read(session.root).text, session.typedChars, session.foreign);
    session.typedChars = 0;
    session.foreign = false;
  }

  private flush(session: Session): void {
    const { text, ranges } = session.tracker;
    const sent = JSON.stringify(ranges) + text;
    if (!ranges.length || sent === session.sent || text.length > MAX_TEXT || !session.root.isConnected) return;
    session.sent = sent;
    const typed: TypedMessage = { document: fieldDocument(session.root), pageTitle: document.title, text, typedRanges: ranges, observedAt: Date.now() };
    // A lost record only leaves the text "not logged", the honest default: nothing to retry.
    browser.runtime.sendMessage({ type: 'ledger.typed', typed }).catch(() => undefined);
  }
}
