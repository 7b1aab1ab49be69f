import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { openLedger, type Ledger, type LedgerEntry, type SignedHead } from '../../lib/ledger';
import { sealEntry } from '../../lib/ledger/entry';
import { makeAcceptance } from '../../lib/ledger/testing';

let ledger: Ledger;
let entries: LedgerEntry[];

beforeEach(async () => {
  ledger = openLedger({ name: 'tamper', indexedDB: new IDBFactory(), IDBKeyRange });
  for (let i = 0; i < 4; i++) {
    await ledger.append(
      makeAcceptance({
        insertedText: `Entry ${i} says something. It has two sentences.`,
        originalText: i % 2 ? `original ${i}` : null,
        action: i % 2 ? 'rephrase' : 'continue',
      }),
    );
  }
  entries = await ledger.db.entries.orderBy('seq').toArray();
  expect(await ledger.verify()).toMatchObject({ ok: true, entries: 4 });
});
afterEach(() => ledger.close());

/** Every leaf path of an object, e.g. ['model','id'], ['sentences',0,'start']. */
function leafPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value !== null && typeof value === 'object') {
    const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
    return keys.flatMap((k) => leafPaths((value as Record<string | number, unknown>)[k], [...prefix, k]));
  }
  return [prefix];
}

function mutate(leaf: unknown): unknown {
  if (typeof leaf === 'string') return leaf.length ? `${leaf}x` : 'x';
  if (typeof leaf === 'number') return leaf + 1;
  if (typeof leaf === 'boolean') return !leaf;
  return 'was-null';
}

function setPath(obj: unknown, path: (string | number)[], value: unknown) {
  let cur = obj as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  cur[path[path.length - 1]!] = value;
}

function getPath(obj: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((cur, k) => (cur as Record<string | number, unknown>)[k], obj);
}

describe('tamper detection', () => {
  it('detects a change to every field of an entry and names that entry', async () => {
    const target = entries[1]!; // seq 2 (a rewrite, so originalText is a string)
    const paths = leafPaths(target).filter((p) => p[0] !== 'seq'); // seq is the primary key: see reorder/insert
    expect(paths.length).toBeGreaterThan(20);
    for (const path of paths) {
      const forged = structuredClone(target);
      setPath(forged, path, mutate(getPath(target, path)));
      await ledger.db.entries.put(forged);
      const result = await ledger.verify();
      expect(result, `field ${path.join('.')}`).toMatchObject({ ok: false, brokenAt: 2 });
      await ledger.db.entries.put(target);
    }
    expect(await ledger.verify()).toMatchObject({ ok: true });
  });

  it('detects an added field', async () => {
    await ledger.db.entries.put({ ...entries[2]!, extra: 'smuggled' } as LedgerEntry);
    expect(await ledger.verify()).toMatchObject({ ok: false, brokenAt: 3, reason: expect.stringContaining('hash') });
  });

  it('detects a deleted entry in the middle', async () => {
    await ledger.db.entries.delete(2);
    expect(await ledger.verify()).toMatchObject({ ok: false, brokenAt: 2, reason: expect.stringContaining('expected entry 2') });
  });

  it('detects the last entry being deleted (the signed head points past the end)', async () => {
    await ledger.db.entries.delete(4);
    expect(await ledger.verify()).toMatchObject({ ok: false, brokenAt: 4, reason: expect.stringContaining('missing') });
  });

  it('detects all entries being deleted', async () => {
    await ledger.db.entries.clear();
    expect(await ledger.verify()).toMatchObject({ ok: false, brokenAt: 1 });
  });

  it('detects two entries swapped (reordered)', async () => {
    const [, b, c] = entries;
    await ledger.db.entries.bulkDelete([2, 3]);
    await ledger.db.entries.bulkAdd([{ ...c!, seq: 2 }, { ...b!, seq: 3 }]);
    expect(await ledger.verify()).toMatchObject({ ok: false, brokenAt: 2 });
  });

  it('detects a forged entry inserted in the middle with its own hash recomputed', async () => {
    // Shift 3,4 up to 4,5 and put a well-formed forgery at 3 that links to entry 2.
    const forgedBody = { ...entries[2]!, id: 'forged', pageTitle: 'forged', prevHash: entries[1]!.hash };
    const forged = await sealEntry(forgedBody);
    await ledger.db.entries.bulkDelete([3, 4]);
    await ledger.db.entries.bulkAdd([forged, { ...entries[2]!, seq: 4 }, { ...entries[3]!, seq: 5 }]);
    // The forgery itself links and hashes correctly; the old entry 3 (now 4) no longer matches its hash.
    expect(await ledger.verify()).toMatchObject({ ok: false, brokenAt: 4 });
  });

  it('detects an appended entry that bypassed the ledger (no signed head for it)', async () => {
    const body = { ...entries[3]!, seq: 5, id: 'forged', prevHash: entries[3]!.hash };
    await ledger.db.entries.add(await sealEntry(body));
    expect(await ledger.verify()).toMatchObject({ ok: false, brokenAt: 5, reason: expect.stringContaining('after the signed head') });
  });

  it('detects a rewritten tail with all hashes recomputed (only the head signature catches it)', async () => {
    let prevHash = entries[1]!.hash;
    for (const e of entries.slice(2)) {
      const body = { ...e, pageTitle: 'rewritten', prevHash };
      const sealed = await sealEntry(body);
      await ledger.db.entries.put(sealed);
      prevHash = sealed.hash;
    }
    expect(await ledger.verify()).toMatchObject({ ok: false, brokenAt: 4, reason: expect.stringContaining('head hash') });
  });

  it('detects a tampered head signature or a moved head', async () => {
    const head = (await ledger.db.meta.get('head'))! as { key: 'head' } & SignedHead;
    const sig = head.signature;
    await ledger.db.meta.put({ ...head, signature: (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1) });
    expect(await ledger.verify()).toMatchObject({ ok: false, brokenAt: 4, reason: expect.stringContaining('signature') });
    // Pointing the head at an earlier entry (to hide later ones) also breaks its signature or position.
    await ledger.db.meta.put({ ...head, seq: 3, hash: entries[2]!.hash });
    expect(await ledger.verify()).toMatchObject({ ok: false, brokenAt: 4 });
    await ledger.db.meta.delete('head');
    expect(await ledger.verify()).toMatchObject({ ok: false, brokenAt: 4, reason: expect.stringContaining('no signed head') });
  });

  it('detects a sentence index forged inside a consistently re-hashed entry', async () => {
    // Sentence text changed and the entry hash recomputed: the sentence/hash check names the entry.
    const e = structuredClone(entries[3]!);
    e.sentences[0]!.text = 'Something the AI never said.';
    const forged = await sealEntry(e);
    await ledger.db.entries.put(forged);
    expect(await ledger.verify()).toMatchObject({ ok: false, brokenAt: 4, reason: expect.stringContaining('sentence 0') });
  });
});
