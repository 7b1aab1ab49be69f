import { domPointToOffset, flattenEditable, rangeForOffsets } from '../contenteditable-text';
import { nextMacrotask, type FieldAdapter, type FieldSnapshot, type InsertOutcome } from '../field-snapshot';

function selectionIn(root: HTMLElement): Selection | null {
  const selection = root.ownerDocument.getSelection();
  if (!selection || selection.rangeCount === 0) return null;
  return root.contains(selection.anchorNode) ? selection : null;
}

/** Generic contenteditable: any editor we do not know specifically. */
export const contentEditableAdapter: FieldAdapter = {
  kind: 'contenteditable',

  read(element): FieldSnapshot {
    const flat = flattenEditable(element);
    const selection = selectionIn(element);
    if (!selection) return { text: flat.text, selectionStart: flat.text.length, selectionEnd: flat.text.length };
    const range = selection.getRangeAt(0);
    const a = domPointToOffset(flat, element, range.startContainer, range.startOffset);
    const b = domPointToOffset(flat, element, range.endContainer, range.endOffset);
    return { text: flat.text, selectionStart: Math.min(a, b), selectionEnd: Math.max(a, b) };
  },

  async replace(element, start, end, text): Promise<InsertOutcome> {
    const before = flattenEditable(element);
    const wanted = before.text.slice(0, start) + text + before.text.slice(end);
    element.focus();
    const selection = element.ownerDocument.getSelection();
    if (!selection) return { ok: false, reason: 'The page has no selection to insert at.' };
    selection.removeAllRanges();
    selection.addRange(rangeForOffsets(before, element, start, end));
    // Multi-line text through insertText becomes one paragraph per line in most editors; the
    // editing pipeline keeps undo and tells the page's editor through beforeinput/input.
    if (!element.ownerDocument.execCommand('insertText', false, text)) {
      return { ok: false, reason: 'The browser refused to insert text here.' };
    }
    await nextMacrotask();
    const after = flattenEditable(element).text;
    return normalizeSpaces(after) === normalizeSpaces(wanted)
      ? { ok: true, method: 'execCommand' }
      : { ok: false, reason: 'The editor did not keep the inserted text as expected.' };
  },

  caretRect(element): DOMRect | null {
    const selection = selectionIn(element);
    if (!selection) return null;
    const range = selection.getRangeAt(0).cloneRange();
    range.collapse(false);
    const rect = range.getBoundingClientRect();
    if (rect.width || rect.height || rect.x || rect.y) return rect;
    const rects = range.getClientRects();
    if (rects.length > 0) return rects[rects.length - 1]!;
    // Empty line: no geometry for a collapsed range; use the element's own box.
    const box = element.getBoundingClientRect();
    return new DOMRect(box.left, box.top, 1, Math.min(box.height, 20));
  },
};

/** Browsers turn typed spaces at line edges into NBSP in contenteditable; compare without that. */
function normalizeSpaces(text: string): string {
  return text.replace(/\u00a0/g, ' ');
}
