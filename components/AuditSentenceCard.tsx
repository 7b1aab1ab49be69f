import type { ComponentChildren } from 'preact';
import type { AuditKind, AuditSentence } from '@/lib/messaging';
import { t, type MessageKey } from '@/lib/i18n';

/**
 * One attributed sentence's label and its card (category, model, action, time, the original
 * suggestion). Shared by the audit page and, later, the in-page audit overlay.
 */
const pct = (share: number) => `${Math.round(share * 100)}%`;
const when = (ms: number) => new Date(ms).toLocaleString();

/** A private-use character standing in for an element inside a translated message. */
const SLOT = '\uE000';

/**
 * A message whose single substitution is an element (`<q>`, `<strong>`, `<code>`): the
 * translation decides where it goes, the element keeps its markup.
 */
export function tWith(key: MessageKey, element: ComponentChildren): ComponentChildren {
  const [before = '', ...rest] = t(key, SLOT).split(SLOT);
  return (
    <>
      {before}
      {element}
      {rest.join('')}
    </>
  );
}

const KIND_KEYS: Record<AuditKind, MessageKey> = {
  'ai-verbatim': 'auditKindVerbatim',
  'ai-edited': 'auditKindEdited',
  'ai-rewrite': 'auditKindRewrite',
  'not-logged': 'auditKindNotLogged',
};

export const KIND_TEXT: Record<AuditKind, string> = {
  'ai-verbatim': t(KIND_KEYS['ai-verbatim']),
  'ai-edited': t(KIND_KEYS['ai-edited']),
  'ai-rewrite': t(KIND_KEYS['ai-rewrite']),
  'not-logged': t(KIND_KEYS['not-logged']),
};

/** "AI, human-edited (8% of words changed)". */
export function sentenceLabel(s: Pick<AuditSentence, 'kind' | 'changedRatio' | 'estimated'>): string {
  if (s.kind === 'ai-edited' || (s.kind === 'ai-rewrite' && (s.changedRatio ?? 0) > 0)) {
    return t(s.estimated ? 'auditLabelChangedEstimated' : 'auditLabelChanged', KIND_TEXT[s.kind], pct(s.changedRatio ?? 0));
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
          <span class="card-row">{t('auditCardModel', m.model.id, m.model.revision, m.model.dtype, m.model.backend)}</span>
          <span class="card-row">{t('auditCardAction', m.action)}</span>
          <span class="card-row">{t('auditCardAccepted', when(m.acceptedAt))}</span>
          <span class="card-row">{t('auditCardEntry', m.seq)}</span>
          <span class="card-row">
            {m.suggestedSentence !== null
              ? tWith('auditCardSuggested', <q>{m.suggestedSentence}</q>)
              : t('auditCardSuggested', t('auditCardNotStored'))}
          </span>
          {m.rewrite && m.original !== null && <span class="card-row">{tWith('auditCardOriginal', <q>{m.original}</q>)}</span>}
        </>
      ) : (
        <span class="card-row">{t('auditCardNoMatch')}</span>
      )}
    </span>
  );
}
