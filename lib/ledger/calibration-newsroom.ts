import { normalizeSentence } from '../text/normalize';
import { sha256Hex } from '../text/hash';
import { segmentSentences } from '../text/segment';
import { sketchText } from '../text/similarity';
import { tokenizeWords } from '../text/tokenize';
import { attributeText, MemoryIndex, type AttributionThresholds, type SentenceAttribution } from './attribution';

/**
 * The newsroom calibration set (tests/fixtures/calibration/newsroom.json): stories with the
 * sentences accepted from the AI in each, and drafts made of labelled parts — the edits editors
 * make (light edits, splits, merges, moved clauses, hard line breaks, AI words in a sentence the
 * writer completed) and the writer's own sentences that must stay not logged (same-topic
 * sentences, stock phrases, the AI's pattern with new facts, paraphrases, translations).
 */
export const AI_EDIT_KINDS = ['verbatim', 'light-edit', 'split', 'merge', 'clause-move', 'line-break', 'completed'] as const;
export const HUMAN_KINDS = ['unrelated', 'boilerplate', 'frame', 'paraphrase', 'translation'] as const;
export type AiEditKind = (typeof AI_EDIT_KINDS)[number];
export type HumanKind = (typeof HUMAN_KINDS)[number];

export interface NewsroomPart {
  text: string;
  kind: AiEditKind | HumanKind;
  /** The story's AI sentences this part descends from; absent for the writer's own. */
  ai?: string[];
}

export interface NewsroomStory {
  id: string;
  topic: string;
  document: string;
  ai: Record<string, string>;
  drafts: NewsroomPart[][];
}

export interface NewsroomSet {
  version: 1;
  stories: NewsroomStory[];
}

const isAiKind = (k: string): k is AiEditKind => (AI_EDIT_KINDS as readonly string[]).includes(k);
const isHumanKind = (k: string): k is HumanKind => (HUMAN_KINDS as readonly string[]).includes(k);

/** Checks the set's shape; a bad set fails with where and why. */
export function parseNewsroomSet(data: unknown): NewsroomSet {
  const fail = (where: string, why: string): never => {
    throw new TypeError(`newsroom calibration set: ${where}: ${why}`);
  };
  const set = data as NewsroomSet;
  if (!set || typeof set !== 'object' || set.version !== 1 || !Array.isArray(set.stories)) fail('root', 'expected { version: 1, stories: [...] }');
  const ids = new Set<string>();
  for (const story of set.stories) {
    const where = `story ${JSON.stringify(story?.id)}`;
    if (typeof story?.id !== 'string' || ids.has(story.id)) fail(where, 'missing or repeated id');
    ids.add(story.id);
    if (typeof story.document !== 'string' || !story.document) fail(where, 'missing document');
    if (!story.ai || typeof story.ai !== 'object') fail(where, 'missing ai');
    for (const [id, text] of Object.entries(story.ai)) {
      if (typeof text !== 'string' || segmentSentences(text).length !== 1) fail(`${where}, ai ${id}`, 'must be one sentence');
    }
    if (!Array.isArray(story.drafts)) fail(where, 'missing drafts');
    story.drafts.forEach((draft, d) => {
      if (!Array.isArray(draft)) fail(`${where}, draft ${d}`, 'not a list of parts');
      for (const part of draft) {
        const pw = `${where}, draft ${d}, ${JSON.stringify(part?.text?.slice(0, 40))}`;
        if (typeof part?.text !== 'string' || !part.text.trim()) fail(pw, 'missing text');
        if (isAiKind(part.kind)) {
          if (!Array.isArray(part.ai) || !part.ai.length || part.ai.some((id) => !(id in story.ai))) fail(pw, 'an AI part must name its story AI sentences');
        } else if (isHumanKind(part.kind)) {
          if (part.ai !== undefined) fail(pw, 'a writer part names no AI sentence');
        } else fail(pw, `unknown kind ${JSON.stringify(part.kind)}`);
      }
    });
  }
  return set;
}

/** Bag-of-words difference: words changed whatever their order (what an editor counts for a moved clause). */
export function wordsChanged(text: string, source: string): number {
  const count = (words: string[]) => {
    const m = new Map<string, number>();
    for (const w of words) m.set(w, (m.get(w) ?? 0) + 1);
    return m;
  };
  const a = tokenizeWords(text);
  const b = tokenizeWords(source);
  const ca = count(a);
  const cb = count(b);
  let onlyA = 0;
  let onlyB = 0;
  for (const [w, n] of ca) onlyA += Math.max(0, n - (cb.get(w) ?? 0));
  for (const [w, n] of cb) onlyB += Math.max(0, n - (ca.get(w) ?? 0));
  const longest = Math.max(a.length, b.length);
  return longest ? Math.max(onlyA, onlyB) / longest : 0;
}

export interface NewsroomRow {
  kind: AiEditKind | HumanKind;
  parts: number;
  /** AI parts with at most 30 % of words changed (the goal's population); every completed part. */
  inGoal: number;
  /** Parts attributed to the AI at all. */
  attributed: number;
  /** In-goal AI parts attributed to one of their own sources. */
  correct: number;
  /** Attributed AI parts matched to a wrong source. */
  wrong: number;
  recall: number | null;
  precision: number | null;
  /** Mean changed share reported for the attributed AI parts. */
  meanChanged: number | null;
  /** Completed parts: share of the AI fragment's words the AI spans cover. */
  spanRecall: number | null;
}

export interface NewsroomReport {
  privacy: boolean;
  stories: number;
  logged: number;
  rows: NewsroomRow[];
  /** Over every part: correct / attributed (writer parts attributed count against it). */
  precision: number;
  /** AI parts in the goal: correct / inGoal. */
  recall: number;
  /** Each AI part's reported changed share, by "story/draft/part" (privacy comparison). */
  changed: Record<string, number | null>;
}

export const GOAL_MAX_CHANGED = 0.3;

export async function runNewsroomCalibration(
  set: NewsroomSet,
  options: { privacy?: boolean; thresholds?: Partial<AttributionThresholds> } = {},
): Promise<NewsroomReport> {
  const privacy = options.privacy === true;
  const index = new MemoryIndex();
  const seqOf = new Map<string, number>();
  let seq = 0;
  for (const story of set.stories) {
    for (const [id, text] of Object.entries(story.ai)) {
      seq++;
      seqOf.set(`${story.id}/${id}`, seq);
      index.addSentence(
        {
          seq,
          i: 0,
          documentKey: story.document,
          action: 'continue',
          acceptedAt: seq,
          model: { id: 'calibration', revision: '0', dtype: 'none', backend: 'wasm' },
          text: privacy ? null : text,
          sketch: sketchText(text),
        },
        await sha256Hex(normalizeSentence(text)),
      );
    }
  }

  const rows = new Map<string, NewsroomRow>();
  for (const kind of [...AI_EDIT_KINDS, ...HUMAN_KINDS]) {
    rows.set(kind, { kind, parts: 0, inGoal: 0, attributed: 0, correct: 0, wrong: 0, recall: null, precision: null, meanChanged: null, spanRecall: null });
  }
  const changedSum = new Map<string, number>();
  const spanSum = new Map<string, number>();
  const changed: Record<string, number | null> = {};
  for (const story of set.stories) {
    for (const [d, draft] of story.drafts.entries()) {
      let text = '';
      const placed = draft.map((part) => {
        if (text) text += ' ';
        const start = text.length;
        text += part.text;
        return { part, start, end: text.length };
      });
      const result = await attributeText(text, index, { documentKey: story.document });
      for (const [k, { part, start, end }] of placed.entries()) {
        const row = rows.get(part.kind)!;
        row.parts++;
        const inside = result.sentences.filter((s) => s.start >= start && s.end <= end);
        // One sentence exactly over the part, or the segmentation split it (a miss for AI parts).
        const s: SentenceAttribution | undefined = inside.length === 1 && inside[0]!.start === start && inside[0]!.end === end ? inside[0] : undefined;
        const attributed = inside.some((x) => x.kind !== 'not-logged');
        if (attributed) row.attributed++;
        if (!part.ai) continue;
        const sources = part.ai.map((id) => story.ai[id]!);
        // Split halves are judged together against their source; other parts on their own.
        const group = part.kind === 'split' ? draft.filter((p) => p.kind === 'split' && p.ai?.join() === part.ai!.join()).map((p) => p.text).join(' ') : part.text;
        const inGoal = part.kind === 'completed' || wordsChanged(group, sources.join(' ')) <= GOAL_MAX_CHANGED;
        const right = !!s && s.kind !== 'not-logged' && part.ai.some((id) => seqOf.get(`${story.id}/${id}`) === s.match?.seq);
        changed[`${story.id}/${d}/${k}`] = s && s.kind !== 'not-logged' ? (s.changedRatio ?? 0) : null;
        if (attributed && !right) row.wrong++;
        if (s && s.kind !== 'not-logged') changedSum.set(part.kind, (changedSum.get(part.kind) ?? 0) + (s.changedRatio ?? 0));
        if (!inGoal) continue;
        row.inGoal++;
        if (right) row.correct++;
        if (part.kind === 'completed') {
          const fragment = new Set(tokenizeWords(sources.join(' ')));
          const spanned = new Set((s?.aiSpans ?? []).flatMap((span) => tokenizeWords(text.slice(span.start, span.end))));
          const hit = [...fragment].filter((w) => spanned.has(w)).length;
          spanSum.set(part.kind, (spanSum.get(part.kind) ?? 0) + hit / fragment.size);
        }
      }
    }
  }
  let correct = 0;
  let attributed = 0;
  let inGoal = 0;
  for (const row of rows.values()) {
    correct += row.correct;
    attributed += row.attributed;
    inGoal += row.inGoal;
    if (isAiKind(row.kind)) {
      row.recall = row.inGoal ? row.correct / row.inGoal : null;
      row.precision = row.attributed ? (row.attributed - row.wrong) / row.attributed : null;
      const hits = row.attributed - row.wrong;
      row.meanChanged = hits ? (changedSum.get(row.kind) ?? 0) / row.attributed : null;
      if (row.kind === 'completed') row.spanRecall = row.inGoal ? (spanSum.get(row.kind) ?? 0) / row.inGoal : null;
    }
  }
  return {
    privacy,
    stories: set.stories.length,
    logged: seq,
    rows: [...rows.values()],
    precision: attributed ? correct / attributed : 1,
    recall: inGoal ? correct / inGoal : 1,
    changed,
  };
}

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);

/** The README table: one row per kind, normal mode beside privacy mode. */
export function formatNewsroom(normal: NewsroomReport, privacy: NewsroomReport): string {
  const lines = [
    `Newsroom set: ${normal.stories} stories, ${normal.logged} accepted AI sentences; goal population = AI parts with ≤ ${GOAL_MAX_CHANGED * 100} % of words changed (order-insensitive count).`,
    '',
    '| part | n (in goal) | recall | precision | mean changed shown | privacy mode: recall | precision | mean changed shown |',
    '|---|---|---|---|---|---|---|---|',
  ];
  privacy.rows.forEach((p, k) => {
    const n = normal.rows[k]!;
    if (isAiKind(n.kind)) {
      lines.push(`| AI: ${n.kind} | ${n.parts} (${n.inGoal}) | ${pct(n.recall)} | ${pct(n.precision)} | ${pct(n.meanChanged)} | ${pct(p.recall)} | ${pct(p.precision)} | ${pct(p.meanChanged)} |`);
    } else {
      lines.push(`| writer: ${n.kind} | ${n.parts} | attributed ${n.attributed} | | | attributed ${p.attributed} | | |`);
    }
  });
  const completed = normal.rows.find((r) => r.kind === 'completed')!;
  lines.push(
    `| **all** | | **${pct(normal.recall)}** | **${pct(normal.precision)}** | | **${pct(privacy.recall)}** | **${pct(privacy.precision)}** | |`,
    '',
    `Completed sentences: the AI spans cover ${pct(completed.spanRecall)} of the AI fragment's words (normal mode).`,
  );
  return lines.join('\n');
}
