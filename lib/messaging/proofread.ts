import * as v from 'valibot';
import type { ProofreadLint } from '../proofread/proofreader';
import type { Failure } from './common';

export type { ProofreadLint };

/**
 * Proofreading (Harper) from a content script: the focused field's text, answered with the
 * lints. Longer text than PROOFREAD_MAX_TEXT is refused with a clear error (a lint runs in the
 * background's one thread); the schema's own bound only stops absurd messages.
 */
export const PROOFREAD_MAX_TEXT = 20_000;

export const PROOFREAD_REQUEST_SCHEMAS = [v.object({ type: v.literal('proofread.lint'), text: v.pipe(v.string(), v.maxLength(2_000_000)) })] as const;

export interface ProofreadResponses {
  'proofread.lint': { ok: true; lints: ProofreadLint[] } | Failure;
}
