import { t } from '../i18n';
import { PROOFREAD_MAX_TEXT, type ProofreadResponses, type Request } from '../messaging';
import type { Proofreader } from '../proofread/proofreader';

type ProofreadRequest = Extract<Request, { type: `proofread.${string}` }>;

export interface ProofreadRequestContext {
  /** Harper, created when first asked (its WASM is compiled on the first lint). */
  proofreader: () => Proofreader;
}

/** Proofreading requests. Nothing is stored: the text is linted and forgotten. */
export async function handleProofreadRequest(request: ProofreadRequest, context: ProofreadRequestContext): Promise<ProofreadResponses[ProofreadRequest['type']]> {
  if (request.text.length > PROOFREAD_MAX_TEXT) {
    return { ok: false, code: 'too-long', error: t('proofreadTooLong', String(PROOFREAD_MAX_TEXT)) };
  }
  try {
    return { ok: true, lints: await context.proofreader().lint(request.text) };
  } catch (error) {
    return { ok: false, code: 'unknown', error: error instanceof Error ? error.message : String(error) };
  }
}
