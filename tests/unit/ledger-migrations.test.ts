import { afterEach, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { openLedger, type Ledger } from '../../lib/ledger';
import { MIGRATIONS } from '../../lib/ledger/migrations';
import { makeAcceptance } from '../../lib/ledger/testing';
import { reviewHashOf } from '../../lib/ledger/review';
import { buildDocumentReport } from '../../lib/ledger/report';
import { verifyReport } from '../../lib/ledger/report-verify';

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

  for (const from of MIGRATIONS.slice(0, -1).map((m) => m.version)) {
    it(`a v${from} record takes pastes, typing and a review after the upgrade; its report verifies`, async () => {
      const idb = new IDBFactory();
      await populate(idb, from);
      const ledger = openLedger({ name: 'migrate', indexedDB: idb, IDBKeyRange });
      open.push(ledger);
      const document = { origin: 'https://cms.example.com', path: '/m/1', fieldId: 'body' };
      const key = 'https://cms.example.com/m/1#body';
      const ai = 'Migration sentence 1 about the council budget vote.';
      const pasted = 'The statement was released by the council press office.';
      const typed = 'I asked the treasurer about the missing figures.';
      const text = `${ai} ${pasted} ${typed}`;
      await ledger.paste({ document, pageTitle: 'Budget story', pastedText: pasted, pastedAt: 1_750_000_100_000, extensionVersion: '0.1.0' });
      await ledger.typed({
        document,
        pageTitle: 'Budget story',
        text,
        typedRanges: [[text.indexOf(typed), text.length]],
        observedAt: 1_750_000_110_000,
        extensionVersion: '0.1.0',
      });
      await ledger.review(
        key,
        { reviewer: { name: 'Ana Ruiz', role: 'editor' }, textHash: 'f'.repeat(64), sentences: [{ hash: await reviewHashOf(ai), outcome: 'kept' }], note: '' },
        { extensionVersion: '0.1.0' },
      );
      expect(await ledger.verify()).toMatchObject({ ok: true, entries: 9 });
      expect((await ledger.attribute(text, key)).sentences.map((s) => s.kind)).toEqual(['ai-verbatim', 'pasted', 'typed']);

      // The report mixes entries written by the old schema with the new kinds, and still verifies.
      const report = await buildDocumentReport(ledger, key, { text, extensionVersion: '0.1.0' });
      expect(report.summary.unreviewedAiSentences).toBe(0);
      expect(report.text!.sentences.map((s) => [s.category, s.review?.outcome ?? null])).toEqual([
        ['ai-verbatim', 'kept'],
        ['pasted', null],
        ['typed', null],
      ]);
      expect((await verifyReport(JSON.parse(JSON.stringify(report)))).problems).toEqual([]);
    });
  }

  it('every migration lists every table (so a step never drops one by omission)', () => {
    for (let i = 1; i < MIGRATIONS.length; i++) {
      for (const table of Object.keys(MIGRATIONS[i - 1]!.stores)) expect(MIGRATIONS[i]!.stores).toHaveProperty(table);
    }
  });
});
