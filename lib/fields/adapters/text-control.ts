import getCaretCoordinates from 'textarea-caret';
import { nextMacrotask, type FieldAdapter, type FieldSnapshot, type InsertOutcome } from '../field-snapshot';
import { endWriterStep, UNKNOWN_EDITOR_MERGE_MS } from '../insert-methods';

type TextControl = HTMLTextAreaElement | HTMLInputElement;

/** Value setter of the element's own prototype: React wraps the instance's setter, not this one. */
function setNativeValue(control: TextControl, value: string): void {
  const view = control.ownerDocument.defaultView ?? window;
  const prototype = control instanceof view.HTMLTextAreaElement ? view.HTMLTextAreaElement.prototype : view.HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(prototype, 'value')?.set?.call(control, value);
}

/** <input type=email> (and a few others) have no selection API: reading it throws or gives null. */
function hasSelectionApi(control: TextControl): boolean {
  try {
    return control.selectionStart !== null;
  } catch {
    return false;
  }
}

export const textControlAdapter: FieldAdapter = {
  kind: 'text-control',
  // The page may keep an undo history of its own for the field (CMS editors built on a textarea).
  historyMergeMs: UNKNOWN_EDITOR_MERGE_MS,

  read(element): FieldSnapshot {
    const control = element as TextControl;
    const text = control.value;
    if (!hasSelectionApi(control)) return { text, selectionStart: text.length, selectionEnd: text.length };
    return {
      text,
      selectionStart: control.selectionStart ?? text.length,
      selectionEnd: control.selectionEnd ?? text.length,
    };
  },

  async replace(element, start, end, text): Promise<InsertOutcome> {
    const control = element as TextControl;
    const before = control.value;
    if (start < 0 || end < start || end > before.length) return { ok: false, reason: 'The range to replace is outside the text.' };
    const wanted = before.slice(0, start) + text + before.slice(end);
    const doc = control.ownerDocument;
    control.focus({ preventScroll: true });
    // A textarea's page may keep an undo history of its own. Not a single-line input: tag fields
    // there turn the word before a space into a tag.
    if (control instanceof (doc.defaultView ?? window).HTMLTextAreaElement && !(await endWriterStep(control, () => control.value))) {
      return { ok: false, reason: 'The page took a word-boundary key as an edit; nothing was inserted.' };
    }
    // execCommand goes through the browser's editing pipeline: trusted input events for the
    // page's framework and one entry on the native undo stack.
    let inserted = false;
    try {
      if (hasSelectionApi(control)) {
        control.setSelectionRange(start, end);
        inserted = doc.execCommand('insertText', false, text);
      } else {
        // No caret to place (type=email): replace the whole value, still as one native edit.
        control.select();
        inserted = doc.execCommand('insertText', false, wanted);
      }
    } catch {
      inserted = false; // no editing pipeline here (e.g. a DOM without execCommand)
    }
    if (inserted) {
      await nextMacrotask();
      if (control.value === wanted) return { ok: true, method: 'execCommand' };
      if (control.value !== before) return { ok: false, reason: 'The page changed the inserted text.' };
    }
    // Fallback (no undo entry): the native setter plus an input event, which React-controlled
    // fields accept as a user edit.
    setNativeValue(control, wanted);
    if (hasSelectionApi(control)) control.setSelectionRange(start + text.length, start + text.length);
    control.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertReplacementText', data: text }));
    await nextMacrotask();
    return control.value === wanted
      ? { ok: true, method: 'value-setter' }
      : { ok: false, reason: 'The page did not accept the inserted text.' };
  },

  rangeFor(): null {
    return null;
  },

  caretRect(element): DOMRect | null {
    const control = element as TextControl;
    const position = hasSelectionApi(control) ? (control.selectionEnd ?? control.value.length) : control.value.length;
    const coordinates = getCaretCoordinates(control, position);
    // textarea-caret reads line-height with parseInt: 'normal' (the default) gives NaN.
    const lineHeight = Number.isFinite(coordinates.height) ? coordinates.height : (parseFloat(getComputedStyle(control).fontSize) || 16) * 1.2;
    const box = control.getBoundingClientRect();
    const x = box.left + control.clientLeft + coordinates.left - control.scrollLeft;
    const y = box.top + control.clientTop + coordinates.top - control.scrollTop;
    // Clamp into the field's box: a caret scrolled out of view anchors at the field's edge.
    const clampedX = Math.min(Math.max(x, box.left), box.right);
    const clampedY = Math.min(Math.max(y, box.top), Math.max(box.top, box.bottom - lineHeight));
    return new DOMRect(clampedX, clampedY, 1, lineHeight);
  },
};
