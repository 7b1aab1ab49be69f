/**
 * A checker's findings on a passage and on a rewrite of it, compared: which were fixed, which
 * the rewrite introduced. Used to rank "Fix grammar" variants and by the quality evaluation.
 */

/** One checker finding: its kind and the words it points at. */
export interface Finding {
  kind: string;
  problem: string;
}

function key(finding: Finding): string {
  return `${finding.kind}\u0000${finding.problem.toLowerCase()}`;
}

function counts(findings: readonly Finding[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of findings) out.set(key(f), (out.get(key(f)) ?? 0) + 1);
  return out;
}

/** Those of `from` that `against` does not have as well, as multisets of (kind, words). */
function missingFrom(from: readonly Finding[], against: readonly Finding[]): Finding[] {
  const left = counts(against);
  const out: Finding[] = [];
  for (const f of from) {
    const n = left.get(key(f)) ?? 0;
    if (n > 0) left.set(key(f), n - 1);
    else out.push(f);
  }
  return out;
}

/** Findings gone from the source (fixed) and new in the output (introduced). */
export function compareFindings(source: readonly Finding[], output: readonly Finding[]): { fixed: Finding[]; introduced: Finding[] } {
  return { fixed: missingFrom(source, output), introduced: missingFrom(output, source) };
}
