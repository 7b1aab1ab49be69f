import { describe, expect, it } from 'vitest';
import { cachedRead } from '../../lib/cached-read';

describe('cachedRead', () => {
  it('reads once, shares the value, and reads again after forget()', async () => {
    let reads = 0;
    const value = cachedRead(async () => ++reads);
    expect(await Promise.all([value.get(), value.get()])).toEqual([1, 1]);
    expect(await value.get()).toBe(1);
    value.forget();
    expect(await value.get()).toBe(2);
  });

  it('does not keep a failed read', async () => {
    let reads = 0;
    const value = cachedRead(async () => {
      reads++;
      if (reads === 1) throw new Error('storage unavailable');
      return 'settings';
    });
    await expect(value.get()).rejects.toThrow('storage unavailable');
    expect(await value.get()).toBe('settings');
  });

  it('a forget() during a read makes the next get() read afresh', async () => {
    let release!: () => void;
    let reads = 0;
    const value = cachedRead(async () => {
      const read = ++reads;
      if (read === 1) await new Promise<void>((resolve) => (release = resolve));
      return read;
    });
    const first = value.get();
    value.forget(); // the value changed while it was being read
    expect(await value.get()).toBe(2);
    release();
    expect(await first).toBe(1);
    expect(await value.get()).toBe(2);
  });
});
