import { describe, expect, it } from 'vitest';
import { wordDiff } from '@/lib/word-diff';

const rebuild = (parts: ReturnType<typeof wordDiff>, side: 'before' | 'after') =>
  parts.filter((part) => part.kind === 'same' || part.kind === (side === 'before' ? 'removed' : 'added')).map((part) => part.text).join('');

describe('wordDiff', () => {
  it.each([
    ['The council met on Tuesday.', 'The council met on Wednesday.'],
    ['Residents raised concerns about the routes.', 'Many residents raised serious concerns.'],
    ['', 'New text.'],
    ['Old text.', ''],
    ['شكرا لك جدا', 'شكرا جزيلا لك'],
    ['同じ 文章 です', '同じ 文 です'],
  ])('restores both texts from %j → %j', (before, after) => {
    const parts = wordDiff(before, after);
    expect(rebuild(parts, 'before')).toBe(before);
    expect(rebuild(parts, 'after')).toBe(after);
  });

  it('marks only the changed word', () => {
    expect(wordDiff('The council met on Tuesday.', 'The council met on Wednesday.')).toEqual([
      { kind: 'same', text: 'The council met on ' },
      { kind: 'removed', text: 'Tuesday.' },
      { kind: 'added', text: 'Wednesday.' },
    ]);
  });

  it('gives up gracefully on very long texts', () => {
    const long = 'word '.repeat(1000);
    expect(wordDiff(long, long + 'x')).toEqual([
      { kind: 'removed', text: long },
      { kind: 'added', text: long + 'x' },
    ]);
  });
});
