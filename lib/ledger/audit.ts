import type { AttributionKind, SentenceAttribution } from './attribution';

/**
 * Figures an editor reads off an attributed text.
 *  - AI share: sentences (and characters) in the AI categories (verbatim, edited, rewrite).
 *  - Human touch: share of characters written or changed by the human =
 *    (characters of not-logged sentences + Σ characters × share of words changed, over AI sentences)
 *    / all sentence characters. "Not logged" counts as human-written here only in the sense that
 *    no AI suggestion was recorded for it: it is not proof of human writing.
 */
export const KINDS: readonly AttributionKind[] = ['ai-verbatim', 'ai-edited', 'ai-rewrite', 'not-logged'];

export const KIND_LABELS: Record<AttributionKind, string> = {
  'ai-verbatim': 'AI, verbatim',
  'ai-edited': 'AI, human-edited',
  'ai-rewrite': 'AI rewrite of the writer’s text',
  'not-logged': 'Not logged',
};

export interface KindFigures {
  sentences: number;
  characters: number;
}

export interface AuditFigures {
  sentences: number;
  characters: number;
  kinds: Record<AttributionKind, KindFigures>;
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

export function auditFigures(sentences: readonly Pick<SentenceAttribution, 'text' | 'kind' | 'changedRatio'>[]): AuditFigures {
  const kinds = Object.fromEntries(KINDS.map((k) => [k, { sentences: 0, characters: 0 }])) as Record<AttributionKind, KindFigures>;
  let characters = 0;
  let human = 0;
  for (const s of sentences) {
    const c = charCount(s.text);
    characters += c;
    kinds[s.kind].sentences++;
    kinds[s.kind].characters += c;
    human += s.kind === 'not-logged' ? c : c * Math.min(1, Math.max(0, s.changedRatio ?? 0));
  }
  const aiSentences = sentences.length - kinds['not-logged'].sentences;
  const aiCharacters = characters - kinds['not-logged'].characters;
  return {
    sentences: sentences.length,
    characters,
    kinds,
    aiSentences,
    aiCharacters,
    aiSentenceShare: sentences.length ? round4(aiSentences / sentences.length) : 0,
    aiCharacterShare: characters ? round4(aiCharacters / characters) : 0,
    humanTouch: characters ? round4(human / characters) : 0,
  };
}

export const percent = (share: number) => `${Math.round(share * 100)}%`;
