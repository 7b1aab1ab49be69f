/**
 * The ways text can be put into a contenteditable editor so that the editor's own model sees it,
 * and the runner that tries them in an editor's order: select the range, fire one method, let the
 * editor settle, re-read the text. A method that changed nothing is followed by the next one; a
 * method that changed the text is never followed by another (no insertion happens twice).
 */
import { nextMacrotask, settle, type InsertOutcome } from './field-snapshot';
import { selectRange, selectionRangeIn } from './selection';
import { flattenEditable, rangeForOffsets } from './text-model';

export type InsertMethodName = 'execCommand' | 'beforeinput' | 'paste' | 'dom';

/**
 * How long an editor we do not know may go on folding changes into the writer's undo step after
 * their last edit: longer than the merge windows of the editors we know of (ProseMirror 0.5 s,
 * Quill 1 s, CodeMirror 1.25 s, Ace 2 s). An insertion into such a field waits this long after
 * the writer's last edit, so an editor that merges by time alone sees it as a step of its own.
 */
export const UNKNOWN_EDITOR_MERGE_MS = 2500;

/**
 * Ends the writer's pending undo step in an editor that keeps its own history and takes a step on
 * word-boundary keys (space, Enter, Backspace, as Summernote-like CMS editors do): the keydown and
 * keyup of a space, where the writer's keyboard would send them (the focused field), then a task
 * for editors that take the step after the event. A key event made by a script has no default
 * action, so the browser types nothing. False when the page took it as an edit (the text changed).
 */
export async function endWriterStep(field: HTMLElement, read: () => string): Promise<boolean> {
  const before = read();
  const space = { key: ' ', code: 'Space', keyCode: 32, which: 32, bubbles: true, cancelable: true, composed: true };
  field.dispatchEvent(new KeyboardEvent('keydown', space));
  field.dispatchEvent(new KeyboardEvent('keyup', space));
  await nextMacrotask();
  return read() === before;
}

export interface InsertContext {
  root: HTMLElement;
  text: string;
  /** The selected DOM range that the text replaces. */
  range: Range;
}

/** Fires one method; returns false when it certainly did nothing (refused, not handled). */
type Fire = (context: InsertContext) => boolean;

function plainTransfer(text: string): DataTransfer {
  const transfer = new DataTransfer();
  transfer.setData('text/plain', text);
  return transfer;
}

/** The element the selection starts in: where the browser would fire editing events. */
function eventTargetOf(context: InsertContext): HTMLElement {
  const node = context.range.startContainer;
  const element = node instanceof Element ? node : node.parentElement;
  return element instanceof HTMLElement && context.root.contains(element) ? element : context.root;
}

const METHODS: Record<InsertMethodName, Fire> = {
  // The browser's editing pipeline: trusted input events, the native undo stack, and editors
  // that observe DOM mutations (ProseMirror, Lexical, Quill) turn it into their own transaction.
  execCommand: ({ root, text }) => root.ownerDocument.execCommand('insertText', false, text),

  // What the browser fires for spell-check replacements; editors that handle beforeinput
  // themselves (Slate, CKEditor 5, Lexical, Quill for ranges) cancel it and apply it to their model.
  beforeinput: (context) => {
    const { range, text } = context;
    const event = new InputEvent('beforeinput', {
      inputType: 'insertReplacementText',
      data: text,
      dataTransfer: plainTransfer(text),
      targetRanges: [new StaticRange(range)],
      bubbles: true,
      cancelable: true,
      composed: true,
    });
    eventTargetOf(context).dispatchEvent(event);
    return event.defaultPrevented;
  },

  // A paste of plain text: every editor's clipboard pipeline (Draft.js, CKEditor, ProseMirror)
  // turns it into one model change with one undo step.
  paste: (context) => {
    const event = new ClipboardEvent('paste', {
      clipboardData: plainTransfer(context.text),
      bubbles: true,
      cancelable: true,
      composed: true,
    });
    eventTargetOf(context).dispatchEvent(event);
    return event.defaultPrevented;
  },

  // Last resort for unknown editors: edit the DOM and announce it. No undo entry.
  dom: (context) => {
    const { range, text, root } = context;
    const doc = root.ownerDocument;
    range.deleteContents();
    const fragment = doc.createDocumentFragment();
    text.split('\n').forEach((line, index) => {
      if (index > 0) fragment.append(doc.createElement('br'));
      if (line) fragment.append(doc.createTextNode(line));
    });
    const last = fragment.lastChild;
    range.insertNode(fragment);
    if (last) {
      const after = doc.createRange();
      after.setStartAfter(last);
      selectRange(root, after);
    }
    root.dispatchEvent(new InputEvent('input', { inputType: 'insertText', data: text, bubbles: true, composed: true }));
    return true;
  },
};

/** Compared loosely: editors write typed spaces as NBSP and may render "\n\n" as one paragraph break. */
export function sameText(a: string, b: string): boolean {
  const norm = (value: string) => value.replace(/[\u00a0\u200b\u2060\ufeff]/g, (c) => (c === '\u00a0' ? ' ' : '')).replace(/\n+/g, '\n').trimEnd();
  return norm(a) === norm(b);
}

export function readText(root: HTMLElement): string {
  return flattenEditable(root).text;
}

function selectionSettled(doc: Document): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      doc.removeEventListener('selectionchange', onChange);
      clearTimeout(timer);
      // One more task: listeners debounce or re-render after the event.
      setTimeout(resolve, 0);
    };
    const onChange = () => done();
    const timer = setTimeout(done, 30);
    doc.addEventListener('selectionchange', onChange);
  });
}

/**
 * Replaces [start, end) of the root's flattened text with `text`, trying `methods` in order. With
 * `endStep` (an editor whose history we do not know), the writer's pending undo step is ended first.
 */
export async function insertWithFallback(
  root: HTMLElement,
  start: number,
  end: number,
  text: string,
  methods: readonly InsertMethodName[],
  endStep = false,
): Promise<InsertOutcome> {
  const initial = flattenEditable(root);
  if (start < 0 || end < start || end > initial.text.length) return { ok: false, reason: 'The range to replace is outside the text.' };
  if (endStep) {
    root.focus({ preventScroll: true });
    if (!(await endWriterStep(root, () => readText(root)))) return { ok: false, reason: 'The page took a word-boundary key as an edit; nothing was inserted.' };
  }
  const wanted = initial.text.slice(0, start) + text + initial.text.slice(end);
  const tried: string[] = [];
  for (const name of methods) {
    // The editor may have re-rendered after the previous attempt: map offsets afresh.
    const flat = flattenEditable(root);
    if (!sameText(flat.text, initial.text)) return { ok: false, reason: 'The text changed while inserting; nothing more was tried.' };
    root.focus({ preventScroll: true });
    const range = rangeForOffsets(flat, root, start, end);
    selectRange(root, range);
    // Editors copy the DOM selection into their model on `selectionchange`, a task after the
    // change: a paste or beforeinput fired before that lands at the old selection.
    await selectionSettled(root.ownerDocument);
    const selected = selectionRangeIn(root) ?? range;
    let fired = false;
    try {
      fired = METHODS[name]({ root, text, range: selected });
    } catch {
      fired = false;
    }
    tried.push(name);
    await settle();
    const after = readText(root);
    if (sameText(after, wanted)) return { ok: true, method: name };
    if (!sameText(after, initial.text)) {
      return { ok: false, reason: `The editor changed the text differently than asked (${name}); nothing more was tried.` };
    }
    if (fired && name !== 'execCommand') {
      // The editor took the event (cancelled it) but shows no change yet: it may apply it later
      // (CKEditor queues beforeinput), so another method could insert the text twice. Wait a
      // little, then stop either way.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const late = readText(root);
      if (sameText(late, wanted)) return { ok: true, method: name };
      return { ok: false, reason: `The editor took the text (${name}) but did not show it; nothing more was tried.` };
    }
  }
  return { ok: false, reason: `The editor did not accept the text (tried ${tried.join(', ')}).` };
}
