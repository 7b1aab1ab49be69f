import { describe, expect, it } from 'vitest';
import { type Ledger, type SignedCheckpoint } from '../../lib/ledger';
import { backupToJson, exportBackup, restoreBackup } from '../../lib/ledger/backup';
import { buildDocumentReport } from '../../lib/ledger/report';
import { verifyReport } from '../../lib/ledger/report-verify';
import { makeAcceptance } from '../../lib/ledger/testing';
import { clockedLedgers } from '../support/clocked-ledgers';

const DAY = 86_400_000;
const T0 = 1_750_000_000_000;
const { clock, fresh } = clockedLedgers(T0);

/** Entries accepted on day 0..n-1, alternating between two documents. */
async function daily(l: Ledger, n: number) {
  for (let d = 0; d < n; d++) {
    await l.append(
      makeAcceptance({
        acceptedAt: T0 + d * DAY,
        suggestedAt: T0 + d * DAY - 1000,
        insertedText: `Day ${d} brought news about the harbour. The ferry ran late on day ${d}.`,
        document: { origin: 'https://cms.example.com', path: `/doc/${d % 2}`, fieldId: 'body' },
      }),
    );
  }
}

describe('retention with a signed checkpoint', () => {
  it('prunes entries older than N days and the rest still verifies', async () => {
    const l = fresh();
    await daily(l, 10);
    clock.now = T0 + 10 * DAY;
    const result = await l.prune(4); // keep days 6..9
    expect(result.pruned).toBe(6);
    expect(result.checkpoint).toMatchObject({ seq: 6, pruned: 6, retentionDays: 4, algorithm: 'Ed25519' });
    expect((await l.db.entries.toCollection().primaryKeys()).sort((a, b) => a - b)).toEqual([7, 8, 9, 10]);
    expect(await l.db.sentenceIndex.where('seq').belowOrEqual(6).count()).toBe(0);
    expect(await l.verify()).toMatchObject({ ok: true, entries: 4 });
    // Document rows follow.
    const docs = await l.documents();
    expect(docs.map((d) => [d.key, d.entries])).toEqual([
      ['https://cms.example.com/doc/1#body', 2],
      ['https://cms.example.com/doc/0#body', 2],
    ]);
    // Appending continues the chain after the checkpoint; pruning again extends it.
    await l.append(makeAcceptance({ acceptedAt: clock.now, insertedText: 'A new day.' }));
    clock.now += 2 * DAY;
    expect((await l.prune(4)).checkpoint).toMatchObject({ seq: 8, pruned: 8 });
    expect(await l.verify()).toMatchObject({ ok: true, entries: 3 });
  });

  it('pruning everything leaves an empty chain that verifies against the checkpoint', async () => {
    const l = fresh();
    await daily(l, 3);
    clock.now = T0 + 100 * DAY;
    expect((await l.prune(30)).pruned).toBe(3);
    expect(await l.verify()).toMatchObject({ ok: true, entries: 0 });
    expect(await l.prune(30)).toEqual({ pruned: 0, checkpoint: null });
    await l.append(makeAcceptance({ acceptedAt: clock.now, insertedText: 'Fresh start after pruning.' }));
    expect((await l.recent(1))[0]!.seq).toBe(4);
    expect(await l.verify()).toMatchObject({ ok: true, entries: 1 });
  });

  it('detects a forged checkpoint or entries deleted before it', async () => {
    const l = fresh();
    await daily(l, 6);
    clock.now = T0 + 6 * DAY;
    await l.prune(3);
    const cp = (await l.checkpoint())!;
    await l.db.meta.put({ key: 'checkpoint', ...cp, seq: cp.seq + 1 } as { key: 'checkpoint' } & SignedCheckpoint);
    expect(await l.verify()).toMatchObject({ ok: false, brokenAt: cp.seq + 1, reason: 'retention checkpoint signature is invalid' });
    await l.db.meta.put({ key: 'checkpoint', ...cp });
    await l.db.entries.delete(cp.seq + 1); // hiding an entry by pretending it was pruned
    expect(await l.verify()).toMatchObject({ ok: false, brokenAt: cp.seq + 1 });
  });

  it('refuses to prune (and deletes nothing) when the chain does not verify', async () => {
    const l = fresh();
    await daily(l, 5);
    const e = (await l.db.entries.get(2))!;
    await l.db.entries.put({ ...e, pageTitle: 'tampered' });
    clock.now = T0 + 10 * DAY;
    await expect(l.prune(1)).rejects.toThrow('Retention paused: the ledger does not verify (entry 2: entry content does not match its hash). Nothing was deleted.');
    expect(await l.db.entries.count()).toBe(5);
  });

  it('keeps the only contiguous old run: an old entry after a newer one waits', async () => {
    const l = fresh();
    await l.append(makeAcceptance({ acceptedAt: T0 }));
    await l.append(makeAcceptance({ acceptedAt: T0 + 20 * DAY }));
    await l.append(makeAcceptance({ acceptedAt: T0 + DAY })); // clock skew
    clock.now = T0 + 15 * DAY;
    expect((await l.prune(7)).pruned).toBe(1);
    expect(await l.verify()).toMatchObject({ ok: true, entries: 2 });
  });

  it('reports and backups made after pruning carry the checkpoint and verify', async () => {
    const l = fresh();
    await daily(l, 6);
    clock.now = T0 + 6 * DAY;
    await l.prune(3);
    const report = await buildDocumentReport(l, 'https://cms.example.com/doc/1#body', { extensionVersion: '0.1.0' });
    expect(report.chain.anchor).toEqual({ seq: 4, prevHash: report.chain.checkpoint!.hash });
    const v = await verifyReport(JSON.parse(JSON.stringify(report)));
    expect(v).toMatchObject({ ok: true, facts: { pruned: 3, entries: 3 } });
    const dst = fresh('dst');
    await restoreBackup(dst, backupToJson(await exportBackup(l, { extensionVersion: '0.1.0' })));
    expect(await dst.checkpoint()).toEqual(await l.checkpoint());
    expect(await dst.verify()).toMatchObject({ ok: true, entries: 3 });
  });
});
