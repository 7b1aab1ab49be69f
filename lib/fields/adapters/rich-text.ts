import { type FieldAdapter, type FieldSnapshot, type InsertOutcome } from '../field-snapshot';
import { insertWithFallback, UNKNOWN_EDITOR_MERGE_MS, type InsertMethodName } from '../insert-methods';
import { selectionRangeIn } from '../selection';
import { domPointToOffset, flattenEditable, rangeForOffsets } from '../text-model';

export interface RichTextAdapterSpec {
  kind: string;
  /** Whether this editor owns the editable root. */
  detect(root: HTMLElement): boolean;
  /** Methods to try in order for this text (multi-line text may need another way in). */
  methods(text: string, collapsed: boolean): InsertMethodName[];
  /** Rewrites the edit before it is applied (same resulting text), e.g. to start a new undo step. */
  widen?(text: string, start: number, end: number, insert: string): { start: number; end: number; insert: string };
  /**
   * An editor we do not know, whose own undo history (if any) we cannot see: the writer's pending
   * step is ended before inserting, and the insertion waits out UNKNOWN_EDITOR_MERGE_MS.
   */
  unknownHistory?: boolean;
  /**
   * A known editor's own window for merging changes into one undo step: the insertion waits this
   * long after the writer's last edit, so one Ctrl+Z takes back only the suggestion.
   */
  historyMergeMs?: number;
}

export interface RichTextAdapter extends FieldAdapter {
  detect(root: HTMLElement): boolean;
}

/** Reading and caret geometry are the same for every contenteditable editor; insertion differs. */
export function richTextAdapter(spec: RichTextAdapterSpec): RichTextAdapter {
  return {
    kind: spec.kind,
    detect: spec.detect,
    ...(spec.historyMergeMs !== undefined || spec.unknownHistory ? { historyMergeMs: spec.historyMergeMs ?? UNKNOWN_EDITOR_MERGE_MS } : {}),

    read(element): FieldSnapshot {
      const flat = flattenEditable(element);
      const range = selectionRangeIn(element);
      if (!range) return { text: flat.text, selectionStart: flat.text.length, selectionEnd: flat.text.length };
      const a = domPointToOffset(flat, element, range.startContainer, range.startOffset);
      const b = domPointToOffset(flat, element, range.endContainer, range.endOffset);
      return { text: flat.text, selectionStart: Math.min(a, b), selectionEnd: Math.max(a, b) };
    },

    replace(element, start, end, text): Promise<InsertOutcome> {
      const edit = spec.widen ? spec.widen(flattenEditable(element).text, start, end, text) : { start, end, insert: text };
      return insertWithFallback(element, edit.start, edit.end, edit.insert, spec.methods(text, start === end), spec.unknownHistory === true);
    },

    rangeFor(element, start, end): Range {
      return rangeForOffsets(flattenEditable(element), element, start, end);
    },

    caretRect(element): DOMRect | null {
      const selected = selectionRangeIn(element);
      if (!selected) return null;
      const range = selected.cloneRange();
      range.collapse(false);
      const rects = range.getClientRects();
      if (rects.length > 0) return rects[rects.length - 1]!;
      const rect = range.getBoundingClientRect();
      if (rect.width || rect.height || rect.x || rect.y) return rect;
      // Empty line: a collapsed range has no geometry; use the line's element.
      const node = range.startContainer;
      const line = (node instanceof Element ? node : node.parentElement) ?? element;
      const box = line.getBoundingClientRect();
      const lineHeight = parseFloat(getComputedStyle(line).lineHeight) || 20;
      return new DOMRect(box.left, box.top, 1, Math.min(box.height || lineHeight, lineHeight));
    },
  };
}
