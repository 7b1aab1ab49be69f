import * as v from 'valibot';

/** Background → content script commands. */
const ContentCommandSchema = v.variant('type', [
  /** The writer pressed the suggest shortcut (commands API): open the panel at the focused field. */
  v.object({ type: v.literal('suggest.now') }),
  /**
   * The in-page audit (popup button or the audit-field shortcut): highlight the ledger's AI
   * sentences over the focused field, or close the highlights when they are shown. The frame
   * holding the focused field answers `{ ok, shown, highlights }` (or `{ ok: false, error }`).
   */
  v.object({ type: v.literal('audit.inPage') }),
  /** Which ledger document the focused field is (the popup opens the audit page on it): the frame holding it answers `{ documentKey }`. */
  v.object({ type: v.literal('audit.fieldDocument') }),
  /**
   * Which site the page is (the popup's on/off switch): sent to the top frame, which answers
   * `{ host }`. The extension has no host permissions, so the browser does not tell it tab URLs.
   */
  v.object({ type: v.literal('page.site') }),
]);
export type ContentCommand = v.InferOutput<typeof ContentCommandSchema>;

export function parseContentCommand(message: unknown): ContentCommand | null {
  const result = v.safeParse(ContentCommandSchema, message);
  return result.success ? result.output : null;
}
