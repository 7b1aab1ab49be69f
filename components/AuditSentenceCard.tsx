import type { AuditKind, AuditSentence } from '@/lib/messaging';

/**
 * One attributed sentence's label and its card (category, model, action, time, the original
 * suggestion). Shared by the audit page and, later, the in-page audit overlay.
 */
const pct = (share: number) => `${Math.round(share * 100)}%`;
const when = (ms: number) => new Date(ms).toLocaleString();

export const KIND_TEXT: Record<AuditKind, string> = {
  'ai-verbatim': 'AI, verbatim',
  'ai-edited': 'AI, human-edited',
  'ai-rewrite': 'AI rewrite of the writer’s text',
  'not-logged': 'Not logged',
};

/** "AI, human-edited (8% of words changed)". */
export function sentenceLabel(s: Pick<AuditSentence, 'kind' | 'changedRatio' | 'estimated'>): string {
  if (s.kind === 'ai-edited' || (s.kind === 'ai-rewrite' && (s.changedRatio ?? 0) > 0)) {
    return `${KIND_TEXT[s.kind]} (${s.estimated ? '≈' : ''}${pct(s.changedRatio ?? 0)} of words changed)`;
  }
  return KIND_TEXT[s.kind];
}

export function AuditSentenceCard({ s, id }: { s: AuditSentence; id: string }) {
  const m = s.match;
  return (
    <span class="card" role="tooltip" id={id}>
      <strong class="card-kind">{sentenceLabel(s)}</strong>
      {m ? (
        <>
          <span class="card-row">
            Model: {m.model.id} ({m.model.revision}, {m.model.dtype}, {m.model.backend})
          </span>
          <span class="card-row">Action: {m.action}</span>
          <span class="card-row">Accepted: {when(m.acceptedAt)}</span>
          <span class="card-row">Entry #{m.seq}</span>
          <span class="card-row">
            Suggested: {m.suggestedSentence !== null ? <q>{m.suggestedSentence}</q> : '(text not stored: privacy mode)'}
          </span>
          {m.rewrite && m.original !== null && (
            <span class="card-row">
              Writer’s original: <q>{m.original}</q>
            </span>
          )}
        </>
      ) : (
        <span class="card-row">Nothing in the ledger matches. This is not proof of human writing.</span>
      )}
    </span>
  );
}

