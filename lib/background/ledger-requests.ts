import { LedgerWriteError, type Ledger, type LedgerEntry } from '../ledger';
import type { Failure, LedgerEntrySummary, LedgerResponses, Request } from '../messaging';
import type { RecentCopies } from './recent-copies';
import { FORBIDDEN, scopeCoversDocument, scopeCoversOrigin, type SenderScope } from './sender-scope';

type LedgerRequest = Extract<Request, { type: `ledger.${string}` }>;

export interface LedgerRequestContext {
  ledger: () => Ledger;
  extensionVersion: string;
  /**
   * The writer's ledger settings (privacy mode, retention in days, 0 = forever). When absent,
   * entries keep their text and nothing is pruned.
   */
  readLedgerSettings?: () => Promise<{ privacyMode: boolean; retentionDays: number }>;
  /** What the writer copied lately, to name a paste's source; without it every paste's source is unknown. */
  recentCopies?: RecentCopies;
}

/** Retention runs at most this often, after an acceptance is recorded. */
const RETENTION_INTERVAL_MS = 60 * 60 * 1000;
let lastRetentionRun = 0;

/** Prune by the retention setting, at most hourly; failures are kept for the audit page's verify. */
export async function applyRetention(ledger: Ledger, retentionDays: number, now = Date.now()): Promise<void> {
  if (!(retentionDays > 0) || now - lastRetentionRun < RETENTION_INTERVAL_MS) return;
  lastRetentionRun = now;
  try {
    await ledger.prune(retentionDays);
  } catch (error) {
    console.warn('Ledger retention skipped:', error);
  }
}

function summarize(entry: LedgerEntry): LedgerEntrySummary {
  return {
    seq: entry.seq,
    action: entry.action,
    modelId: entry.model.id,
    documentKey: entry.documentKey,
    acceptedAt: entry.acceptedAt,
    sentences: entry.sentences.map((sentence) => ({ text: sentence.text, hash: sentence.normalizedHash })),
    withdraws: entry.withdraws ? { seq: entry.withdraws.seq, reason: entry.withdraws.reason } : null,
    moves: entry.moves ? { direction: entry.moves.direction, peer: entry.moves.peer, seqs: entry.moves.entries.map((r) => r.seq) } : null,
  };
}

export function ledgerFailure(error: unknown): Failure {
  if (error instanceof LedgerWriteError && error.code === 'quota') {
    return { ok: false, code: 'quota', error: 'The browser storage is full, so the record could not be written. Free some space and try again.' };
  }
  return {
    ok: false,
    code: error instanceof LedgerWriteError ? error.code : 'unknown',
    error: error instanceof Error ? error.message : String(error),
  };
}

export async function handleLedgerRequest(
  request: LedgerRequest,
  context: LedgerRequestContext,
  scope: SenderScope = { kind: 'extension-page' },
): Promise<LedgerResponses[LedgerRequest['type']]> {
  try {
    switch (request.type) {
      case 'ledger.record': {
        // A content script records acceptances of its own page only.
        if (!scopeCoversOrigin(scope, request.acceptance.document.origin)) return FORBIDDEN;
        const settings = await context.readLedgerSettings?.();
        const ledger = context.ledger();
        const entry = await ledger.append(
          { ...request.acceptance, extensionVersion: context.extensionVersion },
          settings ? { privacyMode: settings.privacyMode } : {},
        );
        if (settings?.retentionDays) void applyRetention(ledger, settings.retentionDays);
        return { ok: true, seq: entry.seq, hash: entry.hash, sentences: entry.sentences.length };
      }
      case 'ledger.paste': {
        // A content script records pastes into its own page only.
        if (!scopeCoversOrigin(scope, request.paste.document.origin)) return FORBIDDEN;
        const settings = await context.readLedgerSettings?.();
        const copied = await context.recentCopies?.sourceOf(request.paste.pastedText);
        // In privacy mode the record names the source's site only, as it keeps no text.
        const source = copied && settings?.privacyMode ? { url: new URL(copied.url).origin, title: '' } : copied;
        const entry = await context.ledger().paste(
          { ...request.paste, ...(source ? { source } : {}), extensionVersion: context.extensionVersion },
          settings ? { privacyMode: settings.privacyMode } : {},
        );
        return { ok: true, seq: entry.seq, sentences: entry.paste?.sentences.length ?? 0 };
      }
      case 'ledger.typed': {
        // A content script records typing into its own page only.
        if (!scopeCoversOrigin(scope, request.typed.document.origin)) return FORBIDDEN;
        const entry = await context.ledger().typed({ ...request.typed, extensionVersion: context.extensionVersion });
        return { ok: true, seq: entry?.seq ?? null, sentences: entry?.typed?.sentences.length ?? 0 };
      }
      case 'ledger.copied': {
        // A content script names copies from its own page only.
        const { copied } = request;
        if (!scopeCoversOrigin(scope, copied.origin)) return FORBIDDEN;
        if (!context.recentCopies) return { ok: true, remembered: false };
        await context.recentCopies.remember(copied.text, { url: `${copied.origin}${copied.path}`, title: copied.pageTitle });
        return { ok: true, remembered: true };
      }
      case 'ledger.withdraw': {
        const ledger = context.ledger();
        const target = await ledger.entry(request.seq);
        // Only the page that accepted it can take it back; a page learns nothing about other
        // entries (a missing one and another page's answer alike).
        if (scope.kind === 'content-script' && (!target || !scopeCoversDocument(scope, target.documentKey))) return FORBIDDEN;
        const entry = await ledger.withdraw({ seq: request.seq, hash: request.hash }, request.reason, context.extensionVersion);
        return { ok: true, seq: entry.seq };
      }
      case 'ledger.summary': {
        const ledger = context.ledger();
        const [stats, recent] = await Promise.all([ledger.stats(), ledger.recent(request.limit)]);
        return { ok: true, summary: { ...stats, recent: recent.map(summarize) } };
      }
    }
  } catch (error) {
    return ledgerFailure(error);
  }
}
