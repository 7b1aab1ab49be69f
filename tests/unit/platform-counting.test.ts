import { describe, expect, it } from 'vitest';
import { countCodePoints, countGraphemes, countMastodon, countX } from '@/lib/platforms/counting';

describe('X weighted length', () => {
  it.each([
    ['plain Latin text counts one per character', 'Hello, world.', 13],
    ['a URL counts 23 whatever its length', 'Read https://example.com/a/very/long/path/indeed?x=1 now', 5 + 23 + 4],
    ['two URLs', 'http://a.co www.example.org', 23 + 1 + 23],
    ['CJK counts two per character', '日本語', 6],
    ['an emoji counts two', '👍', 2],
    ['a ZWJ family emoji counts two', '👨‍👩‍👧‍👦', 2],
    ['a flag counts two', '🇫🇷', 2],
    ['Arabic is in the light range (one per character)', 'سلام', 4],
    ['curly quotes and dashes are light', '“a—b”', 5],
  ])('%s', (_name, text, expected) => {
    expect(countX(text)).toBe(expected);
  });

  it('a 280-character Latin post fits exactly and one more does not', () => {
    expect(countX('a'.repeat(280))).toBe(280);
    expect(countX('a'.repeat(281))).toBe(281);
  });
});

describe('other platforms', () => {
  it('Bluesky counts graphemes', () => {
    expect(countGraphemes('👨‍👩‍👧‍👦 é')).toBe(3);
    expect(countGraphemes('e\u0301')).toBe(1);
  });
  it('Mastodon counts code points and URLs as 23', () => {
    expect(countMastodon('Hi https://example.com/long/path 😀')).toBe(3 + 23 + 2);
  });
  it('code points count astral characters once', () => {
    expect(countCodePoints('😀a')).toBe(2);
  });
});
