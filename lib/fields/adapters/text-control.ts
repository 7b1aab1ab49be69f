import getCaretCoordinates from 'textarea-caret';
import { nextMacrotask, type FieldAdapter, type FieldSnapshot, type InsertOutcome } from '../field-snapshot';

type TextControl = HTMLTextAreaElement | HTMLInputElement;

/** Value setter of the element's own prototype: React wraps the instance's setter, not this one. */
function setNativeValue(control: TextControl, value: string): void {
  const prototype = control instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(prototype, 'value')?.set?.call(control, value);
}

function expectedValue(before: string, start: number, end: number, text: string): string {
  return before.slice(0, start) + text + before.slice(end);
}

export const textControlAdapter: FieldAdapter = {
  kind: 'text-control',

  read(element): FieldSnapshot {
    const control = element as TextControl;
    const text = control.value;
    return {
      text,
      selectionStart: control.selectionStart ?? text.length,
      selectionEnd: control.selectionEnd ?? text.length,
    };
  },

  async replace(element, start, end, text): Promise<InsertOutcome> {
    const control = element as TextControl;
    const before = control.value;
    const wanted = expectedValue(before, start, end, text);
    control.focus();
    control.setSelectionRange(start, end);
    // execCommand goes through the browser's editing pipeline: trusted input events for the
    // page's framework and one entry on the native undo stack.
    if (document.execCommand('insertText', false, text)) {
      await nextMacrotask();
      if (control.value === wanted) return { ok: true, method: 'execCommand' };
      if (control.value !== before) return { ok: false, reason: 'The page changed the inserted text.' };
    }
    // Fallback (no undo entry): the native setter plus an input event, which React-controlled
    // fields accept as a user edit.
    setNativeValue(control, wanted);
    control.setSelectionRange(start + text.length, start + text.length);
    control.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertReplacementText', data: text }));
    await nextMacrotask();
    return control.value === wanted
      ? { ok: true, method: 'value-setter' }
      : { ok: false, reason: 'The page did not accept the inserted text.' };
  },

  caretRect(element): DOMRect | null {
    const control = element as TextControl;
    const position = control.selectionEnd ?? control.value.length;
    const coordinates = getCaretCoordinates(control, position);
    const box = control.getBoundingClientRect();
    const x = box.left + coordinates.left - control.scrollLeft;
    const y = box.top + coordinates.top - control.scrollTop;
    return new DOMRect(x, y, 1, coordinates.height);
  },
};
