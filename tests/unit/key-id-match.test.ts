import { describe, expect, it } from 'vitest';
import { keyIdVerdict } from '../../lib/ledger/key-id-match';

const KEY = '9b0c6aa3f0fef8c13d8c5f78cc4137131b33e07d32e9fed0c2788c9eb2764ee2';

describe('key id match', () => {
  it('matches the whole id or its first 16 digits or more, however it was copied', () => {
    expect(keyIdVerdict(KEY, KEY)).toBe('match');
    expect(keyIdVerdict(KEY, ' 9B0C 6AA3 F0FE F8C1 ')).toBe('match');
    expect(keyIdVerdict(KEY, '9b:0c:6a:a3:f0:fe:f8:c1:3d')).toBe('match');
  });

  it('tells another key, a too short prefix, a non-id and nothing apart', () => {
    expect(keyIdVerdict(KEY, '9b0c6aa3f0fef8c2')).toBe('mismatch');
    expect(keyIdVerdict(KEY, `${KEY}00`)).toBe('mismatch');
    expect(keyIdVerdict(KEY, '9b0c6aa3')).toBe('too-short');
    expect(keyIdVerdict(KEY, 'writer-key-2026!')).toBe('invalid');
    expect(keyIdVerdict(KEY, '  ')).toBe('empty');
  });
});
