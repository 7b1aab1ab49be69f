import { normalizeSentence } from '../text/normalize';
import { sha256Hex } from '../text/hash';
import { finish, type AttributionResult } from './attribution';
import { typedHashes } from './typed';
import type { LedgerEntry } from './types';

/** Where a pasted sentence came from, when the extension saw it copied. */
export type PasteSource = { url: string; title: string };

/** What a document's paste and typing entries saw of its text, by normalised-sentence hash. */
export interface ObservedInput {
  /** Pasted sentences, each with the source of its latest paste that named one (else null). */
  pasted: Map<string, PasteSource | null>;
  typed: Set<string>;
}

export function observedInput(entries: readonly LedgerEntry[]): ObservedInput {
  const pasted = new Map<string, PasteSource | null>();
  for (const e of entries) {
    for (const s of e.paste?.sentences ?? []) pasted.set(s.hash, e.paste!.source ?? pasted.get(s.hash) ?? null);
  }
  return { pasted, typed: typedHashes(entries) };
}

/**
 * Marks the sentences nothing AI matched that a paste recorded as 'pasted', else those typing
 * recorded as 'typed' (same normalised hash as AI matching). AI sentences stay the AI's even when
 * they were pasted or retyped: that does not make them less the AI's. A sentence the writer
 * pasted and then typed over no longer has the pasted hash; one pasted again after typing is
 * pasted (its source is the paste's).
 */
export async function withObserved(result: AttributionResult, observed: ObservedInput): Promise<AttributionResult> {
  if (!observed.pasted.size && !observed.typed.size) return result;
  const sentences = await Promise.all(
    result.sentences.map(async (s) => {
      if (s.kind !== 'not-logged') return s;
      const hash = await sha256Hex(normalizeSentence(s.text));
      if (observed.pasted.has(hash)) {
        const source = observed.pasted.get(hash);
        return { ...s, kind: 'pasted' as const, ...(source ? { pastedFrom: source } : {}) };
      }
      return observed.typed.has(hash) ? { ...s, kind: 'typed' as const } : s;
    }),
  );
  return finish(sentences, result.scored);
}
