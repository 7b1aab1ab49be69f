/** All scores of one variant, from the scorer modules beside this file. */
import type { ActionId } from '../../../lib/engine/actions';
import { REWRITE_ACTIONS } from '../../../lib/engine/actions';
import type { QualityTask } from '../tasks';
import { constraintMet } from './constraints';
import { compareFindings, seededFixes, type Finding } from './grammar';
import { languageKept } from './language';
import { checkFacts, contentRecall, meaningKept, type FactCheck } from './meaning';
import { badEnding, findLeak, findRepetition } from './validity';

export interface VariantScore {
  valid: boolean;
  /** Why not valid: empty, a leak, a loop, another language, a bad ending. */
  problems: string[];
  constraintMet: boolean;
  /** Rewrites: content words kept and facts unchanged; headlines and standfirsts: no invented numbers or names; null for continue. */
  meaningKept: boolean | null;
  /** Rewrites: share of the passage's content words kept. */
  contentRecall: number | null;
  facts: FactCheck | null;
  /** Grammar: seeded errors fixed, of how many. */
  seededFixed: number | null;
  seededTotal: number | null;
  /** Checker findings on the source gone in the output, and new ones in the output. */
  checkerFixed: number;
  checkerIntroduced: Finding[];
}

export interface VariantInput {
  task: QualityTask;
  /** The passage rewritten or the text summed up (the prompt's sourceText); for continue, the text before the caret. */
  source: string;
  output: string;
  raw: string;
  endedByModel: boolean;
  sourceFindings: readonly Finding[];
  outputFindings: readonly Finding[];
}

/** Actions whose output must end a sentence whatever the source (continue, standfirst). */
const SENTENCE_ACTIONS: ReadonlySet<ActionId> = new Set(['continue', 'summary']);

export function scoreVariant({ task, source, output, raw, endedByModel, sourceFindings, outputFindings }: VariantInput): VariantScore {
  const problems: string[] = [];
  const text = output.trim();
  if (text.length === 0) problems.push('empty');
  const leak = findLeak(output);
  if (leak) problems.push(leak);
  const repetition = findRepetition(text);
  if (repetition) problems.push(repetition);
  if (!languageKept(text, task.language)) problems.push(`not in ${task.language}`);
  // A rewrite ends as the passage does (the cleaner keeps its final punctuation); a headline ends anywhere but mid-phrase.
  const needsSentenceEnd =
    SENTENCE_ACTIONS.has(task.action) || (REWRITE_ACTIONS.has(task.action) && /[.!?…]["'”’)\]]*$/u.test(source.trimEnd()));
  const ending = text.length > 0 ? badEnding(text, { needsSentenceEnd, raw, endedByModel }) : null;
  if (ending) problems.push(ending);

  const rewrite = REWRITE_ACTIONS.has(task.action);
  const facts = task.action === 'continue' ? null : checkFacts(source, text);
  let meaning: boolean | null = null;
  if (rewrite) meaning = meaningKept(source, text);
  else if (facts) meaning = facts.numbersAdded.length === 0 && facts.namesAdded.length === 0;
  const seeded = task.errors ? seededFixes(task.errors, text) : null;
  const checker = compareFindings(sourceFindings, outputFindings);
  return {
    valid: problems.length === 0,
    problems,
    constraintMet: constraintMet({
      action: task.action,
      source,
      output: text,
      ...(task.platform ? { platform: task.platform } : {}),
      ...(task.errors ? { errors: task.errors } : {}),
    }),
    meaningKept: meaning,
    contentRecall: rewrite ? contentRecall(source, text) : null,
    facts,
    seededFixed: seeded ? seeded.filter((s) => s.fixed).length : null,
    seededTotal: seeded ? seeded.length : null,
    // Only findings the model could have fixed count as fixed: those in the passage it was given.
    checkerFixed: checker.fixed.length,
    checkerIntroduced: checker.introduced,
  };
}
