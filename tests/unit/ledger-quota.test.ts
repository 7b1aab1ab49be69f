import { afterEach, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange, IDBObjectStore } from 'fake-indexeddb';
import { openLedger, LedgerWriteError, type Ledger } from '../../lib/ledger';
import { isQuotaError, toLedgerWriteError } from '../../lib/ledger/errors';
import { makeAcceptance } from '../../lib/ledger/testing';

const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

describe('quota error classification', () => {
  it('finds QuotaExceededError directly, as the inner of an AbortError, or as a cause', () => {
    expect(isQuotaError(quota())).toBe(true);
    expect(isQuotaError(new Dexie.AbortError('Transaction aborted', quota()))).toBe(true);
    expect(isQuotaError(new Dexie.QuotaExceededError('full'))).toBe(true);
    expect(isQuotaError(new Error('wrapped', { cause: new Dexie.AbortError('aborted', quota()) }))).toBe(true);
    expect(isQuotaError(new Dexie.AbortError('Transaction aborted'))).toBe(false);
    expect(isQuotaError(new Error('other'))).toBe(false);
  });

  it('maps errors to LedgerWriteError codes', () => {
    expect(toLedgerWriteError(new Dexie.AbortError('aborted', quota())).code).toBe('quota');
    expect(toLedgerWriteError(new Dexie.ConstraintError('dup')).code).toBe('conflict');
    expect(toLedgerWriteError(new Error('boom')).code).toBe('unknown');
  });
});

describe('quota error surfacing', () => {
  const restore: (() => void)[] = [];
  let ledger: Ledger | undefined;
  afterEach(() => {
    while (restore.length) restore.pop()!();
    ledger?.close();
  });

  function patch<T extends object, K extends keyof T>(obj: T, key: K, impl: T[K]) {
    const original = obj[key];
    obj[key] = impl;
    restore.push(() => {
      obj[key] = original;
    });
  }

  async function expectNothingWritten(l: Ledger, entries: number) {
    expect((await l.stats()).entries).toBe(entries);
    expect(await l.verify()).toMatchObject({ ok: true, entries });
  }

  it('a write that throws QuotaExceededError rejects with LedgerWriteError("quota") and writes nothing', async () => {
    ledger = openLedger({ name: 'q1', indexedDB: new IDBFactory(), IDBKeyRange });
    await ledger.append(makeAcceptance());
    const realAdd = IDBObjectStore.prototype.add;
    patch(IDBObjectStore.prototype, 'add', function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
      if (this.name === 'entries') throw quota();
      return realAdd.apply(this, args);
    });
    const err = await ledger.append(makeAcceptance()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LedgerWriteError);
    expect(err).toMatchObject({ code: 'quota' });
    restore.pop()!();
    await expectNothingWritten(ledger, 1);
  });

  it('a transaction aborted with a QuotaExceededError (AbortError.inner) is surfaced as quota', async () => {
    ledger = openLedger({ name: 'q2', indexedDB: new IDBFactory(), IDBKeyRange });
    await ledger.append(makeAcceptance());
    // Browsers can report quota at commit time: every request succeeded, then the transaction
    // aborts with error QuotaExceededError, which Dexie wraps as AbortError { inner }.
    const realPut = IDBObjectStore.prototype.put;
    patch(IDBObjectStore.prototype, 'put', function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      const req = realPut.apply(this, args);
      if (this.name === 'meta') {
        const tx = this.transaction as IDBTransaction & { _abort?: (name: string | null) => void };
        // fake-indexeddb's internal _abort(errName) sets tx.error to a DOMException of that name.
        if (typeof tx._abort !== 'function') throw new Error('fake-indexeddb internals changed: update this simulation');
        req.addEventListener('success', () => tx._abort!('QuotaExceededError'));
      }
      return req;
    });
    const err = await ledger.append(makeAcceptance()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LedgerWriteError);
    expect(err).toMatchObject({ code: 'quota' });
    expect((err as LedgerWriteError).cause).toMatchObject({ name: 'AbortError', inner: { name: 'QuotaExceededError' } });
    restore.pop()!();
    await expectNothingWritten(ledger, 1);
    // And the ledger recovers once space is back.
    await ledger.append(makeAcceptance());
    await expectNothingWritten(ledger, 2);
  });
});

