import { normalizeSentence } from '../text/normalize';
import { sha256Hex } from '../text/hash';
import { finish, type AttributionResult } from './attribution';
import type { LedgerEntry } from './types';

/** Normalised-sentence hashes of everything pasted, from a document's paste entries. */
export function pastedHashes(entries: readonly LedgerEntry[]): Set<string> {
  return new Set(entries.flatMap((e) => (e.paste ? e.paste.sentences.map((s) => s.hash) : [])));
}

/**
 * Marks as 'pasted' the sentences nothing AI matched that a paste recorded (same normalised hash
 * as AI matching). AI sentences stay the AI's even when they were pasted: a paste of accepted
 * text does not make it less the AI's.
 */
export async function withPastes(result: AttributionResult, pasted: ReadonlySet<string>): Promise<AttributionResult> {
  if (!pasted.size) return result;
  const sentences = await Promise.all(
    result.sentences.map(async (s) => (s.kind === 'not-logged' && pasted.has(await sha256Hex(normalizeSentence(s.text))) ? { ...s, kind: 'pasted' as const } : s)),
  );
  return finish(sentences, result.scored);
}
