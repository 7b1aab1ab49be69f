import { normalizeSentence } from '../text/normalize';
import { sha256Hex } from '../text/hash';
import { sketchText, wordEditRatio } from '../text/similarity';
import { attributeText, MemoryIndex, DEFAULT_THRESHOLDS, type AttributionThresholds, type LoggedSentence } from './attribution';
import { mulberry32 } from '../seeded';

/**
 * Generated calibration set for attribution thresholds. Same-topic synthetic news
 * sentences (one shared vocabulary, so unrelated sentences overlap in words the way
 * sentences of one story do), edited by insertions, deletions, substitutions,
 * reorderings or a mix, at increasing rates. Deterministic (seeded).
 */
export type EditKind = 'substitute' | 'insert' | 'delete' | 'reorder' | 'mixed';
export const EDIT_KINDS: readonly EditKind[] = ['substitute', 'insert', 'delete', 'reorder', 'mixed'];

/** The calibration set's seeded generator. */
export const rng = mulberry32;

const DET = ['the', 'a', 'this', 'that', 'its', 'their', 'every', 'one'];
const ADJ = ['new', 'local', 'public', 'former', 'regional', 'annual', 'early', 'final', 'major', 'small', 'senior', 'federal', 'rising', 'delayed', 'disputed', 'quiet', 'costly', 'northern', 'urgent', 'green'];
const NOUN = ['council', 'budget', 'mayor', 'transport', 'plan', 'vote', 'residents', 'report', 'bridge', 'school', 'hospital', 'tax', 'housing', 'police', 'river', 'court', 'union', 'strike', 'election', 'contract', 'road', 'park', 'library', 'fund', 'audit', 'program', 'district', 'committee', 'office', 'agency', 'project', 'price', 'rent', 'harbour', 'festival', 'market', 'station', 'tram', 'water', 'energy'];
const VERB = ['approved', 'rejected', 'delayed', 'announced', 'criticised', 'reviewed', 'funded', 'blocked', 'proposed', 'defended', 'cut', 'raised', 'opened', 'closed', 'questioned', 'supported', 'expanded', 'cancelled', 'replaced', 'confirmed'];
const PREP = ['in', 'on', 'after', 'before', 'for', 'with', 'near', 'during', 'against', 'under', 'across', 'despite'];
const TIME = ['on Tuesday', 'last week', 'this morning', 'in March', 'next year', 'overnight', 'since January', 'by Friday'];

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

function nounPhrase(r: () => number): string[] {
  const np = [pick(r, DET)];
  if (r() < 0.6) np.push(pick(r, ADJ));
  np.push(pick(r, NOUN));
  return np;
}

/** One synthetic sentence of roughly 10-25 words, capitalised, ending in a period. */
export function makeSentence(r: () => number): string {
  const words = [...nounPhrase(r), pick(r, VERB), ...nounPhrase(r)];
  const extra = 1 + Math.floor(r() * 3);
  for (let i = 0; i < extra; i++) {
    if (r() < 0.3) words.push(...pick(r, TIME).split(' '));
    else words.push(pick(r, PREP), ...nounPhrase(r));
  }
  if (r() < 0.4) words.push('and', pick(r, VERB), ...nounPhrase(r));
  const s = words.join(' ');
  return `${s.charAt(0).toUpperCase()}${s.slice(1)}.`;
}

const FILLER = [...ADJ, ...NOUN, ...VERB, ...PREP, ...DET];

/** Apply `round(rate × words)` edit operations of one kind. */
export function editSentence(sentence: string, kind: EditKind, rate: number, r: () => number): string {
  let words = sentence.replace(/\.$/, '').split(' ');
  words[0] = words[0]!.toLowerCase();
  const ops = Math.round(rate * words.length);
  for (let n = 0; n < ops; n++) {
    const k = kind === 'mixed' ? pick(r, ['substitute', 'insert', 'delete'] as const) : kind;
    const at = Math.floor(r() * words.length);
    if (k === 'substitute') {
      let w = pick(r, FILLER);
      while (w === words[at]) w = pick(r, FILLER);
      words[at] = w;
    } else if (k === 'insert') {
      words.splice(at, 0, pick(r, FILLER));
    } else if (k === 'delete' && words.length > 3) {
      words.splice(at, 1);
    } else if (k === 'reorder') {
      // Move one word to another position (a clause move is several of these).
      const [w] = words.splice(at, 1);
      words.splice(Math.floor(r() * (words.length + 1)), 0, w!);
    }
  }
  words = words.filter(Boolean);
  const s = words.join(' ');
  return `${s.charAt(0).toUpperCase()}${s.slice(1)}.`;
}

export interface CalibrationRow {
  kind: EditKind;
  rate: number;
  /** Mean measured word edit ratio of the edited sentences. */
  meanChanged: number;
  /** Mean changed share the audit reports for the true positives (estimated in privacy mode). */
  meanReported: number | null;
  positives: number;
  /** Attributed to the right logged sentence. */
  truePositives: number;
  /** Attributed, but to the wrong logged sentence. */
  wrongMatches: number;
  recall: number;
  /** TP / (TP + wrong matches + false positives on an equal number of unrelated sentences). */
  precision: number;
}

export interface CalibrationReport {
  thresholds: AttributionThresholds;
  privacy: boolean;
  logged: number;
  unrelated: number;
  /** Share of unrelated same-topic sentences attributed to the AI. */
  falsePositiveRate: number;
  rows: CalibrationRow[];
}

/** `privacy`: log the sentences as privacy mode does (sketch and hash, no text). */
export async function buildIndex(sentences: readonly string[], privacy = false): Promise<MemoryIndex> {
  const index = new MemoryIndex();
  for (const [seq0, text] of sentences.entries()) {
    const l: LoggedSentence = {
      seq: seq0 + 1,
      i: 0,
      documentKey: 'calibration#body',
      action: 'continue',
      acceptedAt: seq0,
      model: { id: 'synthetic', revision: '0', dtype: 'none', backend: 'wasm' },
      text: privacy ? null : text,
      sketch: sketchText(text),
    };
    index.addSentence(l, await sha256Hex(normalizeSentence(text)));
  }
  return index;
}

export async function runCalibration(
  options: {
    logged?: number;
    perCell?: number;
    unrelated?: number;
    rates?: readonly number[];
    kinds?: readonly EditKind[];
    seed?: number;
    thresholds?: Partial<AttributionThresholds>;
    /** Log in privacy mode (no sentence text): changed shares are estimated from sketches. */
    privacy?: boolean;
  } = {},
): Promise<CalibrationReport> {
  const r = rng(options.seed ?? 42);
  const loggedN = options.logged ?? 2000;
  const perCell = options.perCell ?? 200;
  const unrelatedN = options.unrelated ?? 1000;
  const rates = options.rates ?? [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7];
  const kinds = options.kinds ?? EDIT_KINDS;
  const thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };

  const seen = new Set<string>();
  const fresh = () => {
    for (;;) {
      const s = makeSentence(r);
      if (!seen.has(s)) {
        seen.add(s);
        return s;
      }
    }
  };
  const logged = Array.from({ length: loggedN }, fresh);
  const index = await buildIndex(logged, options.privacy === true);

  const attributeAll = async (sentences: string[]) => {
    const res = await attributeText(sentences.join(' '), index, { thresholds });
    if (res.sentences.length !== sentences.length) throw new Error('calibration sentences did not segment 1:1');
    return res.sentences;
  };

  const unrelated = Array.from({ length: unrelatedN }, fresh);
  const falsePositives = (await attributeAll(unrelated)).filter((s) => s.kind !== 'not-logged').length;
  const fpRate = falsePositives / unrelatedN;

  const rows: CalibrationRow[] = [];
  for (const kind of kinds) {
    for (const rate of rates) {
      if (rate === 0 && kind !== kinds[0]) continue; // rate 0 is the same for every kind
      // Distinct sources: a draft holds each AI sentence once (a second copy would be a reuse).
      const picked = new Set<number>();
      while (picked.size < Math.min(perCell, loggedN)) picked.add(Math.floor(r() * loggedN));
      const picks = [...picked];
      const edited = picks.map((p) => editSentence(logged[p]!, kind, rate, r));
      const meanChanged = edited.reduce((sum, e, k) => sum + wordEditRatio(e, logged[picks[k]!]!), 0) / picks.length;
      const results = await attributeAll(edited);
      let tp = 0;
      let wrong = 0;
      let reported = 0;
      results.forEach((res, k) => {
        if (res.kind === 'not-logged') return;
        if (res.match?.seq === picks[k]! + 1) {
          tp++;
          reported += res.changedRatio ?? 0;
        } else wrong++;
      });
      const fp = fpRate * picks.length;
      rows.push({
        kind: rate === 0 ? 'substitute' : kind,
        rate,
        meanChanged,
        meanReported: tp ? reported / tp : null,
        positives: picks.length,
        truePositives: tp,
        wrongMatches: wrong,
        recall: tp / picks.length,
        precision: tp + wrong + fp === 0 ? 1 : tp / (tp + wrong + fp),
      });
    }
  }
  return { thresholds, privacy: options.privacy === true, logged: loggedN, unrelated: unrelatedN, falsePositiveRate: fpRate, rows };
}

export function formatCalibration(report: CalibrationReport): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = [
    `Attribution calibration (synthetic${report.privacy ? ', privacy mode' : ''}): ${report.logged} logged sentences, ${report.unrelated} unrelated same-topic sentences`,
    `thresholds: ${Object.entries(report.thresholds).map(([k, v]) => `${k}=${v}`).join(', ')}`,
    `false-positive rate on unrelated sentences: ${pct(report.falsePositiveRate)}`,
    '',
    '| edit | rate | words changed (mean) | changed shown (mean) | recall | precision | wrong match |',
    '|---|---|---|---|---|---|---|',
    ...report.rows.map(
      (row) =>
        `| ${row.rate === 0 ? 'none' : row.kind} | ${row.rate.toFixed(1)} | ${pct(row.meanChanged)} | ${row.meanReported === null ? '–' : pct(row.meanReported)} | ${pct(row.recall)} | ${pct(row.precision)} | ${row.wrongMatches} |`,
    ),
  ];
  return lines.join('\n');
}
