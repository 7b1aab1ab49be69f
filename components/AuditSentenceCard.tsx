import { isAiKind } from '../lib/ledger/audit';
import type { ComponentChildren } from 'preact';
import type { AuditKind, AuditSentence } from '@/lib/messaging';
import { t, type MessageKey } from '@/lib/i18n';
import { charCount, percent as pct } from '@/lib/ledger/audit';

/**
 * One attributed sentence's label, its text with the AI's words marked, and its card (category,
 * the AI's part, model, action, time, the original suggestion). Shared by the audit page and the
 * in-page audit overlay.
 */
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
  pasted: 'auditKindPasted',
  typed: 'auditKindTyped',
  'not-logged': 'auditKindNotLogged',
};

export const KIND_TEXT: Record<AuditKind, string> = {
  'ai-verbatim': t(KIND_KEYS['ai-verbatim']),
  'ai-edited': t(KIND_KEYS['ai-edited']),
  'ai-rewrite': t(KIND_KEYS['ai-rewrite']),
  pasted: t(KIND_KEYS.pasted),
  typed: t(KIND_KEYS.typed),
  'not-logged': t(KIND_KEYS['not-logged']),
};

/** "AI, human-edited (8% of words changed)". */
export function sentenceLabel(s: Pick<AuditSentence, 'kind' | 'changedRatio' | 'estimated'>): string {
  if (s.kind === 'ai-edited' || (s.kind === 'ai-rewrite' && (s.changedRatio ?? 0) > 0)) {
    return t(s.estimated ? 'auditLabelChangedEstimated' : 'auditLabelChanged', KIND_TEXT[s.kind], pct(s.changedRatio ?? 0));
  }
  return KIND_TEXT[s.kind];
}

/** The sentence's text as the AI's parts and the writer's, in order (offsets are the audited text's). */
export function sentenceParts(s: Pick<AuditSentence, 'text' | 'start' | 'kind' | 'aiSpans'>): { text: string; ai: boolean }[] {
  if (!isAiKind(s.kind)) return [{ text: s.text, ai: false }];
  const parts: { text: string; ai: boolean }[] = [];
  let at = 0;
  for (const span of s.aiSpans) {
    const from = Math.max(at, span.start - s.start);
    const to = Math.min(s.text.length, span.end - s.start);
    if (to <= from) continue;
    if (from > at) parts.push({ text: s.text.slice(at, from), ai: false });
    parts.push({ text: s.text.slice(from, to), ai: true });
    at = to;
  }
  if (at < s.text.length) parts.push({ text: s.text.slice(at), ai: false });
  return parts;
}

/** The sentence with the AI's words in `.ai-part` and the writer's in `.writer-part`. */
export function SentenceText({ s }: { s: AuditSentence }) {
  return (
    <>
      {sentenceParts(s).map((part, i) => (
        <span key={i} class={part.ai ? 'ai-part' : 'writer-part'}>
          {part.text}
        </span>
      ))}
    </>
  );
}

/** "The AI's words: “…” (62% of the sentence)" — for a sentence that is only partly the AI's. */
function AiPartRow({ s }: { s: AuditSentence }) {
  const parts = sentenceParts(s);
  if (!isAiKind(s.kind) || parts.every((p) => p.ai)) return null;
  const ai = parts.filter((p) => p.ai).map((p) => p.text).join(' … ');
  const share = pct(s.aiCharacters / Math.max(1, charCount(s.text)));
  return (
    <span class="card-row" data-testid="card-ai-part">
      {tWith(s.estimated ? 'auditCardAiPartEstimated' : 'auditCardAiPart', <q>{ai}</q>)} {t('auditCardAiShare', share)}
    </span>
  );
}

/** What the ledger saw of a sentence no AI suggestion matches. */
function unmatchedRow(s: AuditSentence): string {
  if (s.kind === 'typed') return t('auditCardTyped');
  if (s.kind !== 'pasted') return t('auditCardNoMatch');
  return s.pastedFrom ? t('auditCardPastedFrom', s.pastedFrom.title || s.pastedFrom.url, s.pastedFrom.url) : t('auditCardPasted');
}

export function AuditSentenceCard({ s, id }: { s: AuditSentence; id: string }) {
  const m = s.match;
  return (
    <span class="card" role="tooltip" id={id}>
      <strong class="card-kind">{sentenceLabel(s)}</strong>
      {m ? (
        <>
          <AiPartRow s={s} />
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
        <span class="card-row">{unmatchedRow(s)}</span>
      )}
    </span>
  );
}
