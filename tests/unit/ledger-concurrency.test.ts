import { afterEach, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { openLedger, type Ledger } from '../../lib/ledger';
import { makeAcceptance } from '../../lib/ledger/testing';

const open: Ledger[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

async function expectIntactChain(ledger: Ledger, n: number) {
  const all = await ledger.db.entries.orderBy('seq').toArray();
  expect(all.map((e) => e.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  for (let i = 1; i < all.length; i++) expect(all[i]!.prevHash).toBe(all[i - 1]!.hash);
  expect(new Set(all.map((e) => e.id)).size).toBe(n);
  expect(await ledger.verify()).toMatchObject({ ok: true, entries: n });
  expect((await ledger.head())!.seq).toBe(n);
}

describe('concurrent appends', () => {
  it('two appends in parallel on one ledger both land, chain intact', async () => {
    const ledger = openLedger({ name: 'c1', indexedDB: new IDBFactory(), IDBKeyRange });
    open.push(ledger);
    const [a, b] = await Promise.all([
      ledger.append(makeAcceptance({ insertedText: 'First parallel sentence.' })),
      ledger.append(makeAcceptance({ insertedText: 'Second parallel sentence.' })),
    ]);
    expect(new Set([a.seq, b.seq])).toEqual(new Set([1, 2]));
    await expectIntactChain(ledger, 2);
  });

  it('two connections (e.g. two extension contexts) racing many appends all land', async () => {
    const indexedDB = new IDBFactory();
    const x = openLedger({ name: 'c2', indexedDB, IDBKeyRange });
    const y = openLedger({ name: 'c2', indexedDB, IDBKeyRange });
    open.push(x, y);
    const jobs = Array.from({ length: 12 }, (_, i) =>
      (i % 2 ? x : y).append(makeAcceptance({ insertedText: `Racing sentence number ${i}.` })),
    );
    const results = await Promise.all(jobs);
    expect(new Set(results.map((r) => r.seq)).size).toBe(12);
    await expectIntactChain(x, 12);
    // Both connections share one signing key (created once even under the race).
    expect((await x.publicKey()).keyId).toBe((await y.publicKey()).keyId);
    expect(await x.db.keys.count()).toBe(1);
  });

  it('gives up with a conflict error when the head keeps moving', async () => {
    const ledger = openLedger({ name: 'c3', indexedDB: new IDBFactory(), IDBKeyRange, maxRetries: 0 });
    open.push(ledger);
    const settled = await Promise.allSettled(
      Array.from({ length: 4 }, (_, i) => ledger.append(makeAcceptance({ insertedText: `Sentence ${i}.` }))),
    );
    const failures = settled.filter((s) => s.status === 'rejected');
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) expect((f as PromiseRejectedResult).reason).toMatchObject({ name: 'LedgerWriteError', code: 'conflict' });
    const landed = settled.length - failures.length;
    await expectIntactChain(ledger, landed);
  });
});
