import { render } from 'preact';
import { browser } from 'wxt/browser';
import { AuditView, type AuditViewProps, type ExportKind } from '@/components/AuditView';
import { localizePage, t, tCount } from '@/lib/i18n';
import { isPageWideKey, pageOfKey } from '@/lib/ledger/document-key';
import { checkReportFile } from '@/lib/ledger/report-file';
import { reportFileName } from '@/lib/ledger/report-file-name';
import type { DocumentReport } from '@/lib/ledger/report';
import type { AuditExportFile, Request, Response } from '@/lib/messaging';

localizePage(document, 'auditTitle');

/** The audit page: state and messaging only; the view is components/AuditView. */
const app = document.getElementById('app')!;

function send<T extends Request['type']>(request: Extract<Request, { type: T }>): Promise<Response<T>> {
  return browser.runtime.sendMessage(request) as Promise<Response<T>>;
}

/** The offline report checker the build put next to this page (scripts/build-report-verifier.ts). */
const REPORT_VERIFIER_URL = browser.runtime.getURL('/report-verifier.html');

function download(file: AuditExportFile): void {
  const url = URL.createObjectURL(new Blob([file.content], { type: file.mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const REVIEWER_KEY = 'ledgerline.reviewer';

/** The reviewer named last in this browser (the audit page remembers it, nothing else does). */
function rememberedReviewer(): { name: string; role: string } {
  try {
    const value = JSON.parse(localStorage.getItem(REVIEWER_KEY) ?? 'null') as { name?: unknown; role?: unknown } | null;
    return { name: typeof value?.name === 'string' ? value.name : '', role: typeof value?.role === 'string' ? value.role : '' };
  } catch {
    return { name: '', role: '' };
  }
}

const params = new URLSearchParams(location.search);
const state: Omit<AuditViewProps, `on${string}`> = {
  documents: null,
  selectedKey: params.get('doc'),
  text: '',
  analyzing: false,
  attribution: null,
  verify: null,
  verifying: false,
  statement: null,
  reportCheck: null,
  reportChecking: null,
  replace: false,
  pendingReplace: null,
  archives: [],
  documentEntries: null,
  moving: false,
  analysisId: 0,
  reviewer: rememberedReviewer(),
  reviewing: false,
  notice: null,
  filingNotice: false,
  reviewNotice: false,
  error: null,
};

function set(patch: Partial<typeof state>): void {
  // A notice belongs to the section whose action raised it: a move's and a review's are shown there.
  Object.assign(state, 'notice' in patch ? { filingNotice: false, reviewNotice: false, ...patch } : patch);
  draw();
}

/** The backup text waiting for the writer to confirm a "replace". */
let pendingBackup: string | null = null;

async function analyze(): Promise<void> {
  set({ analyzing: true, error: null });
  const r = await send({ type: 'audit.attribute', text: state.text, documentKey: state.selectedKey });
  if (r.ok) set({ attribution: r.attribution, analyzing: false, analysisId: state.analysisId + 1 });
  else set({ error: r.error, analyzing: false });
  void loadDocuments();
}

async function loadDocumentEntries(): Promise<void> {
  const key = state.selectedKey;
  if (!key) return set({ documentEntries: null });
  const r = await send({ type: 'audit.documentEntries', documentKey: key });
  if (state.selectedKey !== key) return;
  if (r.ok) set({ documentEntries: r.entries });
  else set({ documentEntries: [], notice: { kind: 'error', text: r.error }, filingNotice: true });
}

async function loadDocuments(): Promise<void> {
  try {
    const [r, archived] = await Promise.all([send({ type: 'audit.documents' }), send({ type: 'audit.archives' })]);
    if (archived.ok) set({ archives: archived.archives });
    if (r.ok) set({ documents: r.documents });
    else set({ error: t('auditErrorLedgerUnreadable', r.error) });
    void loadDocumentEntries();
  } catch (error) {
    set({ error: t('auditErrorNoBackground', error instanceof Error ? error.message : String(error)) });
  }
}

const handlers: Pick<AuditViewProps, `on${string}` & keyof AuditViewProps> = {
  onSelectDocument: (key) => {
    set({ selectedKey: key, attribution: null, statement: null, documentEntries: null, notice: null });
    const url = new URL(location.href);
    if (key) url.searchParams.set('doc', key);
    else url.searchParams.delete('doc');
    history.replaceState(null, '', url);
    void loadDocumentEntries();
  },
  onMove: async (seqs, target) => {
    const from = state.selectedKey;
    const all = state.documentEntries ?? [];
    if (!from) return;
    // A new document gets a key of its own under the page it came from.
    const to = target.kind === 'new' ? `${from}~moved-${Math.min(...seqs)}` : target.key;
    const reason =
      target.kind === 'new' ? 'split' : isPageWideKey(from) && pageOfKey(from) === pageOfKey(to) ? 'refile' : seqs.length === all.length ? 'merge' : 'split';
    set({ moving: true });
    const r = await send({ type: 'audit.move', seqs, to, title: target.kind === 'new' ? target.title : null, reason });
    const title = target.kind === 'new' ? target.title : (state.documents?.find((d) => d.key === to)?.title ?? to);
    set({
      moving: false,
      filingNotice: true,
      notice: r.ok ? { kind: 'ok', text: tCount('auditMoved', r.moved, r.moved, title) } : { kind: 'error', text: r.error },
    });
    await loadDocuments();
  },
  onTextChange: (text) => set({ text }),
  onAnalyze: () => analyze(),
  onReview: async (reviewer, outcomes, note) => {
    if (!state.selectedKey) return;
    localStorage.setItem(REVIEWER_KEY, JSON.stringify(reviewer));
    set({ reviewing: true, reviewer });
    const r = await send({ type: 'audit.review', documentKey: state.selectedKey, text: state.text, reviewer, outcomes, note });
    set({ reviewing: false });
    await analyze();
    set({ reviewNotice: true, notice: r.ok ? { kind: 'ok', text: tCount('auditReviewed', r.sentences, r.seq, r.sentences) } : { kind: 'error', text: r.error } });
  },
  onVerify: async () => {
    set({ verifying: true });
    const r = await send({ type: 'audit.verify' });
    if (r.ok) set({ verify: r.result, verifying: false });
    else set({ error: r.error, verifying: false });
  },
  onExport: async (kind: ExportKind) => {
    if (!state.selectedKey) return;
    const r = await send({ type: 'audit.report', documentKey: state.selectedKey, text: state.text.trim() ? state.text : null });
    if (!r.ok) return set({ notice: { kind: 'error', text: r.error } });
    download(r.files[kind]);
    const report = JSON.parse(r.files.json.content) as DocumentReport;
    set({ statement: { line: report.disclosure.line, detail: r.statement }, notice: { kind: 'ok', text: t('auditExported', r.files[kind].name) } });
  },
  onExportVerifier: async () => {
    const key = state.selectedKey;
    if (!key) return;
    // A missing file may answer 404 or reject the fetch: the same notice for both.
    const response = await fetch(REPORT_VERIFIER_URL).catch(() => null);
    if (!response?.ok) return set({ notice: { kind: 'error', text: t('auditErrorVerifierMissing', response?.status ?? '—') } });
    const title = state.documents?.find((d) => d.key === key)?.title ?? '';
    const name = reportFileName({ document: { key, title }, generatedAt: new Date().toISOString() }, 'verifier');
    download({ name, mime: 'text/html', content: await response.text() });
    set({ notice: { kind: 'ok', text: t('auditExported', name) } });
  },
  onCopyWithCredentials: async () => {
    if (!state.selectedKey || !state.text.trim()) return { ok: false, error: t('credentialsNeedText') };
    // The C2PA and X.509 libraries load on this click, not with the page (nor in the background);
    // a refusal (a ledger that does not verify) throws, and the view shows its words.
    const { embedCredentials } = await import('@/lib/c2pa/embed-text');
    const r = await embedCredentials(send, state.selectedKey, state.text);
    await navigator.clipboard.writeText(r.text);
    return { ok: true, addedCharacters: r.addedCharacters, aiSentences: r.aiSentences, reviews: r.reviews, manifestLabel: r.manifestLabel };
  },
  onCheckReport: async (file) => {
    set({ reportChecking: file.name });
    set({ reportCheck: await checkReportFile(file.name, await file.text()), reportChecking: null });
  },
  onBackup: async () => {
    const r = await send({ type: 'audit.backup' });
    if (!r.ok) return set({ notice: { kind: 'error', text: r.error } });
    download(r.file);
    set({ notice: { kind: 'ok', text: tCount('auditBackupSaved', r.entries, r.entries, r.file.name) } });
  },
  onRestore: async (file, replace) => {
    const backup = await file.text();
    if (replace) {
      // A different ledger is shown (its key, its dates) before it takes this one's place.
      const inspected = await send({ type: 'audit.inspectBackup', backup });
      if (!inspected.ok) return set({ notice: { kind: 'error', text: inspected.error } });
      if (inspected.inspection.relation === 'different') {
        pendingBackup = backup;
        return set({ pendingReplace: inspected.inspection, notice: null });
      }
    }
    await restore(backup, false);
  },
  onConfirmReplace: async () => {
    const backup = pendingBackup;
    pendingBackup = null;
    set({ pendingReplace: null });
    if (backup) await restore(backup, true);
  },
  onCancelReplace: () => {
    pendingBackup = null;
    set({ pendingReplace: null });
  },
  onExportArchive: async (id) => {
    const r = await send({ type: 'audit.archiveFile', id });
    if (!r.ok) return set({ notice: { kind: 'error', text: r.error } });
    download(r.file);
    set({ notice: { kind: 'ok', text: t('auditExported', r.file.name) } });
  },
  onReplaceChange: (replace) => set({ replace }),
};

async function restore(backup: string, replace: boolean): Promise<void> {
  const r = await send({ type: 'audit.restore', backup, replace });
  if (!r.ok) return set({ notice: { kind: 'error', text: r.error } });
  const text =
    r.mode === 'up-to-date'
      ? t('auditRestoreUpToDate')
      : r.archived
        ? tCount('auditRestoredArchived', r.imported, r.imported, r.archived.entries)
        : tCount('auditRestored', r.imported, r.imported, r.total);
  set({ notice: { kind: 'ok', text } });
  void loadDocuments();
}

function draw(): void {
  render(<AuditView {...state} {...handlers} />, app);
}

/**
 * The text the in-page audit handed over ("Record a review…"): filled in and analysed, and the
 * focus on the review form. The token is used once; a reload does not ask again.
 */
async function takeHandoff(token: string): Promise<void> {
  const url = new URL(location.href);
  url.searchParams.delete('handoff');
  history.replaceState(null, '', url);
  const r = await send({ type: 'audit.takeHandoff', token });
  if (!r.ok) return set({ error: r.error });
  set({ selectedKey: r.documentKey, text: r.text });
  await analyze();
  document.getElementById('review-name')?.focus();
}

draw();
void loadDocuments();
const handoff = params.get('handoff');
if (handoff) void takeHandoff(handoff);
