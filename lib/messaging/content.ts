import * as v from 'valibot';

/** Background → content script commands. */
const ContentCommandSchema = v.variant('type', [
  /** The writer pressed the suggest shortcut (commands API): open the panel at the focused field. */
  v.object({ type: v.literal('suggest.now') }),
]);
export type ContentCommand = v.InferOutput<typeof ContentCommandSchema>;

export function parseContentCommand(message: unknown): ContentCommand | null {
  const result = v.safeParse(ContentCommandSchema, message);
  return result.success ? result.output : null;
}
