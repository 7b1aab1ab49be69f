/** The writing actions the engine offers. One list, shared by the protocol, prompts and UI. */
export const ACTION_IDS = [
  'continue',
  'rephrase',
  'shorten',
  'expand',
  'formal',
  'casual',
  'grammar',
  'fit',
  'headline',
  /** A standfirst: one or two sentences summing up the text, inserted at the caret. */
  'summary',
] as const;

export type ActionId = (typeof ACTION_IDS)[number];

/** Actions that rewrite the writer's own text (selection or sentence) rather than add new text. */
export const REWRITE_ACTIONS: ReadonlySet<ActionId> = new Set([
  'rephrase',
  'shorten',
  'expand',
  'formal',
  'casual',
  'grammar',
  'fit',
]);

export function isActionId(value: unknown): value is ActionId {
  return typeof value === 'string' && (ACTION_IDS as readonly string[]).includes(value);
}

/** Whether a ledger entry's action (which may be 'paste', no action at all) is a rewrite. */
export const isRewriteAction = (action: string): boolean => (REWRITE_ACTIONS as ReadonlySet<string>).has(action);
