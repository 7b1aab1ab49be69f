import type { EngineService } from '../engine/engine-service';
import { LedgerWriteError, type Ledger, type LedgerEntry } from '../ledger';
import { parseRequest, type LedgerEntrySummary, type Request, type Response } from '../messaging';

export interface RequestHandlerDependencies {
  ledger: () => Ledger;
  engine: EngineService;
  extensionVersion: string;
}

function summarize(entry: LedgerEntry): LedgerEntrySummary {
  return {
    seq: entry.seq,
    action: entry.action,
    modelId: entry.model.id,
    documentKey: entry.documentKey,
    acceptedAt: entry.acceptedAt,
    sentences: entry.sentences.map((sentence) => ({ text: sentence.text, hash: sentence.normalizedHash })),
  };
}

function ledgerFailure(error: unknown): { ok: false; error: string; code: string } {
  if (error instanceof LedgerWriteError && error.code === 'quota') {
    return { ok: false, code: 'quota', error: 'The browser storage is full. Free some space; the text you accepted stays in the field.' };
  }
  return { ok: false, code: error instanceof LedgerWriteError ? error.code : 'unknown', error: error instanceof Error ? error.message : String(error) };
}

/**
 * Answers the one-shot requests. The message is validated here, at the receiver; an invalid one
 * is answered with null rather than acted on.
 */
export function createRequestHandler(deps: RequestHandlerDependencies) {
  return async function handle(raw: unknown): Promise<Response<Request['type']> | null> {
    const request = parseRequest(raw);
    if (!request) return null;
    switch (request.type) {
      case 'ledger.record':
        try {
          const entry = await deps.ledger().append({ ...request.acceptance, extensionVersion: deps.extensionVersion });
          return { ok: true, seq: entry.seq, sentences: entry.sentences.length };
        } catch (error) {
          return ledgerFailure(error);
        }
      case 'ledger.summary':
        try {
          const ledger = deps.ledger();
          const [stats, recent] = await Promise.all([ledger.stats(), ledger.recent(request.limit)]);
          return { ok: true, summary: { ...stats, recent: recent.map(summarize) } };
        } catch (error) {
          return ledgerFailure(error);
        }
      case 'engine.status':
        return deps.engine.status();
    }
  };
}
