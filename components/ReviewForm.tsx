import { isAiKind } from '../lib/ledger/audit';
import { useState } from 'preact/hooks';
import type { AuditSentence } from '@/lib/messaging';
import { t, tCount } from '@/lib/i18n';

export type ReviewDecision = 'kept' | 'amended' | 'rejected';

export interface ReviewFormProps {
  /** The analysed text's sentences; only the AI-assisted ones are reviewed. */
  sentences: AuditSentence[];
  /** Remembered from the last review in this browser. */
  reviewer: { name: string; role: string };
  reviewing: boolean;
  onReview: (reviewer: { name: string; role: string }, outcomes: ReviewDecision[], note: string) => void;
}

const DECISIONS: readonly [ReviewDecision, Parameters<typeof t>[0]][] = [
  ['kept', 'auditReviewKept'],
  ['amended', 'auditReviewAmended'],
  ['rejected', 'auditReviewRejected'],
];

/**
 * An editor's sign-off on the analysed text (EU AI Act Art. 50(4)): who, and a decision per
 * AI-assisted sentence. What a review means is said in plain words above the form.
 */
export function ReviewForm({ sentences, reviewer, reviewing, onReview }: ReviewFormProps) {
  const ai = sentences.filter((s) => isAiKind(s.kind));
  const [name, setName] = useState(reviewer.name);
  const [role, setRole] = useState(reviewer.role);
  const [note, setNote] = useState('');
  const [outcomes, setOutcomes] = useState<ReviewDecision[]>(() => ai.map(() => 'kept'));
  if (!ai.length) return <p data-testid="audit-review-none">{t('auditReviewNoAi')}</p>;
  const decisions = ai.map((_, i) => outcomes[i] ?? 'kept');
  return (
    <form
      class="review"
      data-testid="audit-review"
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim() && !reviewing) onReview({ name: name.trim(), role: role.trim() }, decisions, note);
      }}
    >
      <p class="hint">{t('auditReviewWhat')}</p>
      <label for="review-name">{t('auditReviewName')}</label>
      <input id="review-name" data-testid="audit-review-name" required value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
      <label for="review-role">{t('auditReviewRole')}</label>
      <input id="review-role" data-testid="audit-review-role" value={role} onInput={(e) => setRole((e.currentTarget as HTMLInputElement).value)} />
      <ol>
        {ai.map((s, i) => (
          <li key={i}>
            <q>{s.text}</q>{' '}
            <select
              aria-label={t('auditReviewOutcome', i + 1)}
              data-testid="audit-review-outcome"
              value={decisions[i]}
              onChange={(e) => {
                const next = [...decisions];
                next[i] = (e.currentTarget as HTMLSelectElement).value as ReviewDecision;
                setOutcomes(next);
              }}
            >
              {DECISIONS.map(([value, label]) => (
                <option key={value} value={value}>
                  {t(label)}
                </option>
              ))}
            </select>
          </li>
        ))}
      </ol>
      <label for="review-note">{t('auditReviewNote')}</label>
      <textarea id="review-note" rows={2} value={note} onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)} />
      <button type="submit" data-testid="audit-review-submit" disabled={reviewing || !name.trim()}>
        {tCount('auditReviewButton', ai.length, ai.length)}
      </button>
    </form>
  );
}
