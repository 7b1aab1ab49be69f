import { afterEach, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { openLedger, type Ledger } from '../../lib/ledger';
import { MIGRATIONS } from '../../lib/ledger/migrations';
import { makeAcceptance } from '../../lib/ledger/testing';

const open: Ledger[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

/** Real data the way each schema version wrote it: entries (both documents, privacy on and off), index, head, key. */
async function populate(idb: IDBFactory, version: number) {
  let privacy = false;
  const old = openLedger({
    name: 'migrate',
    indexedDB: idb,
    IDBKeyRange,
    migrations: MIGRATIONS.slice(0, version),
    // Entry format by schema era: v1 databases only ever held format-1 entries.
    entryFormat: version === 1 ? 1 : 2,
    settings: () => ({ privacyMode: privacy }),
  });
  for (let i = 0; i < 6; i++) {
    privacy = i === 4;
    await old.append(
      makeAcceptance({
        insertedText: `Migration sentence ${i} about the council budget vote. It has a second part ${i}.`,
        action: i % 3 === 2 ? 'rephrase' : 'continue',
        originalText: i % 3 === 2 ? `writer text ${i}` : null,
        document: { origin: 'https://cms.example.com', path: `/m/${i % 2}`, fieldId: 'body' },
        acceptedAt: 1_750_000_000_000 + i * 1000,
      }),
    );
  }
  const snapshot = {
    verno: old.db.verno,
    entries: await old.db.entries.orderBy('seq').toArray(),
    index: (await old.db.sentenceIndex.toArray()).map(({ rowId: _r, ...rest }) => rest),
    head: await old.head(),
    key: await old.publicKey(),
  };
  old.close();
  return snapshot;
}

describe('schema migrations', () => {
  const current = MIGRATIONS[MIGRATIONS.length - 1]!.version;

  for (const from of MIGRATIONS.slice(0, -1).map((m) => m.version)) {
    it(`upgrades a database created at v${from} with real data to v${current}, losing nothing`, async () => {
      const idb = new IDBFactory();
      const before = await populate(idb, from);
      expect(before.verno).toBe(from);

      const ledger = openLedger({ name: 'migrate', indexedDB: idb, IDBKeyRange });
      open.push(ledger);
      expect(await ledger.verify()).toMatchObject({ ok: true, entries: 6 });
      expect(ledger.db.verno).toBe(current);
      expect(await ledger.db.entries.orderBy('seq').toArray()).toEqual(before.entries);
      expect((await ledger.db.sentenceIndex.toArray()).map(({ rowId: _r, ...rest }) => rest)).toEqual(before.index);
      expect(await ledger.head()).toEqual(before.head);
      expect(await ledger.publicKey()).toEqual(before.key); // same non-extractable key, still usable
      // v2 built the documents table from the entries.
      const docs = await ledger.documents();
      expect(docs.map((d) => [d.key, d.entries, d.sentences])).toEqual([
        ['https://cms.example.com/m/1#body', 3, 6],
        ['https://cms.example.com/m/0#body', 3, 6],
      ]);
      // Attribution still finds old sentences (text and privacy-mode ones).
      const r = await ledger.attribute('Migration sentence 1 about the council budget vote. Migration sentence 4 about the council budget vote.');
      expect(r.sentences.map((s) => s.kind)).toEqual(['ai-verbatim', 'ai-verbatim']);
      // New entries chain onto the old ones in the current format.
      const next = await ledger.append(makeAcceptance({ insertedText: 'After the upgrade.' }));
      expect(next).toMatchObject({ seq: 7, v: 2, prevHash: before.entries[5]!.hash });
      expect(await ledger.verify()).toMatchObject({ ok: true, entries: 7 });
    });
  }

  it('every migration lists every table (so a step never drops one by omission)', () => {
    for (let i = 1; i < MIGRATIONS.length; i++) {
      for (const table of Object.keys(MIGRATIONS[i - 1]!.stores)) expect(MIGRATIONS[i]!.stores).toHaveProperty(table);
    }
  });
});
