/**
 * The grammar checker: Harper (harper.js, Apache-2.0), a rule-based English checker compiled
 * to WebAssembly; the binary is inlined in the package, so it runs offline in Node.
 */
import { Dialect, LocalLinter } from 'harper.js';
import { binaryInlined } from 'harper.js/binaryInlined';
import type { Finding } from './grammar';

export interface GrammarChecker {
  check(text: string): Promise<Finding[]>;
}

/** British English, as the task set is written. */
export async function createGrammarChecker(): Promise<GrammarChecker> {
  const linter = new LocalLinter({ binary: binaryInlined, dialect: Dialect.British });
  await linter.setup();
  return {
    async check(text) {
      const lints = await linter.lint(text);
      return lints.map((lint) => ({ kind: lint.lint_kind(), problem: lint.get_problem_text() }));
    },
  };
}
