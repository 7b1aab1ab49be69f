/** The text of a field and the writer's selection in it, as character offsets into that text. */
export interface FieldSnapshot {
  text: string;
  selectionStart: number;
  selectionEnd: number;
}

export type InsertOutcome =
  | { ok: true; method: string }
  | { ok: false; reason: string };

/** Reads and writes one kind of field the way its editor expects. */
export interface FieldAdapter {
  /** The editor this adapter serves ('prosemirror', 'lexical', … 'contenteditable', 'text-control'). */
  readonly kind: string;
  /**
   * How long after the writer's last edit the editor's own history may still fold a new change
   * into the writer's undo step; an insertion waits that long after the last edit.
   */
  readonly historyMergeMs?: number;
  read(element: HTMLElement): FieldSnapshot;
  /**
   * Replaces [start, end) of the field's text with `text` so that the page's own model sees it
   * and the editor's undo removes it in one step.
   */
  replace(element: HTMLElement, start: number, end: number, text: string): Promise<InsertOutcome>;
  /** Viewport rectangle of the caret (collapsed selection end), or null when unknown. */
  caretRect(element: HTMLElement): DOMRect | null;
  /** A DOM Range for [start, end) of the text (for highlighting sentences), or null for text controls. */
  rangeFor?(element: HTMLElement, start: number, end: number): Range | null;
}

/** Resolves after the page's own handlers for a just-fired input had a macrotask to run. */
export function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A macrotask, a frame (or 50 ms where frames do not run) and another macrotask. */
export async function settle(): Promise<void> {
  await nextMacrotask();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 50);
    requestAnimationFrame(() => {
      clearTimeout(timer);
      resolve();
    });
  });
  await nextMacrotask();
}
