import { describe, expect, it } from 'vitest';
import { normalizeSentence } from '../../lib/text/normalize';
import { sha256Hex } from '../../lib/text/hash';

describe('normalizeSentence', () => {
  it.each([
    ['  a   b \n c ', 'a b c'],
    ['“Quoted” ‘single’ it’s', '"Quoted" \'single\' it\'s'],
    ['a – b — c ‐ d − e', 'a - b - c - d - e'],
    ['Wait…', 'Wait...'],
    ['e\u0301t\u00e9', '\u00e9t\u00e9'], // NFD -> NFC
    ['non\u00a0breaking\u2003space', 'non breaking space'],
    ['zero\u200bwidth soft\u00adhyphen', 'zerowidth softhyphen'],
    ['family 👨‍👩‍👧 kept', 'family 👨‍👩‍👧 kept'], // ZWJ preserved
    ['Case Kept', 'Case Kept'],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeSentence(input)).toBe(expected);
  });

  it('equivalent typography hashes the same', async () => {
    const a = await sha256Hex(normalizeSentence('He said “hi” — twice.'));
    const b = await sha256Hex(normalizeSentence('He  said "hi" - twice.'));
    expect(a).toBe(b);
  });
});

describe('sha256Hex', () => {
  it('matches known vectors', async () => {
    expect(await sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('sha256HexSync', () => {
  it('equals WebCrypto SHA-256 for empty, ASCII, Unicode and multi-block inputs', async () => {
    const { sha256Hex, sha256HexSync } = await import('../../lib/text/hash');
    const inputs = ['', 'abc', 'The council approved the budget.', 'Ünïcödé “quotes” — 東京 😀', 'x'.repeat(55), 'y'.repeat(56), 'z'.repeat(64), 'w'.repeat(1000)];
    for (let i = 0; i < 50; i++) inputs.push(Array.from({ length: i * 7 }, (_, k) => String.fromCharCode(32 + ((k * 31 + i) % 2000))).join(''));
    for (const s of inputs) expect(sha256HexSync(s)).toBe(await sha256Hex(s));
    expect(sha256HexSync('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('gives the same digest whatever was hashed before (its buffer is reused and grows)', async () => {
    const { sha256Hex, sha256HexSync } = await import('../../lib/text/hash');
    const long = '東京 😀 é'.repeat(3000); // ~36 KB of UTF-8: past the initial buffer
    const bytes = new TextEncoder().encode('bytes in, not a string');
    const sequence = ['short', long, 'short', bytes, '', long.slice(0, 700), 'abc'];
    for (const input of sequence) expect(sha256HexSync(input)).toBe(await sha256Hex(input));
  });
});
