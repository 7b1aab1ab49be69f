import { afterEach, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { openLedger, type Ledger } from '../../lib/ledger';
import { canonicalJson } from '../../lib/ledger/canonical';
import { documentKeyOf, normalizePath } from '../../lib/ledger/document-key';
import { hashEntry } from '../../lib/ledger/entry';
import { verifyHead } from '../../lib/ledger/signing';
import { makeAcceptance } from '../../lib/ledger/testing';
import { GENESIS_HASH } from '../../lib/ledger/types';
import { sha256Hex } from '../../lib/text/hash';
import { normalizeSentence } from '../../lib/text/normalize';

const open: Ledger[] = [];
function fresh(extra: Parameters<typeof openLedger>[0] = {}) {
  const ledger = openLedger({ name: 'test', indexedDB: new IDBFactory(), IDBKeyRange, ...extra });
  open.push(ledger);
  return ledger;
}
afterEach(() => {
  while (open.length) open.pop()!.close();
});

describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code unit and has no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], A: { z: 1, y: 2 } })).toBe('{"A":{"y":2,"z":1},"a":[true,null,"x"],"b":1}');
    // U+20AC (€) sorts before U+1F600 (😀, surrogate D83D) by code units, and "\r" before "1".
    expect(canonicalJson({ '😀': 1, '€': 2, '1': 3, '\r': 4 })).toBe('{"\\r":4,"1":3,"€":2,"😀":1}');
  });
  it('serialises numbers like ECMAScript and rejects what JSON cannot hold', () => {
    expect(canonicalJson([1e21, 0.1, -0, 1.5e-7])).toBe('[1e+21,0.1,0,1.5e-7]');
    expect(() => canonicalJson({ a: undefined })).toThrow();
    expect(() => canonicalJson([NaN])).toThrow();
    expect(() => canonicalJson({ d: new Date(0) })).toThrow();
  });
});

describe('document key', () => {
  it('drops query, hash and trailing slash', () => {
    expect(normalizePath('/a/b/?x=1#y')).toBe('/a/b');
    expect(normalizePath('/')).toBe('/');
    expect(normalizePath('')).toBe('/');
    expect(documentKeyOf({ origin: 'https://Example.com/', path: '/p/', fieldId: 'f' })).toBe('https://example.com/p#f');
  });
});

describe('ledger chain', () => {
  it('appends linked, hashed entries with sentences and a signed head', async () => {
    const ledger = fresh();
    const a = await ledger.append(makeAcceptance());
    const b = await ledger.append(makeAcceptance({ insertedText: 'Second one. And more.', action: 'rephrase', originalText: 'second' }));

    expect(a.seq).toBe(1);
    expect(a.prevHash).toBe(GENESIS_HASH);
    expect(b.seq).toBe(2);
    expect(b.prevHash).toBe(a.hash);
    expect(await hashEntry(a)).toBe(a.hash);
    expect(a.documentKey).toBe('https://cms.example.com/stories/42/edit#body');

    expect(a.sentences.map((s) => s.text)).toEqual(['The council approved the budget on Tuesday.', 'Dr. Lee voted against it.']);
    for (const s of a.sentences) {
      expect(a.insertedText!.slice(s.start, s.end)).toBe(s.text);
      expect(s.normalizedHash).toBe(await sha256Hex(normalizeSentence(s.text!)));
      expect(s.sketch).toMatch(/^[0-9a-f]{512}$/);
    }

    const head = await ledger.head();
    expect(head).toMatchObject({ seq: 2, hash: b.hash });
    const pub = await ledger.publicKey();
    expect(pub.algorithm).toBe('Ed25519');
    expect(await verifyHead(head!, pub.spki)).toBe(true);
    expect(await verifyHead({ ...head!, seq: 3 }, pub.spki)).toBe(false);

    expect(await ledger.verify()).toMatchObject({ ok: true, entries: 2 });
  });

  it('verifies an empty ledger', async () => {
    expect(await fresh().verify()).toEqual({ ok: true, entries: 0, head: null });
  });

  it('keeps the private key non-extractable and reuses it across openings', async () => {
    const indexedDB = new IDBFactory();
    const first = openLedger({ name: 'k', indexedDB, IDBKeyRange });
    open.push(first);
    await first.append(makeAcceptance());
    const row = await first.db.keys.get('signing');
    expect(row!.privateKey.extractable).toBe(false);
    const pub1 = await first.publicKey();
    first.close();

    const second = openLedger({ name: 'k', indexedDB, IDBKeyRange });
    open.push(second);
    expect((await second.publicKey()).keyId).toBe(pub1.keyId);
    await second.append(makeAcceptance());
    expect(await second.verify()).toMatchObject({ ok: true, entries: 2 });
  });

  it('falls back to ECDSA P-256 where Ed25519 is missing', async () => {
    const real = globalThis.crypto.subtle;
    const noEd25519 = new Proxy(real, {
      get(target, prop) {
        if (prop === 'generateKey') {
          return (alg: AlgorithmIdentifier, ...rest: unknown[]) => {
            const name = typeof alg === 'string' ? alg : alg.name;
            if (name === 'Ed25519') return Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError'));
            return (target.generateKey as (...a: unknown[]) => unknown)(alg, ...rest);
          };
        }
        const v = Reflect.get(target, prop) as unknown;
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const ledger = fresh({ subtle: noEd25519 });
    await ledger.append(makeAcceptance());
    const pub = await ledger.publicKey();
    expect(pub.algorithm).toBe('ECDSA-P256');
    expect((await ledger.head())!.algorithm).toBe('ECDSA-P256');
    expect(await ledger.verify()).toMatchObject({ ok: true, entries: 1 });
  });

  it('stats counts entries, sentences and sentences accepted today', async () => {
    const now = new Date(2025, 5, 10, 15, 0, 0).getTime();
    const ledger = fresh({ now: () => now });
    await ledger.append(makeAcceptance({ acceptedAt: now - 3 * 86_400_000 })); // 2 sentences, days ago
    await ledger.append(makeAcceptance({ acceptedAt: now - 60_000, insertedText: 'One. Two. Three.' }));
    expect(await ledger.stats()).toEqual({ entries: 2, sentences: 5, sentencesToday: 3 });
  });

  it('recent returns the newest entries first', async () => {
    const ledger = fresh();
    for (let i = 0; i < 5; i++) await ledger.append(makeAcceptance({ insertedText: `Sentence number ${i}.` }));
    const r = await ledger.recent(3);
    expect(r.map((e) => e.seq)).toEqual([5, 4, 3]);
    expect(await ledger.recent(0)).toEqual([]);
  });

  it('rejects invalid input before writing', async () => {
    const ledger = fresh();
    await expect(ledger.append(makeAcceptance({ action: 'nope' as never }))).rejects.toThrow(TypeError);
    await expect(ledger.append(makeAcceptance({ insertedText: '   ' }))).rejects.toThrow(TypeError);
    expect((await ledger.stats()).entries).toBe(0);
  });

  it('privacy mode stores hashes and sketches but no text', async () => {
    let privacyMode = false;
    const ledger = fresh({ settings: () => ({ privacyMode }) });
    const plain = await ledger.append(makeAcceptance());
    privacyMode = true;
    const input = makeAcceptance({ action: 'rephrase', originalText: 'my own words here' });
    const priv = await ledger.append(input);

    expect(plain.privacy).toBe(false);
    expect(priv.privacy).toBe(true);
    expect(priv.insertedText).toBeNull();
    expect(priv.suggestedText).toBeNull();
    expect(priv.originalText).toBeNull();
    expect(priv.sentences.every((s) => s.text === null)).toBe(true);
    expect(priv.sentences.map((s) => s.normalizedHash)).toEqual(plain.sentences.map((s) => s.normalizedHash));
    expect(priv.sentences.map((s) => s.sketch)).toEqual(plain.sentences.map((s) => s.sketch));
    expect(priv.textHashes.inserted).toBe(await sha256Hex(input.insertedText));
    expect(priv.textHashes.original).toBe(await sha256Hex('my own words here'));
    const stored = JSON.stringify(await ledger.db.entries.get(priv.seq));
    expect(stored).not.toContain('council');
    expect(stored).not.toContain('my own words');
    expect(await ledger.verify()).toMatchObject({ ok: true, entries: 2 });
  });
});
