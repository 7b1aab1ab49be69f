/**
 * Grammar scoring: seeded errors of known kinds (was each fixed?) and a grammar checker's
 * findings before and after (which it found fixed, which the model introduced).
 */

export interface SeededError {
  kind: string;
  /** The erroneous words as seeded in the passage. */
  wrong: string;
  /** Accepted corrections (any one counts). */
  right: readonly string[];
}

function contains(text: string, phrase: string): boolean {
  const escaped = phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/['’]/g, "['’]");
  return new RegExp(String.raw`(?<![\p{L}\p{N}])${escaped}(?![\p{L}\p{N}])`, 'iu').test(text);
}

/** Per seeded error: fixed when the wrong words are gone and an accepted correction is there. */
export function seededFixes(errors: readonly SeededError[], output: string): { kind: string; fixed: boolean }[] {
  return errors.map((error) => ({
    kind: error.kind,
    fixed: !contains(output, error.wrong) && error.right.some((right) => contains(output, right)),
  }));
}

// Shared with the engine, which ranks "Fix grammar" variants by it.
export { compareFindings, type Finding } from '../../../lib/proofread/findings';
