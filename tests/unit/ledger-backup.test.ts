import { afterEach, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { openLedger, type Ledger } from '../../lib/ledger';
import { archiveFile, backupToJson, exportBackup, inspectBackup, listArchives, restoreBackup, RestoreError } from '../../lib/ledger/backup';
import { makeAcceptance } from '../../lib/ledger/testing';

const open: Ledger[] = [];
function fresh(name = 'b') {
  const l = openLedger({ name, indexedDB: new IDBFactory(), IDBKeyRange });
  open.push(l);
  return l;
}
afterEach(() => {
  while (open.length) open.pop()!.close();
});

async function filled(n: number, name = 'src') {
  const l = fresh(name);
  for (let i = 0; i < n; i++) {
    await l.append(
      makeAcceptance({
        insertedText: `Backup sentence number ${i} is here. And a second one for ${i}.`,
        document: { origin: 'https://cms.example.com', path: `/s/${i % 2}`, fieldId: 'body' },
      }),
    );
  }
  return l;
}

async function snapshot(l: Ledger) {
  return {
    entries: await l.db.entries.orderBy('seq').toArray(),
    index: (await l.db.sentenceIndex.toArray()).map(({ rowId: _r, ...rest }) => rest),
    head: await l.head(),
    documents: await l.db.documents.toArray(),
  };
}

describe('backup and restore', () => {
  it('round-trips a whole ledger into an empty one, which then verifies and keeps appending', async () => {
    const src = await filled(5);
    const file = backupToJson(await exportBackup(src, { extensionVersion: '0.1.0' }));
    const dst = fresh('dst');
    const result = await restoreBackup(dst, file);
    expect(result).toEqual({ imported: 5, total: 5, mode: 'into-empty', archived: null });
    const [a, b] = [await snapshot(src), await snapshot(dst)];
    expect(b.entries).toEqual(a.entries);
    expect(b.head).toEqual(a.head);
    expect(b.index).toEqual(a.index);
    expect(b.documents).toEqual(a.documents);
    // Verified with the backup's (imported, trusted) public key; new entries are signed by this browser's key.
    expect(await dst.verify()).toMatchObject({ ok: true, entries: 5 });
    await dst.append(makeAcceptance({ insertedText: 'After the restore.' }));
    expect(await dst.verify()).toMatchObject({ ok: true, entries: 6 });
    expect((await dst.head())!.keyId).not.toBe(a.head!.keyId);
    // Attribution works on the restored index.
    expect((await dst.attribute('Backup sentence number 3 is here.')).sentences[0]!.kind).toBe('ai-verbatim');
  });

  it('appends only the missing tail when the backup continues this ledger; up to date otherwise', async () => {
    const src = await filled(3);
    const early = backupToJson(await exportBackup(src, { extensionVersion: '0.1.0' }));
    const dst = fresh('dst');
    await restoreBackup(dst, early);
    await src.append(makeAcceptance({ insertedText: 'Fourth entry arrives later.' }));
    const later = backupToJson(await exportBackup(src, { extensionVersion: '0.1.0' }));
    expect(await restoreBackup(dst, later)).toEqual({ imported: 1, total: 4, mode: 'append', archived: null });
    expect(await restoreBackup(dst, later)).toMatchObject({ imported: 0, mode: 'up-to-date' });
    expect(await restoreBackup(dst, early)).toMatchObject({ imported: 0, mode: 'up-to-date' });
    expect(await dst.verify()).toMatchObject({ ok: true, entries: 4 });
  });

  it('refuses a different ledger unless asked to replace; replacing archives this ledger whole, still verifiable', async () => {
    const src = await filled(2);
    const file = backupToJson(await exportBackup(src, { extensionVersion: '0.1.0' }));
    const dst = await filled(3, 'dst');
    const replaced = await snapshot(dst);
    await expect(restoreBackup(dst, file)).rejects.toThrow(
      /^Backup refused: it is a different ledger from this browser's \(its last entry 2 is not this ledger's entry 2\); restore with "replace"/,
    );
    // Before confirming, the writer is shown that the backup is signed by another key.
    const inspection = await inspectBackup(dst, file);
    expect(inspection).toMatchObject({ entries: 2, relation: 'different', knownKey: false, localEntries: 3, headKeyId: (await src.head())!.keyId });
    expect(inspection.headKeyId).not.toBe(inspection.ownKeyId);
    expect(inspection.firstAcceptedAt).toBeLessThanOrEqual(inspection.lastAcceptedAt!);

    const result = await restoreBackup(dst, file, { replace: true, extensionVersion: '0.1.0' });
    expect(result).toMatchObject({ imported: 2, total: 2, mode: 'replace', archived: { entries: 3 } });
    expect((await snapshot(dst)).entries).toEqual((await snapshot(src)).entries);
    expect(await dst.verify()).toMatchObject({ ok: true, entries: 2 });
    // The replaced ledger is archived, not destroyed: it verifies and restores as it was.
    const [archive] = await listArchives(dst);
    expect(archive).toMatchObject({ id: result.archived!.id, entries: 3, keyId: (await dst.publicKey()).keyId });
    const archived = (await archiveFile(dst, archive!.id))!;
    const back = fresh('back');
    expect(await restoreBackup(back, archived)).toMatchObject({ mode: 'into-empty', imported: 3 });
    expect((await snapshot(back)).entries).toEqual(replaced.entries);
    expect(await back.verify()).toMatchObject({ ok: true, entries: 3 });
  });

  it('refuses a tampered file with the entry that breaks, and imports nothing', async () => {
    const src = await filled(4);
    const backup = await exportBackup(src, { extensionVersion: '0.1.0' });
    const dst = await filled(1, 'dst');
    const before = await snapshot(dst);
    const cases: [(b: typeof backup) => void, string][] = [
      [(b) => (b.entries[2]!.sentences[0]!.text = 'Edited.'), 'Backup refused: entry 3 does not verify (entry content does not match its hash). Nothing was imported.'],
      [(b) => b.entries.splice(1, 1), 'Backup refused: entry 2 does not verify (expected entry 2, found 3). Nothing was imported.'],
      [(b) => b.entries.pop(), 'Backup refused: entry 4 does not verify (signed head is at 4: entries missing from the end). Nothing was imported.'],
      [(b) => (b.head!.signature = b.head!.signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))), 'Backup refused: entry 4 does not verify (signed head signature is invalid). Nothing was imported.'],
      [(b) => (b.keys = []), 'Backup refused: entry 4 does not verify (signed head signature is invalid). Nothing was imported.'],
    ];
    for (const [tamper, message] of cases) {
      const copy = structuredClone(backup);
      tamper(copy);
      await expect(restoreBackup(dst, backupToJson(copy), { replace: true })).rejects.toThrow(message);
      expect(await snapshot(dst)).toEqual(before);
    }
    await expect(restoreBackup(dst, '{"format":"other"}')).rejects.toThrow('Backup refused: the file is not a Ledgerline backup (format "other"). Nothing was imported.');
    await expect(restoreBackup(dst, backupToJson(backup).slice(0, 500))).rejects.toThrow(/^Backup refused: the file is not valid JSON/);
    expect(await snapshot(dst)).toEqual(before);
  });

  it('never half-imports: a failure in the middle of the write rolls everything back', async () => {
    const src = await filled(6);
    const file = backupToJson(await exportBackup(src, { extensionVersion: '0.1.0' }));
    const dst = await filled(2, 'dst');
    const before = await snapshot(dst);
    // Fail on the 5th sentence-index row, after entries were written and the old ledger cleared.
    let rows = 0;
    const hook = () => {
      if (++rows === 5) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    dst.db.sentenceIndex.hook('creating', hook);
    const err = await restoreBackup(dst, file, { replace: true }).catch((e: unknown) => e);
    dst.db.sentenceIndex.hook('creating').unsubscribe(hook);
    expect(err).toBeInstanceOf(RestoreError);
    expect((err as Error).message).toBe('Backup not restored: the browser storage is full. Nothing was imported.');
    expect(await snapshot(dst)).toEqual(before);
    expect(await dst.verify()).toMatchObject({ ok: true, entries: 2 });
  });
});
