import type { AttributionKind, SentenceAttribution } from './attribution';

/**
 * Figures an editor reads off an attributed text.
 *  - AI share: sentences in the AI categories (verbatim, edited, rewrite); characters that are
 *    the AI's own words (`aiCharacters` of each sentence: all of a verbatim one, the kept words
 *    of an edited one, the AI part of a sentence the writer completed).
 *  - Human touch: every other character of the sentences, so the two character shares add up
 *    to 100 % (and `percent` shows them adding up). "Not logged" counts as the writer's only in
 *    the sense that no AI suggestion was recorded for it: it is not proof of human writing.
 */
export const KINDS: readonly AttributionKind[] = ['ai-verbatim', 'ai-edited', 'ai-rewrite', 'pasted', 'typed', 'not-logged'];

export const KIND_LABELS: Record<AttributionKind, string> = {
  'ai-verbatim': 'AI, verbatim',
  'ai-edited': 'AI, human-edited',
  'ai-rewrite': 'AI rewrite of the writer’s text',
  pasted: 'Pasted',
  typed: 'Typed by the writer',
  'not-logged': 'Not logged',
};

export interface KindFigures {
  sentences: number;
  characters: number;
}

export interface AuditFigures {
  sentences: number;
  characters: number;
  /**
   * Per category. `pasted` and `typed` are there only when something was pasted or typed: reports
   * made before pastes and typing were recorded have no such count, and must still read (and
   * verify) the same.
   */
  kinds: Record<Exclude<AttributionKind, 'pasted' | 'typed'>, KindFigures> & { pasted?: KindFigures; typed?: KindFigures };
  aiSentences: number;
  aiCharacters: number;
  /** 0..1, rounded to 4 decimals. */
  aiSentenceShare: number;
  aiCharacterShare: number;
  humanTouch: number;
}

export const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** Length in code points (what a reader would call characters), not UTF-16 units. */
export const charCount = (s: string) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

export function auditFigures(sentences: readonly Pick<SentenceAttribution, 'text' | 'kind' | 'aiCharacters'>[]): AuditFigures {
  const kinds = Object.fromEntries(KINDS.map((k) => [k, { sentences: 0, characters: 0 }])) as Record<AttributionKind, KindFigures>;
  let characters = 0;
  let aiCharacters = 0;
  for (const s of sentences) {
    const c = charCount(s.text);
    characters += c;
    kinds[s.kind].sentences++;
    kinds[s.kind].characters += c;
    if (isAiKind(s.kind)) aiCharacters += Math.min(c, Math.max(0, s.aiCharacters));
  }
  const aiSentences = KINDS.filter(isAiKind).reduce((n, k) => n + kinds[k].sentences, 0);
  const { pasted, typed, ...seen } = kinds;
  // In basis points, so the writer's share is exactly what the AI's leaves.
  const aiPoints = characters ? Math.round((aiCharacters / characters) * 10_000) : 0;
  return {
    sentences: sentences.length,
    characters,
    kinds: { ...seen, ...(pasted.sentences ? { pasted } : {}), ...(typed.sentences ? { typed } : {}) },
    aiSentences,
    aiCharacters,
    aiSentenceShare: sentences.length ? round4(aiSentences / sentences.length) : 0,
    aiCharacterShare: aiPoints / 10_000,
    humanTouch: characters ? (10_000 - aiPoints) / 10_000 : 0,
  };
}

/**
 * Whole percent, ties to even: two shares that add up to 1 (to 4 decimals) show as two
 * percentages that add up to 100 (48.5 % and 51.5 % show as 48 % and 52 %).
 */
export const percent = (share: number) => {
  const points = Math.round(share * 10_000);
  const whole = Math.floor(points / 100);
  const rest = points - whole * 100;
  return `${rest > 50 || (rest === 50 && whole % 2 === 1) ? whole + 1 : whole}%`;
};

/** The AI categories (pasted, typed and not-logged text are not the AI's). */
export const isAiKind = (kind: AttributionKind): boolean => kind.startsWith('ai-');
