/** Per-action figures from the scored tasks, and the Markdown table of them. */
import { ACTION_IDS, type ActionId } from '../../lib/engine/actions';
import { CONSTRAINT_NAMES } from './score/constraints';
import type { VariantScore } from './score/variant';

export interface TaskResult {
  id: string;
  action: ActionId;
  /** Variants asked for, and what became of the generations that were not offered. */
  asked: number;
  variants: { text: string; raw: string; tokens: number; endedByModel: boolean; score: VariantScore }[];
  /** Generations the engine did not offer: cleaned to nothing, or a near-duplicate of an earlier variant. */
  dropped: { raw: string; tokens: number; why: 'empty' | 'duplicate' }[];
  /** Checker findings in the source (the passage, or the text before the caret). */
  sourceFindings: number;
  firstTokenMs: number | null;
  totalMs: number;
  tokens: number;
  error?: string;
}

export interface ActionRow {
  action: ActionId | 'all';
  tasks: number;
  /** Offered variants per task over those asked. */
  distinct: number;
  /** Share of generations that gave a valid variant (empty ones count as invalid, duplicates do not count). */
  valid: number;
  constraintMet: number;
  meaningKept: number | null;
  contentRecall: number | null;
  seededFixed: number | null;
  checkerFixed: number | null;
  checkerIntroducedPerVariant: number;
  firstTokenMsMedian: number | null;
  totalMsMedian: number;
  tokensPerSecond: number | null;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function share(flags: boolean[]): number {
  return flags.length === 0 ? 0 : flags.filter(Boolean).length / flags.length;
}

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

export function summarise(action: ActionId | 'all', results: readonly TaskResult[]): ActionRow {
  const variants = results.flatMap((r) => r.variants);
  const scores = variants.map((v) => v.score);
  const empties = results.flatMap((r) => r.dropped).filter((d) => d.why === 'empty').length;
  const asked = results.reduce((n, r) => n + r.asked, 0);
  const meaning = scores.map((s) => s.meaningKept).filter((m): m is boolean => m !== null);
  const recall = scores.map((s) => s.contentRecall).filter((m): m is number => m !== null);
  const seededTotal = scores.reduce((n, s) => n + (s.seededTotal ?? 0), 0);
  const seededFixed = scores.reduce((n, s) => n + (s.seededFixed ?? 0), 0);
  const grammarResults = results.filter((r) => r.action === 'grammar');
  const checkerTotal = grammarResults.reduce((n, r) => n + r.sourceFindings * r.variants.length, 0);
  const checkerFixed = grammarResults.flatMap((r) => r.variants).reduce((n, v) => n + v.score.checkerFixed, 0);
  const decode = results.filter((r) => r.firstTokenMs !== null && r.tokens > 1).map((r) => r.tokens / (r.totalMs / 1000));
  return {
    action,
    tasks: results.length,
    distinct: asked === 0 ? 0 : variants.length / asked,
    valid: variants.length + empties === 0 ? 0 : scores.filter((s) => s.valid).length / (variants.length + empties),
    constraintMet: share(scores.map((s) => s.constraintMet)),
    meaningKept: meaning.length > 0 ? share(meaning) : null,
    contentRecall: mean(recall),
    seededFixed: seededTotal > 0 ? seededFixed / seededTotal : null,
    checkerFixed: checkerTotal > 0 ? checkerFixed / checkerTotal : null,
    checkerIntroducedPerVariant: scores.length === 0 ? 0 : scores.reduce((n, s) => n + s.checkerIntroduced.length, 0) / scores.length,
    firstTokenMsMedian: median(results.map((r) => r.firstTokenMs).filter((t): t is number => t !== null)),
    totalMsMedian: median(results.map((r) => r.totalMs)) ?? 0,
    tokensPerSecond: mean(decode),
  };
}

export function summariseByAction(results: readonly TaskResult[]): ActionRow[] {
  const rows = ACTION_IDS.filter((a) => results.some((r) => r.action === a)).map((a) =>
    summarise(
      a,
      results.filter((r) => r.action === a),
    ),
  );
  return [...rows, summarise('all', results)];
}

const pct = (x: number | null) => (x === null ? '–' : `${Math.round(x * 100)} %`);
const secs = (ms: number | null) => (ms === null ? '–' : `${(ms / 1000).toFixed(1)} s`);

export function markdownTable(rows: readonly ActionRow[], asked: number): string {
  const lines = [
    `| Action | Tasks | Distinct variants (of ${asked}) | Valid output | Constraint met | Meaning kept | Content words kept | Seeded errors fixed | Checker: fixed / introduced per variant | First token (median) | Total per task (median) |`,
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const name = r.action === 'all' ? '**all**' : r.action;
    const checker = `${r.checkerFixed === null ? '–' : pct(r.checkerFixed)} / ${r.checkerIntroducedPerVariant.toFixed(2)}`;
    lines.push(
      `| ${name} | ${r.tasks} | ${(r.distinct * asked).toFixed(1)} | ${pct(r.valid)} | ${pct(r.constraintMet)} | ${pct(r.meaningKept)} | ${pct(r.contentRecall)} | ${pct(r.seededFixed)} | ${checker} | ${secs(r.firstTokenMsMedian)} | ${secs(r.totalMsMedian)} |`,
    );
  }
  return lines.join('\n');
}

export function constraintLegend(rows: readonly ActionRow[]): string {
  return rows
    .filter((r): r is ActionRow & { action: ActionId } => r.action !== 'all')
    .map((r) => `${r.action}: ${CONSTRAINT_NAMES[r.action]}`)
    .join('; ');
}
