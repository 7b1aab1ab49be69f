import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createKeepAlive } from '../../lib/background/keep-alive';

describe('keep-alive', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('pings while any work is pending, and stops when all of it settled', async () => {
    const ping = vi.fn(async () => undefined);
    const keepAlive = createKeepAlive(ping, 20_000);
    let finishA!: () => void;
    let failB!: (e: Error) => void;
    const a = keepAlive(new Promise<void>((r) => (finishA = r)));
    const b = keepAlive(new Promise<void>((_, r) => (failB = r)));
    await vi.advanceTimersByTimeAsync(61_000);
    expect(ping).toHaveBeenCalledTimes(3);
    finishA();
    await a;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(ping).toHaveBeenCalledTimes(4); // b still pending
    failB(new Error('x'));
    await expect(b).rejects.toThrow('x');
    await vi.advanceTimersByTimeAsync(100_000);
    expect(ping).toHaveBeenCalledTimes(4);
  });
});
