import type { JSX } from 'preact';
import type { AuditAttribution, AuditDocument, AuditKind, AuditSentence, AuditVerifyResult } from '@/lib/messaging';
import { AuditSentenceCard as Card, KIND_TEXT, sentenceLabel } from './AuditSentenceCard';
import './AuditView.css';

export { KIND_TEXT, sentenceLabel };

const pct = (share: number) => `${Math.round(share * 100)}%`;
const when = (ms: number) => new Date(ms).toLocaleString();

/**
 * The audit page (props in, callbacks out): documents with their AI share, one text attributed
 * sentence by sentence, verify, exports, backup and restore.
 */
export type ExportKind = 'json' | 'csv' | 'markdown' | 'html';

export interface AuditViewProps {
  documents: AuditDocument[] | null;
  selectedKey: string | null;
  onSelectDocument: (key: string | null) => void;
  text: string;
  onTextChange: (text: string) => void;
  onAnalyze: () => void;
  analyzing: boolean;
  attribution: AuditAttribution | null;
  verify: AuditVerifyResult | null;
  verifying: boolean;
  onVerify: () => void;
  onExport: (kind: ExportKind) => void;
  statement: string | null;
  onBackup: () => void;
  onRestore: (file: File, replace: boolean) => void;
  replace: boolean;
  onReplaceChange: (replace: boolean) => void;
  /** Result of the last export, backup or restore. */
  notice: { kind: 'ok' | 'error'; text: string } | null;
  error: string | null;
}

function share(doc: AuditDocument): string {
  const a = doc.lastAudit;
  if (!a) return 'Not audited yet: paste its text below';
  return `${a.aiSentences} of ${a.sentences} sentences (${pct(a.sentences ? a.aiSentences / a.sentences : 0)}), ${pct(
    a.characters ? a.aiCharacters / a.characters : 0,
  )} of characters`;
}

function DocumentList({ documents, selectedKey, onSelectDocument }: Pick<AuditViewProps, 'documents' | 'selectedKey' | 'onSelectDocument'>) {
  if (!documents) return <p>Loading documents…</p>;
  if (!documents.length) return <p>No AI suggestions have been accepted yet.</p>;
  return (
    <table class="documents" data-testid="audit-documents">
      <caption>Documents with accepted AI suggestions</caption>
      <thead>
        <tr>
          <th scope="col">Document</th>
          <th scope="col">Accepted suggestions</th>
          <th scope="col">AI sentences logged</th>
          <th scope="col">AI share (last audit)</th>
          <th scope="col">
            <span class="visually-hidden">Select</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {documents.map((d) => (
          <tr key={d.key} data-testid="audit-document" aria-current={d.key === selectedKey ? 'true' : undefined}>
            <th scope="row">
              <span class="title">{d.title || '(untitled)'}</span>
              <span class="key">{d.key}</span>
            </th>
            <td>{d.entries}</td>
            <td>
              {d.sentences} ({d.characters} characters)
            </td>
            <td data-testid="audit-document-share">{share(d)}</td>
            <td>
              <button type="button" onClick={() => onSelectDocument(d.key)} aria-pressed={d.key === selectedKey}>
                {d.key === selectedKey ? 'Selected' : 'Audit'}
                <span class="visually-hidden"> {d.title || d.key}</span>
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Highlighted({ text, sentences }: { text: string; sentences: AuditSentence[] }) {
  const parts: (string | JSX.Element)[] = [];
  let at = 0;
  sentences.forEach((s, i) => {
    if (s.start > at) parts.push(text.slice(at, s.start));
    const cardId = `sentence-card-${i}`;
    parts.push(
      <span
        key={i}
        class={`sentence kind-${s.kind}`}
        tabIndex={0}
        data-testid="audit-sentence"
        data-kind={s.kind}
        aria-describedby={cardId}
      >
        <span class="visually-hidden">[{sentenceLabel(s)}] </span>
        {text.slice(s.start, s.end)}
        <Card s={s} id={cardId} />
      </span>,
    );
    at = s.end;
  });
  if (at < text.length) parts.push(text.slice(at));
  return (
    <div class="highlighted" data-testid="audit-highlighted">
      {parts}
    </div>
  );
}

function Figures({ a }: { a: AuditAttribution }) {
  const f = a.figures;
  return (
    <div class="figures">
      <p data-testid="audit-share">
        <strong>AI share:</strong> {f.aiSentences} of {f.sentences} sentences ({pct(f.aiSentenceShare)}), {pct(f.aiCharacterShare)} of
        characters.
      </p>
      <p data-testid="audit-human-touch">
        <strong>Human touch:</strong> {pct(f.humanTouch)} of the text was written or changed by the writer (not-logged sentences plus
        the changed share of edited AI sentences).
      </p>
      <ul class="legend" aria-label="Categories">
        {(Object.keys(KIND_TEXT) as AuditKind[]).map((k) => (
          <li key={k} class={`kind-${k}`} data-testid={`audit-count-${k}`}>
            <span class="swatch" aria-hidden="true" /> {KIND_TEXT[k]}: {f.kinds[k].sentences}
          </li>
        ))}
      </ul>
      <p class="caveat" data-testid="audit-caveat">
        “Not logged” means no accepted AI suggestion matches the sentence. It is not proof of human writing: text pasted from elsewhere,
        or produced with other tools, is never seen by the ledger.
      </p>
    </div>
  );
}

function SentenceTable({ sentences }: { sentences: AuditSentence[] }) {
  return (
    <table class="sentences" data-testid="audit-sentence-table">
      <caption>Sentences</caption>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Category</th>
          <th scope="col">Model</th>
          <th scope="col">Action</th>
          <th scope="col">Accepted</th>
          <th scope="col">Sentence</th>
        </tr>
      </thead>
      <tbody>
        {sentences.map((s, i) => (
          <tr key={i} data-testid="audit-sentence-row" data-kind={s.kind}>
            <td>{i + 1}</td>
            <td data-testid="audit-sentence-label">{sentenceLabel(s)}</td>
            <td>{s.match?.model.id ?? '—'}</td>
            <td>{s.match?.action ?? '—'}</td>
            <td>{s.match ? when(s.match.acceptedAt) : '—'}</td>
            <td>{s.text}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function VerifyLine({ verify }: { verify: AuditVerifyResult | null }) {
  if (!verify) return null;
  if (verify.ok) {
    return (
      <p class="verified" role="status" data-testid="audit-verify-result">
        Verified: {verify.entries} entries
        {verify.headSeq !== null ? `, signed head #${verify.headSeq}` : ''}
        {verify.keyId ? ` (key ${verify.keyId.slice(0, 16)})` : ''}
        {verify.pruned ? `; ${verify.pruned} older entries pruned by retention under a signed checkpoint` : ''}.
      </p>
    );
  }
  return (
    <p class="broken" role="alert" data-testid="audit-verify-result">
      Not verified: the ledger breaks at entry {verify.brokenAt}: {verify.reason}.
    </p>
  );
}

export function AuditView(p: AuditViewProps): JSX.Element {
  const selected = p.documents?.find((d) => d.key === p.selectedKey) ?? null;
  return (
    <main class="audit">
      <h1>Disclosure audit</h1>
      {p.error && (
        <p role="alert" class="broken">
          {p.error}
        </p>
      )}

      <section aria-labelledby="documents-heading">
        <h2 id="documents-heading">Documents</h2>
        <DocumentList documents={p.documents} selectedKey={p.selectedKey} onSelectDocument={p.onSelectDocument} />
        {p.selectedKey && (
          <p>
            Auditing <strong data-testid="audit-selected">{selected?.title || p.selectedKey}</strong>{' '}
            <button type="button" onClick={() => p.onSelectDocument(null)}>
              Audit against the whole ledger instead
            </button>
          </p>
        )}
      </section>

      <section aria-labelledby="text-heading">
        <h2 id="text-heading">Text</h2>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            p.onAnalyze();
          }}
        >
          <label for="audit-text">Paste the document’s current text</label>
          <textarea
            id="audit-text"
            data-testid="audit-text"
            rows={8}
            value={p.text}
            onInput={(e) => p.onTextChange((e.currentTarget as HTMLTextAreaElement).value)}
          />
          <button type="submit" data-testid="audit-analyze" disabled={p.analyzing || !p.text.trim()}>
            {p.analyzing ? 'Analyzing…' : 'Analyze'}
          </button>
        </form>
        {p.attribution && (
          <div data-testid="audit-result" aria-live="polite">
            <Figures a={p.attribution} />
            <h3>Highlighted text</h3>
            <p class="hint">Hover over or tab to a sentence to see where it came from.</p>
            <Highlighted text={p.text} sentences={p.attribution.sentences} />
            <SentenceTable sentences={p.attribution.sentences} />
          </div>
        )}
      </section>

      <section aria-labelledby="verify-heading">
        <h2 id="verify-heading">Verify the record</h2>
        <button type="button" onClick={p.onVerify} disabled={p.verifying} data-testid="audit-verify">
          {p.verifying ? 'Verifying…' : 'Verify the ledger'}
        </button>
        <VerifyLine verify={p.verify} />
      </section>

      <section aria-labelledby="export-heading">
        <h2 id="export-heading">Export for this document</h2>
        {!p.selectedKey && <p>Select a document above to export its report.</p>}
        <div class="buttons" role="group" aria-label="Export formats">
          {(
            [
              ['json', 'Report (JSON, verifiable)'],
              ['csv', 'Sentences (CSV)'],
              ['markdown', 'Disclosure (Markdown)'],
              ['html', 'Disclosure (HTML)'],
            ] as const
          ).map(([kind, label]) => (
            <button key={kind} type="button" disabled={!p.selectedKey} onClick={() => p.onExport(kind)} data-testid={`audit-export-${kind}`}>
              {label}
            </button>
          ))}
        </div>
        {p.statement && (
          <blockquote class="statement" data-testid="audit-statement">
            {p.statement}
          </blockquote>
        )}
        <p class="hint">
          Anyone can check a JSON report without the extension: <code>npm run verify -- report.json</code>.
        </p>
      </section>

      <section aria-labelledby="backup-heading">
        <h2 id="backup-heading">Backup and restore</h2>
        <button type="button" onClick={p.onBackup} data-testid="audit-backup">
          Download a backup of the whole ledger
        </button>
        <div class="restore">
          <label for="audit-restore-file">Restore from a backup file</label>
          <input
            id="audit-restore-file"
            type="file"
            accept="application/json,.json"
            data-testid="audit-restore-file"
            onChange={(e) => {
              const input = e.currentTarget as HTMLInputElement;
              const file = input.files?.[0];
              if (file) p.onRestore(file, p.replace);
              input.value = '';
            }}
          />
          <label class="inline">
            <input type="checkbox" checked={p.replace} onChange={(e) => p.onReplaceChange((e.currentTarget as HTMLInputElement).checked)} />{' '}
            Replace this browser’s ledger with the backup (otherwise only a continuation of it is accepted)
          </label>
        </div>
        {p.notice && (
          <p role={p.notice.kind === 'error' ? 'alert' : 'status'} class={p.notice.kind === 'error' ? 'broken' : 'verified'} data-testid="audit-notice">
            {p.notice.text}
          </p>
        )}
      </section>
    </main>
  );
}
