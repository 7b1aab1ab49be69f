import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AI_EDIT_KINDS, HUMAN_KINDS, parseNewsroomSet, runNewsroomCalibration, wordsChanged, type NewsroomReport } from '../../lib/ledger/calibration-newsroom';

const set = parseNewsroomSet(JSON.parse(readFileSync('tests/fixtures/calibration/newsroom.json', 'utf8')));

/** The goals (README, "Attribution"): per edit kind, and no writer's sentence taken for the AI's. */
function expectGoals(report: NewsroomReport) {
  for (const kind of AI_EDIT_KINDS) {
    const row = report.rows.find((r) => r.kind === kind)!;
    expect(row.inGoal, kind).toBeGreaterThanOrEqual(3);
    expect(row.recall, kind).toBeGreaterThanOrEqual(0.95);
    expect(row.precision, kind).toBeGreaterThanOrEqual(0.99);
  }
  for (const kind of HUMAN_KINDS) expect(report.rows.find((r) => r.kind === kind)!.attributed, kind).toBe(0);
  expect(report.precision).toBeGreaterThanOrEqual(0.99);
}

describe('newsroom calibration set', () => {
  it('is well formed: every kind present, AI parts name their sources, light edits stay light', () => {
    expect(set.stories.length).toBeGreaterThanOrEqual(8);
    const parts = set.stories.flatMap((s) => s.drafts.flat().map((p) => ({ ...p, story: s })));
    for (const kind of [...AI_EDIT_KINDS, ...HUMAN_KINDS]) expect(parts.filter((p) => p.kind === kind).length, kind).toBeGreaterThanOrEqual(3);
    for (const p of parts.filter((x) => x.kind === 'light-edit')) {
      expect(wordsChanged(p.text, p.story.ai[p.ai![0]!]!), p.text).toBeLessThanOrEqual(0.3);
    }
    expect(() => parseNewsroomSet({ version: 1, stories: [{ id: 'x', document: 'd', ai: {}, drafts: [[{ text: 'A.', kind: 'split', ai: ['nope'] }]] }] })).toThrow(/must name its story AI sentences/);
  });

  it('meets the goals with sentence text in the ledger', async () => {
    const report = await runNewsroomCalibration(set);
    expectGoals(report);
    // A moved clause or a line break changes no words.
    for (const kind of ['clause-move', 'line-break'] as const) expect(report.rows.find((r) => r.kind === kind)!.meanChanged, kind).toBeLessThan(0.02);
    // The AI part of a sentence the writer completed is what gets marked.
    expect(report.rows.find((r) => r.kind === 'completed')!.spanRecall).toBeGreaterThanOrEqual(0.95);
  });

  it('meets them in privacy mode too, with changed shares within 5 points of the text mode', async () => {
    const normal = await runNewsroomCalibration(set);
    const privacy = await runNewsroomCalibration(set, { privacy: true });
    expectGoals(privacy);
    const both = Object.keys(normal.changed).filter((k) => normal.changed[k] !== null && privacy.changed[k] !== null);
    expect(both.length).toBeGreaterThan(60);
    const meanGap = both.reduce((sum, k) => sum + Math.abs(normal.changed[k]! - privacy.changed[k]!), 0) / both.length;
    expect(meanGap).toBeLessThan(0.05);
  });
});
