import { useState } from 'preact/hooks';
import type { AuditDocument, AuditDocumentEntry } from '@/lib/messaging';
import { isPageWideKey, pageOfKey } from '@/lib/ledger/document-key';
import { t, tCount } from '@/lib/i18n';

/** Where the writer wants acceptances to go: an existing document, or a new one with a title. */
export type FilingTarget = { kind: 'existing'; key: string } | { kind: 'new'; title: string };

export interface DocumentFilingProps {
  document: AuditDocument;
  documents: AuditDocument[];
  /** The acceptances counting in `document` (null while loading). */
  entries: AuditDocumentEntry[] | null;
  moving: boolean;
  onMove: (seqs: number[], target: FilingTarget) => void;
}

const NEW = '\u0000new';

/**
 * Which document a text belongs to is a guess no rule gets right on every CMS, so the writer can
 * correct it: move some acceptances to another document (split) or all of them (merge). Documents
 * of the same editor page are listed first; a page-wide document (the earlier key rule, which
 * could not tell stories apart) next to story documents of its page says so.
 */
export function DocumentFiling({ document: doc, documents, entries, moving, onMove }: DocumentFilingProps) {
  const [checked, setChecked] = useState<ReadonlySet<number>>(new Set());
  const [target, setTarget] = useState<string>('');
  const [title, setTitle] = useState('');
  const page = pageOfKey(doc.key);
  const others = documents.filter((d) => d.key !== doc.key);
  const samePage = others.filter((d) => pageOfKey(d.key) === page);
  const elsewhere = others.filter((d) => pageOfKey(d.key) !== page);
  const mayHoldSeveralStories = isPageWideKey(doc.key) && samePage.some((d) => !isPageWideKey(d.key));
  const chosen = target || (samePage[0]?.key ?? others[0]?.key ?? NEW);
  const seqs = [...checked];
  const ready = seqs.length > 0 && !moving && (chosen !== NEW || title.trim().length > 0);
  const toggle = (seq: number, on: boolean) => {
    const next = new Set(checked);
    if (on) next.add(seq);
    else next.delete(seq);
    setChecked(next);
  };
  const label = (d: AuditDocument) => `${d.title || t('auditUntitled')} — ${d.key}`;
  const groups: [string, AuditDocument[]][] = [
    [t('auditFilingSamePage'), samePage],
    [t('auditFilingOtherPages'), elsewhere],
  ];

  if (!entries) return <p>{t('auditFilingLoading')}</p>;
  if (!entries.length) return <p data-testid="audit-filing-empty">{t('auditFilingEmpty')}</p>;
  return (
    <form
      class="filing"
      data-testid="audit-filing"
      onSubmit={(e) => {
        e.preventDefault();
        if (!ready) return;
        onMove(seqs, chosen === NEW ? { kind: 'new', title: title.trim() } : { kind: 'existing', key: chosen });
        setChecked(new Set());
      }}
    >
      {mayHoldSeveralStories && (
        <p class="notice" data-testid="audit-filing-page-wide">
          {t('auditFilingPageWide', samePage.filter((d) => !isPageWideKey(d.key)).length)}
        </p>
      )}
      <fieldset>
        <legend>{t('auditFilingEntries', entries.length)}</legend>
        <label class="inline">
          <input
            type="checkbox"
            data-testid="audit-filing-all"
            checked={checked.size === entries.length}
            onChange={(e) => setChecked(new Set((e.currentTarget as HTMLInputElement).checked ? entries.map((x) => x.seq) : []))}
          />{' '}
          {t('auditFilingAll')}
        </label>
        <ul>
          {entries.map((x) => (
            <li key={x.seq} data-testid="audit-filing-entry" data-seq={x.seq}>
              <label class="inline">
                <input type="checkbox" checked={checked.has(x.seq)} onChange={(e) => toggle(x.seq, (e.currentTarget as HTMLInputElement).checked)} />{' '}
                {tCount('auditFilingEntry', x.sentences, x.seq, new Date(x.acceptedAt).toLocaleString(), x.action, x.sentences)}{' '}
                <q>{x.excerpt ?? t('auditFilingPrivate')}</q>
                {x.movedFrom && <span class="hint"> {t('auditFilingMovedFrom', x.movedFrom)}</span>}
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <label for="audit-filing-target">{t('auditFilingTarget')}</label>
      <select id="audit-filing-target" data-testid="audit-filing-target" value={chosen} onChange={(e) => setTarget((e.currentTarget as HTMLSelectElement).value)}>
        {groups.map(([group, list]) =>
          list.length > 0 ? (
            <optgroup key={group} label={group}>
              {list.map((d) => (
                <option key={d.key} value={d.key}>
                  {label(d)}
                </option>
              ))}
            </optgroup>
          ) : null,
        )}
        <option value={NEW}>{t('auditFilingNew')}</option>
      </select>
      {chosen === NEW && (
        <>
          <label for="audit-filing-title">{t('auditFilingNewTitle')}</label>
          <input id="audit-filing-title" data-testid="audit-filing-title" value={title} onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} />
        </>
      )}
      <button type="submit" data-testid="audit-filing-move" disabled={!ready}>
        {moving ? t('auditFilingMoving') : t('auditFilingMove', seqs.length)}
      </button>
      <p class="hint">{t('auditFilingHint')}</p>
    </form>
  );
}
