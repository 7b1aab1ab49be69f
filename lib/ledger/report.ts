import { observedInput, withObserved } from './observed';
import { isAiKind } from './audit';
import { isRewriteAction } from '../engine/actions';
import { sha256Hex } from '../text/hash';
import { attributeText, MemoryIndex, type AttributionKind } from './attribution';
import { auditFigures, KIND_LABELS, percent, round4, type AuditFigures } from './audit';
import type { ChainAnchor } from './chain';
import { isStub, stubOf } from './entry';
import { entriesOfDocument, standingAcceptances } from './moves';
import { reviewsBySentence, reviewsOf } from './review';
import type { Ledger } from './ledger';
export { reportFileName } from './report-file-name';
import type { EntryStub, LedgerEntry, MoveReason, PublicKeyInfo, ReviewOutcome, SignedCheckpoint, SignedHead, WithdrawalReason } from './types';

/**
 * Per-document disclosure report: a JSON file a third party can verify without the extension
 * (`npm run verify -- report.json`, see report-verify.ts).
 *
 * - `document.digitalSourceType`: IPTC digital source type URI for the document as a whole.
 * - `actions`: one C2PA-shaped action (c2pa.actions.v2 vocabulary) per accepted suggestion.
 *   In the report they are JSON of that shape, not a Content Credential; the text itself can
 *   carry a signed C2PA manifest ("Copy text with Content Credentials", lib/c2pa).
 * - `chain`: every ledger entry from the ledger's start (genesis or retention checkpoint) to the
 *   signed head. This document's entries are complete; other documents' entries are link-only
 *   stubs (format 2) so their text is not disclosed (format-1 entries cannot be reduced and are
 *   included whole). A verifier recomputes every hash, checks the head and checkpoint signatures,
 *   and that no stub belongs to this document (no entry left out).
 * - `summary`, `actions`, `text.sentences`, `disclosure` are derived from the chain (and the
 *   supplied text) by `deriveReport`; the verifier re-derives them and compares.
 * - `signature`: the ledger key's signature over the canonical JSON of everything else.
 */
export const REPORT_FORMAT = 'ledgerline.report.v1';
export const IPTC_SCHEME = 'http://cv.iptc.org/newscodes/digitalsourcetype/';
export const IPTC = {
  trainedAlgorithmicMedia: `${IPTC_SCHEME}trainedAlgorithmicMedia`,
  compositeWithTrainedAlgorithmicMedia: `${IPTC_SCHEME}compositeWithTrainedAlgorithmicMedia`,
  humanEdits: `${IPTC_SCHEME}humanEdits`,
} as const;

export interface ReportSentence {
  index: number;
  start: number;
  end: number;
  text: string;
  category: AttributionKind;
  /** Percent of words changed against the logged sentence (null when not logged). */
  changedPercent: number | null;
  /** Ratio estimated from sketches (the logged sentence was stored in privacy mode). */
  estimated: boolean;
  /** The ledger entry and sentence it descends from. */
  entry: number | null;
  entrySentence: number | null;
  /** For an AI sentence: the latest review that saw it as it is now (null: not reviewed). */
  review: { outcome: ReviewOutcome; entry: number } | null;
  /** The AI's words as spans of the text (empty when not logged). */
  aiSpans: { start: number; end: number }[];
  /** Characters (code points) of the sentence that are the AI's; the rest are the writer's. */
  aiCharacters: number;
  /** A pasted sentence whose copy the extension saw (absent otherwise, and in older reports). */
  pastedFrom?: { url: string; title: string };
}

export interface TextRegion {
  type: 'textual';
  text: { selectors: { selector: { start: number; end: number } }[] };
}

export interface C2paAction {
  action: 'c2pa.created' | 'c2pa.edited';
  digitalSourceType: string;
  softwareAgent: { name: string; version: string };
  when: string;
  parameters: {
    description: string;
    'ledgerline.action': string;
    'ledgerline.entry': number;
    'ledgerline.entryHash': string;
    'ledgerline.suggestedAt': string;
    /** `server`: the newsroom server's origin the text was sent to (backend 'server' only). */
    'ledgerline.model': { dtype: string; backend: string; server?: string };
  };
  changes: { description: string; region?: TextRegion[] }[];
}

/** An acceptance the writer took back (a withdrawal entry): listed, never counted as AI text. */
export interface ReportWithdrawal {
  /** The withdrawal entry's seq. */
  entry: number;
  /** The acceptance it withdraws. */
  withdraws: number;
  reason: WithdrawalReason;
  when: string;
}

/** Acceptances refiled into or out of this document (a move entry): they count where they went. */
export interface ReportMove {
  /** The move entry's seq. */
  entry: number;
  direction: 'in' | 'out';
  /** The other document's key. */
  peer: string;
  /** The acceptances moved. */
  entries: number[];
  reason: MoveReason;
  when: string;
}

/** An editor's review (a review entry) of this document. */
export interface ReportReview {
  entry: number;
  reviewer: { name: string; role: string };
  when: string;
  sentences: number;
  outcomes: Record<ReviewOutcome, number>;
  note: string;
}

export interface ReportSummary {
  /** Acceptances still standing (withdrawn ones are in `withdrawn`). */
  entries: number;
  loggedSentences: number;
  models: string[];
  actions: Record<string, number>;
  firstAcceptedAt: string | null;
  lastAcceptedAt: string | null;
  /** Figures over the supplied text (null when no text was supplied). */
  text: AuditFigures | null;
  withdrawn: ReportWithdrawal[];
  moved: ReportMove[];
  reviews: ReportReview[];
  /** AI sentences of the supplied text no review saw as they are now (null without text). */
  unreviewedAiSentences: number | null;
  /** Pasted sentences of the supplied text whose copy the extension saw, and the pages copied from (absent when none). */
  pastedFrom?: { sentences: number; pages: { url: string; title: string }[] };
}

export interface ReportDerived {
  document: { key: string; tag: string; title: string; digitalSourceType: string | null };
  text: { sha256: string; content: string; sentences: ReportSentence[] } | null;
  summary: ReportSummary;
  actions: C2paAction[];
  /** `line`: the short form a reader sees first; `statement`: the detailed form (the record behind it). */
  disclosure: { line: string; statement: string };
}

export interface ReportChain {
  /** Where `entries` start: genesis (seq 1) or the retention checkpoint. */
  anchor: ChainAnchor;
  checkpoint: SignedCheckpoint | null;
  entries: (LedgerEntry | EntryStub)[];
  head: SignedHead | null;
  /** Keys that signed the head, checkpoint and this report. */
  keys: PublicKeyInfo[];
}

export interface DocumentReport extends ReportDerived {
  format: typeof REPORT_FORMAT;
  generator: { name: 'Ledgerline'; version: string };
  generatedAt: string;
  chain: ReportChain;
  signature: { algorithm: string; keyId: string; value: string };
}

const iso = (ms: number) => new Date(ms).toISOString();
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Everything in a report that follows from the document's entries and the supplied text. */
export async function deriveReport(input: {
  documentKey: string;
  entries: readonly LedgerEntry[];
  text: string | null;
  keyId: string | null;
  title?: string;
}): Promise<ReportDerived> {
  const all = [...input.entries].sort((a, b) => a.seq - b.seq);
  const filed = all.filter((e) => e.documentKey === input.documentKey);
  const withdrawals = filed.filter((e) => e.withdraws);
  const moves = filed.filter((e) => e.moves);
  const reviewEntries = filed.filter((e) => e.review);
  const bySentence = reviewsBySentence(reviewEntries);
  // The acceptances that stand (after withdrawals and moves): what the report counts and describes.
  const entries = standingAcceptances(all, input.documentKey);
  const title = input.title ?? filed[filed.length - 1]?.pageTitle ?? '';
  const models = [...new Set(entries.map((e) => e.model.id))].sort();
  const actionCounts: Record<string, number> = {};
  for (const e of entries) actionCounts[e.action] = (actionCounts[e.action] ?? 0) + 1;

  let text: ReportDerived['text'] = null;
  let unreviewed: number | null = null;
  let pastedFrom: ReportSummary['pastedFrom'];
  let figures: AuditFigures | null = null;
  /** "seq:i" → where that logged sentence sits in the text, and how it changed. */
  const placed = new Map<string, { spans: { start: number; end: number }[]; category: AttributionKind; changed: number }[]>();
  if (input.text !== null) {
    const index = new MemoryIndex();
    for (const e of entries) await index.addEntry(e);
    // Pastes and typing filed under this document mark the unmatched sentences they recorded (observed.ts).
    const result = await withObserved(await attributeText(input.text, index, { documentKey: input.documentKey }), observedInput(filed));
    const reviewed = await reviewsOf(
      result.sentences.map((s) => s.text),
      bySentence,
    );
    const sentences: ReportSentence[] = result.sentences.map((s, index) => ({
      index,
      start: s.start,
      end: s.end,
      text: s.text,
      category: s.kind,
      changedPercent: !isAiKind(s.kind) ? null : round4((s.changedRatio ?? 0) * 100),
      estimated: s.estimated === true,
      entry: s.match?.seq ?? null,
      entrySentence: s.match?.i ?? null,
      review: isAiKind(s.kind) && reviewed[index] ? { outcome: reviewed[index]!.outcome, entry: reviewed[index]!.entry } : null,
      aiSpans: s.aiSpans,
      aiCharacters: s.aiCharacters,
      ...(s.pastedFrom ? { pastedFrom: s.pastedFrom } : {}),
    }));
    unreviewed = sentences.filter((x) => isAiKind(x.category) && x.review === null).length;
    const copied = sentences.flatMap((x) => (x.pastedFrom ? [x.pastedFrom] : []));
    if (copied.length) pastedFrom = { sentences: copied.length, pages: [...new Map(copied.map((page) => [page.url, page])).values()] };
    for (const s of sentences) {
      if (s.entry === null) continue;
      const ref = `${s.entry}:${s.entrySentence}`;
      const list = placed.get(ref) ?? [];
      list.push({ spans: s.aiSpans, category: s.category, changed: s.changedPercent ?? 0 });
      placed.set(ref, list);
    }
    figures = auditFigures(result.sentences);
    text = { sha256: await sha256Hex(input.text), content: input.text, sentences };
  }

  const actions: C2paAction[] = entries.map((e) => ({
    action: isRewriteAction(e.action) ? 'c2pa.edited' : 'c2pa.created',
    digitalSourceType: IPTC.trainedAlgorithmicMedia,
    softwareAgent: { name: e.model.id, version: e.model.revision },
    when: iso(e.acceptedAt),
    parameters: {
      description: isRewriteAction(e.action)
        ? `AI rewrite ("${e.action}") of the writer's text, accepted by the writer`
        : `AI suggestion ("${e.action}") accepted by the writer`,
      'ledgerline.action': e.action,
      'ledgerline.entry': e.seq,
      'ledgerline.entryHash': e.hash,
      'ledgerline.suggestedAt': iso(e.suggestedAt),
      'ledgerline.model': { dtype: e.model.dtype, backend: e.model.backend, ...(e.model.server !== undefined ? { server: e.model.server } : {}) },
    },
    changes: e.sentences.map((_, i) => {
      const where = placed.get(`${e.seq}:${i}`);
      if (input.text === null) return { description: `sentence ${i + 1} of the accepted text` };
      if (!where?.length) return { description: `sentence ${i + 1}: not found in the current text` };
      return {
        description: `sentence ${i + 1}: ${where
          .map((w) => (w.changed > 0 ? `edited by the writer (${Math.round(w.changed)}% of words changed)` : 'kept as suggested'))
          .join('; ')}`,
        // The AI's words only: what the writer added to the sentence is not part of the AI's change.
        region: where.map((w) => ({ type: 'textual' as const, text: { selectors: w.spans.map((span) => ({ selector: { start: span.start, end: span.end } })) } })),
      };
    }),
  }));

  let digitalSourceType: string | null;
  if (figures) {
    if (figures.aiSentences === 0) digitalSourceType = null;
    else if (figures.aiSentences === figures.sentences && figures.humanTouch === 0) digitalSourceType = IPTC.trainedAlgorithmicMedia;
    else digitalSourceType = IPTC.compositeWithTrainedAlgorithmicMedia;
  } else {
    digitalSourceType = entries.length ? IPTC.compositeWithTrainedAlgorithmicMedia : null;
  }

  const summary: ReportSummary = {
    entries: entries.length,
    loggedSentences: entries.reduce((n, e) => n + e.sentences.length, 0),
    models,
    actions: actionCounts,
    firstAcceptedAt: entries.length ? iso(entries[0]!.acceptedAt) : null,
    lastAcceptedAt: entries.length ? iso(entries[entries.length - 1]!.acceptedAt) : null,
    text: figures,
    withdrawn: withdrawals.map((w) => ({ entry: w.seq, withdraws: w.withdraws!.seq, reason: w.withdraws!.reason, when: iso(w.acceptedAt) })),
    reviews: reviewEntries.map((r) => ({
      entry: r.seq,
      reviewer: { ...r.review!.reviewer },
      when: iso(r.acceptedAt),
      sentences: r.review!.sentences.length,
      outcomes: {
        kept: r.review!.sentences.filter((x) => x.outcome === 'kept').length,
        amended: r.review!.sentences.filter((x) => x.outcome === 'amended').length,
        rejected: r.review!.sentences.filter((x) => x.outcome === 'rejected').length,
      },
      note: r.review!.note,
    })),
    unreviewedAiSentences: unreviewed,
    ...(pastedFrom ? { pastedFrom } : {}),
    moved: moves.map((m) => ({
      entry: m.seq,
      direction: m.moves!.direction,
      peer: m.moves!.peer,
      entries: m.moves!.entries.map((r) => r.seq),
      reason: m.moves!.reason,
      when: iso(m.acceptedAt),
    })),
  };
  return {
    document: { key: input.documentKey, tag: await sha256Hex(input.documentKey), title, digitalSourceType },
    text,
    summary,
    actions,
    disclosure: { line: disclosureLine(summary), statement: disclosureStatement(summary, input.keyId) },
  };
}

/** Who last reviewed the document's AI text. */
function reviewWords(summary: ReportSummary): string {
  const last = summary.reviews[summary.reviews.length - 1];
  return last ? ` Reviewed by ${last.reviewer.name}${last.reviewer.role ? ` (${last.reviewer.role})` : ''} on ${last.when.slice(0, 10)}.` : '';
}

/** What the writer refiled: acceptances count in the document they were moved to. */
function movedWords(moved: readonly ReportMove[]): string {
  const count = (direction: 'in' | 'out') => moved.filter((m) => m.direction === direction).reduce((n, m) => n + m.entries.length, 0);
  const into = count('in');
  const out = count('out');
  const parts = [
    into ? `${plural(into, 'accepted suggestion was', 'accepted suggestions were')} refiled into this document from another` : '',
    out ? `${plural(out, 'accepted suggestion was', 'accepted suggestions were')} refiled from it to another document` : '',
  ].filter(Boolean);
  return parts.length ? ` The writer corrected where text belongs: ${parts.join('; ')}.` : '';
}

const TOOL = 'Ledgerline, an on-device AI writing assistant';

/** Who reviewed, in plain words: "Ana Ruiz (editor)". */
function reviewerWords(review: ReportReview): string {
  return review.reviewer.role ? `${review.reviewer.name} (${review.reviewer.role})` : review.reviewer.name;
}

/**
 * The one-line disclosure a reader sees first: the tool, the task, the human review, in the
 * shape newsrooms publish ("In this story, we used … to help … . An editor reviewed …").
 * Plain words only: the record's details (models, keys, shares) are in `disclosureStatement`.
 * Editors may adapt it; it is generated from the facts so that a changed fact cannot hide.
 */
export function disclosureLine(summary: ReportSummary): string {
  const last = summary.reviews[summary.reviews.length - 1];
  const t = summary.text;
  if (t) {
    if (!t.aiSentences) return 'No AI-written text from Ledgerline is recorded in this story.';
    const rewrites = t.kinds['ai-rewrite'].sentences;
    const task = rewrites === t.aiSentences ? 'rephrase' : rewrites ? 'draft and rephrase' : 'draft';
    const unreviewed = summary.unreviewedAiSentences ?? t.aiSentences;
    const review =
      unreviewed === 0 && last
        ? `${reviewerWords(last)} reviewed ${t.aiSentences === 1 ? 'it' : 'them'}.`
        : unreviewed === t.aiSentences
          ? `No editor has reviewed ${t.aiSentences === 1 ? 'it' : 'them'} yet.`
          : `${unreviewed} of them ${unreviewed === 1 ? 'has' : 'have'} not been reviewed by an editor yet.`;
    return `In this story, we used ${TOOL}, to help ${task} ${t.aiSentences} of ${plural(t.sentences, 'sentence')}. ${review}`;
  }
  if (!summary.entries) return 'No AI-written text from Ledgerline is recorded in this story.';
  const review = last ? `${reviewerWords(last)} reviewed the AI-assisted text.` : 'No editor review is recorded.';
  return `In this story, we used ${TOOL}, to help write parts of the text (${plural(summary.entries, 'accepted suggestion')}). ${review}`;
}

/**
 * What the statement says the ledger does not see. Pastes are recorded now; a report made before
 * they were said "text pasted from elsewhere is not recorded", which was true then, and still
 * verifies as it was written (report-verify.ts).
 */
export type UnseenWording = 'pastes-recorded' | 'before-pastes';

const UNSEEN: Record<UnseenWording, string> = {
  'pastes-recorded': 'text that was there before, or pasted while the extension was off, is not recorded',
  'before-pastes': 'text pasted from elsewhere is not recorded',
};

/** The detailed statement, generated from the facts only; unreviewed AI text is said first. */
export function disclosureStatement(summary: ReportSummary, keyId: string | null, wording: UnseenWording = 'pastes-recorded'): string {
  const unreviewed = summary.unreviewedAiSentences;
  const warning = unreviewed ? `${plural(unreviewed, 'AI-assisted sentence has', 'AI-assisted sentences have')} not been reviewed by an editor. ` : '';
  return warning + statementBody(summary, keyId, wording);
}

function pastedSourceWords(pasted: number, from: ReportSummary['pastedFrom']): string {
  const unknown = 'from a source the ledger does not know';
  if (!from) return ` ${unknown}`;
  const pages = listWords(from.pages.map((page) => (page.title ? `${page.title} (${page.url})` : page.url)));
  return from.sentences >= pasted ? `, copied from ${pages}` : `: ${from.sentences} copied from ${pages}, the rest ${unknown}`;
}

function statementBody(summary: ReportSummary, keyId: string | null, wording: UnseenWording): string {
  const modelWords = summary.models.length ? ` (${listWords(summary.models)})` : '';
  const withdrawn = summary.withdrawn.length;
  const record =
    reviewWords(summary) +
    (withdrawn
      ? ` ${plural(withdrawn, 'accepted suggestion was', 'accepted suggestions were')} taken back by the writer right after accepting and ${withdrawn === 1 ? 'is' : 'are'} not counted.`
      : '') +
    movedWords(summary.moved) +
    (keyId ? ` The record is hash-chained and signed (key ${keyId.slice(0, 16)}).` : '');
  const t = summary.text;
  if (!t) {
    if (!summary.entries) return `The AI-assistance ledger records no suggestions accepted in this document.${record}`;
    return (
      `The AI-assistance ledger records ${plural(summary.entries, 'AI suggestion')} accepted in this document ` +
      `(${plural(summary.loggedSentences, 'sentence')}) from on-device AI${modelWords}.${record}`
    );
  }
  const unseen = UNSEEN[wording];
  const notLogged = t.kinds['not-logged'].sentences ? ` Sentences not in the ledger are not proof of human writing: ${unseen}.` : '';
  // Pasted text is neither the author's nor the AI's: the statement names its source when the
  // extension saw it copied, and says the source is unknown otherwise.
  const p = t.kinds.pasted?.sentences ?? 0;
  const pasted = p ? ` ${plural(p, 'sentence')} ${p === 1 ? 'was' : 'were'} pasted into the field${pastedSourceWords(p, summary.pastedFrom)}.` : '';
  // Typed text was seen being written at the keyboard in this field, nothing more.
  const ty = t.kinds.typed?.sentences ?? 0;
  const typed = ty ? ` ${plural(ty, 'sentence')} ${ty === 1 ? 'was' : 'were'} typed into the field by the writer while the extension watched.` : '';
  if (!t.aiSentences) {
    const none = wording === 'before-pastes' ? 'match the AI-assistance ledger' : 'match an AI suggestion in the ledger';
    return `None of the ${plural(t.sentences, 'sentence')} in this text ${none}.${pasted}${typed} That is not proof of human writing: ${unseen}.${record}`;
  }
  const parts: string[] = [];
  const v = t.kinds['ai-verbatim'].sentences;
  const e = t.kinds['ai-edited'].sentences;
  const r = t.kinds['ai-rewrite'].sentences;
  if (v) parts.push(`${v} kept as suggested`);
  if (e) parts.push(`${e} edited by the author`);
  if (r) parts.push(`${r} ${r === 1 ? 'is an AI rewrite' : 'are AI rewrites'} of the author's own text`);
  const drafted = r === t.aiSentences ? 'rewritten' : 'drafted';
  return (
    `${t.aiSentences} of ${plural(t.sentences, 'sentence')} (${percent(t.aiCharacterShare)} of the characters) ` +
    `${t.aiSentences === 1 ? 'was' : 'were'} ${drafted} with on-device AI assistance${modelWords}` +
    (parts.length > 1 || (parts.length === 1 && !v) ? `: ${listWords(parts)}.` : '.') +
    ` The author wrote${p ? ', pasted' : ''} or changed ${percent(t.humanTouch)} of the text.${pasted}${typed}${notLogged}${record}`
  );
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const escapeMarkdown = (s: string) => s.replace(/([\\`*_[\]<>#|])/g, '\\$1');

/** The short line to publish, then the detail (editors keep, shorten or adapt either). */
export function disclosureMarkdown(report: Pick<DocumentReport, 'disclosure' | 'document'>): string {
  const dst = report.document.digitalSourceType;
  return (
    `### AI assistance disclosure\n\n${escapeMarkdown(report.disclosure.line)}\n\n` +
    `#### Details\n\n${escapeMarkdown(report.disclosure.statement)}\n` +
    (dst ? `\nIPTC digital source type: <${dst}>\n` : '')
  );
}

export function disclosureHtml(report: Pick<DocumentReport, 'disclosure' | 'document'>): string {
  const dst = report.document.digitalSourceType;
  return (
    `<section class="ai-disclosure"${dst ? ` data-digital-source-type="${escapeHtml(dst)}"` : ''}>\n` +
    `  <h3>AI assistance disclosure</h3>\n  <p>${escapeHtml(report.disclosure.line)}</p>\n` +
    `  <details>\n    <summary>Details</summary>\n    <p>${escapeHtml(report.disclosure.statement)}</p>\n  </details>\n</section>\n`
  );
}

/** RFC 4180 cell; cells a spreadsheet would run as a formula get a leading apostrophe. */
function csvCell(value: string | number | boolean | null): string {
  let s = value === null ? '' : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * One row per sentence of the text (or, without text, per logged sentence). Every row ends with
 * the document's title, page URL, document key and the signing key's id: a spreadsheet keeps
 * them when rows of several reports are pasted together (a comment line it would not).
 */
/** The page a document key names, as a URL: the key without its field id (the last `#` part). */
function pageUrlOfKey(key: string): string {
  const field = key.lastIndexOf('#');
  return field >= 0 ? key.slice(0, field) : key;
}

/** A sentence's category in words; a pasted one says where it was copied from, when known. */
function sentenceLabel(s: ReportSentence): string {
  if (s.category !== 'pasted') return KIND_LABELS[s.category];
  return s.pastedFrom ? `Pasted, copied from ${s.pastedFrom.title || s.pastedFrom.url} (${s.pastedFrom.url})` : 'Pasted, source unknown';
}

export const CSV_DOCUMENT_COLUMNS = ['document_title', 'document_url', 'document_key', 'signing_key'] as const;

export function reportCsv(report: Pick<DocumentReport, 'text' | 'chain' | 'document' | 'signature'>): string {
  const key = report.document.key;
  const documentCells = [report.document.title, pageUrlOfKey(key), key, report.signature.keyId];
  const docEntries = entriesOfDocument(
    report.chain.entries.filter((e): e is LedgerEntry => !isStub(e)),
    key,
  );
  const byseq = new Map(docEntries.map((e) => [e.seq, e]));
  const rows: (string | number | boolean | null)[][] = [];
  if (report.text) {
    rows.push(['sentence', 'start', 'end', 'category', 'label', 'changed_percent', 'estimated', 'model', 'action', 'accepted_at', 'entry', 'text']);
    for (const s of report.text.sentences) {
      const e = s.entry !== null ? byseq.get(s.entry) : undefined;
      rows.push([
        s.index + 1,
        s.start,
        s.end,
        s.category,
        sentenceLabel(s),
        s.changedPercent,
        s.estimated,
        e?.model.id ?? null,
        e?.action ?? null,
        e ? iso(e.acceptedAt) : null,
        s.entry,
        s.text,
      ]);
    }
  } else {
    rows.push(['entry', 'sentence', 'model', 'action', 'accepted_at', 'sha256', 'text', 'not_counted']);
    const withdrawnBy = new Map<number, LedgerEntry>();
    const movedOutBy = new Map<number, LedgerEntry>();
    for (const e of docEntries) {
      if (e.withdraws) withdrawnBy.set(e.withdraws.seq, e);
      if (e.moves?.direction === 'out') for (const r of e.moves.entries) movedOutBy.set(r.seq, e);
    }
    const standing = new Set(standingAcceptances(docEntries, key).map((e) => e.seq));
    for (const e of docEntries) {
      const withdrawal = withdrawnBy.get(e.seq);
      const move = standing.has(e.seq) ? undefined : movedOutBy.get(e.seq);
      const note = withdrawal
        ? `${withdrawal.withdraws!.reason} (entry ${withdrawal.seq}, ${iso(withdrawal.acceptedAt)})`
        : move
          ? `moved to ${move.moves!.peer} (entry ${move.seq}, ${iso(move.acceptedAt)})`
          : null;
      e.sentences.forEach((s, i) => rows.push([e.seq, i + 1, e.model.id, e.action, iso(e.acceptedAt), s.normalizedHash, s.text, note]));
    }
  }
  const table = rows.map((r, i) => [...r, ...(i === 0 ? CSV_DOCUMENT_COLUMNS : documentCells)]);
  return table.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** The statement a report signature covers: everything but `signature`. */
export function reportBody(report: DocumentReport | Omit<DocumentReport, 'signature'>): Record<string, unknown> {
  const { signature: _s, ...body } = report as DocumentReport;
  return body as unknown as Record<string, unknown>;
}

export class ReportError extends Error {
  override readonly name = 'ReportError';
}

/** Build and sign the report for one document. Refuses when the ledger itself does not verify. */
export async function buildDocumentReport(
  ledger: Ledger,
  documentKey: string,
  options: { text?: string | null; extensionVersion: string; now?: () => number },
): Promise<DocumentReport> {
  const verified = await ledger.verify();
  if (!verified.ok) {
    throw new ReportError(`The ledger does not verify (entry ${verified.brokenAt}: ${verified.reason}); no report was made.`);
  }
  const [anchor, checkpoint, head, all] = await Promise.all([
    ledger.anchor(),
    ledger.checkpoint(),
    ledger.head(),
    ledger.db.entries.orderBy('seq').toArray(),
  ]);
  const own = await ledger.publicKey();
  const known = await ledger.knownKeys();
  const keyIds = new Set([own.keyId, head?.keyId, checkpoint?.keyId].filter((k): k is string => !!k));
  const keys = known.filter((k) => keyIds.has(k.keyId));
  // Acceptances moved in are carried whole (they count here); other documents' entries as stubs.
  const docEntries = entriesOfDocument(all, documentKey);
  const whole = new Set(docEntries.map((e) => e.seq));
  const chainEntries = all.map((e) => (whole.has(e.seq) ? e : (stubOf(e) ?? e)));
  const derived = await deriveReport({ documentKey, entries: docEntries, text: options.text ?? null, keyId: own.keyId });
  const unsigned: Omit<DocumentReport, 'signature'> = {
    format: REPORT_FORMAT,
    generator: { name: 'Ledgerline', version: options.extensionVersion },
    generatedAt: iso((options.now ?? Date.now)()),
    ...derived,
    chain: { anchor, checkpoint, entries: chainEntries, head, keys },
  };
  const signed = await ledger.signStatement(REPORT_FORMAT, reportBody(unsigned));
  return { ...unsigned, signature: { algorithm: signed.algorithm, keyId: signed.keyId, value: signed.signature } };
}
