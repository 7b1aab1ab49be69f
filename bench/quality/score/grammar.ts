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

/** One checker finding: its kind and the words it points at. */
export interface Finding {
  kind: string;
  problem: string;
}

function key(finding: Finding): string {
  return `${finding.kind}\u0000${finding.problem.toLowerCase()}`;
}

/**
 * Compares the checker's findings on the source and on the output, as multisets of
 * (kind, words): those gone were fixed, those new were introduced.
 */
export function compareFindings(source: readonly Finding[], output: readonly Finding[]): { fixed: Finding[]; introduced: Finding[] } {
  const remaining = new Map<string, number>();
  for (const f of output) remaining.set(key(f), (remaining.get(key(f)) ?? 0) + 1);
  const fixed: Finding[] = [];
  for (const f of source) {
    const n = remaining.get(key(f)) ?? 0;
    if (n > 0) remaining.set(key(f), n - 1);
    else fixed.push(f);
  }
  const pending = new Map<string, number>();
  for (const f of source) pending.set(key(f), (pending.get(key(f)) ?? 0) + 1);
  const introduced: Finding[] = [];
  for (const f of output) {
    const n = pending.get(key(f)) ?? 0;
    if (n > 0) pending.set(key(f), n - 1);
    else introduced.push(f);
  }
  return { fixed, introduced };
}
