/** `refused`: the request itself cannot be honoured (e.g. withdrawing an entry that is gone). */
export type LedgerWriteErrorCode = 'quota' | 'conflict' | 'refused' | 'unknown';

/** An entry could not be written. Never swallowed: the caller must tell the writer. */
export class LedgerWriteError extends Error {
  override readonly name = 'LedgerWriteError';
  readonly code: LedgerWriteErrorCode;
  constructor(code: LedgerWriteErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Internal: the chain head moved between preparing and writing an entry. */
export class HeadMovedError extends Error {
  override readonly name = 'HeadMovedError';
}

/** Walk an error and its `inner` (Dexie) / `cause` / `failures` (bulk) links, depth-limited. */
function* errorChain(err: unknown, depth = 0): Generator<unknown> {
  if (err == null || depth > 8) return;
  yield err;
  if (typeof err !== 'object') return;
  const e = err as { inner?: unknown; cause?: unknown; failures?: unknown };
  if (e.inner) yield* errorChain(e.inner, depth + 1);
  if (e.cause) yield* errorChain(e.cause, depth + 1);
  if (Array.isArray(e.failures)) for (const f of e.failures) yield* errorChain(f, depth + 1);
}

function nameOf(e: unknown): string | undefined {
  if (e && typeof e === 'object' && 'name' in e && typeof (e as { name: unknown }).name === 'string') {
    return (e as { name: string }).name;
  }
  return undefined;
}

/** Is this (possibly wrapped, e.g. AbortError.inner) a storage quota error? */
export function isQuotaError(err: unknown): boolean {
  for (const e of errorChain(err)) {
    const name = nameOf(e);
    if (name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED') return true;
    // Legacy DOMException code 22.
    if (e && typeof e === 'object' && (e as { code?: unknown }).code === 22 && name !== undefined) return true;
  }
  return false;
}

/** Did the write lose a race (head moved, or the seq key was taken)? */
export function isConflictError(err: unknown): boolean {
  for (const e of errorChain(err)) {
    if (e instanceof HeadMovedError) return true;
    if (nameOf(e) === 'ConstraintError') return true;
  }
  return false;
}

export function toLedgerWriteError(err: unknown): LedgerWriteError {
  if (err instanceof LedgerWriteError) return err;
  if (isQuotaError(err)) {
    return new LedgerWriteError('quota', 'Storage is full: the disclosure ledger could not record this acceptance.', { cause: err });
  }
  if (isConflictError(err)) return new LedgerWriteError('conflict', 'The ledger head kept moving; entry not written.', { cause: err });
  const msg = err instanceof Error ? err.message : String(err);
  return new LedgerWriteError('unknown', `Ledger write failed: ${msg}`, { cause: err });
}
