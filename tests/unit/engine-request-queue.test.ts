import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CancelledError,
  GenerationQueue,
  TimeoutError,
  type JobHandle,
  type JobSignal,
} from '../../lib/engine/request-queue';

/** A controllable fake generation: resolves when told to, or when interrupted (like transformers.js). */
function fakeRun<T>(value: T, opts: { honoursInterrupt?: boolean } = {}) {
  const honours = opts.honoursInterrupt ?? true;
  let finish!: (v: T) => void;
  let fail!: (e: unknown) => void;
  const calls: JobSignal[] = [];
  const interrupts = { count: 0 };
  const run = (signal: JobSignal) => {
    calls.push(signal);
    return new Promise<T>((res, rej) => {
      finish = res;
      fail = rej;
      signal.onInterrupt(() => {
        interrupts.count++;
        if (honours) res(value); // generate() returns what it had so far
      });
    });
  };
  return {
    run,
    calls,
    interrupts,
    finish: (v: T) => finish(v),
    fail: (e: unknown) => fail(e),
  };
}

/** Records how a handle settled without leaving rejections unhandled. */
function track<T>(handle: JobHandle<T>) {
  const outcome: { status: 'pending' | 'fulfilled' | 'rejected'; value?: T; error?: unknown } = { status: 'pending' };
  handle.then(
    (value) => Object.assign(outcome, { status: 'fulfilled', value }),
    (error: unknown) => Object.assign(outcome, { status: 'rejected', error }),
  );
  return outcome;
}

const flush = () => vi.advanceTimersByTimeAsync(0);

describe('GenerationQueue', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs one job at a time, in order', async () => {
    const q = new GenerationQueue();
    const a = fakeRun('a');
    const b = fakeRun('b');
    const ha = track(q.submit({ fieldKey: 'f1', tabId: 1, run: a.run, timeoutMs: 10_000, maxTokens: 32 }));
    const hb = track(q.submit({ fieldKey: 'f2', tabId: 1, run: b.run, timeoutMs: 10_000, maxTokens: 32 }));
    await flush();
    expect(a.calls).toHaveLength(1);
    expect(b.calls).toHaveLength(0);
    expect(q.pending).toBe(1);
    a.finish('A');
    await flush();
    expect(ha).toMatchObject({ status: 'fulfilled', value: 'A' });
    expect(b.calls).toHaveLength(1);
    expect(b.calls[0]!.maxTokens).toBe(32);
    b.finish('B');
    await flush();
    expect(hb).toMatchObject({ status: 'fulfilled', value: 'B' });
    await q.idle();
    expect(q.runningId).toBeNull();
  });

  it('a newer request for the same field rejects the queued one as superseded', async () => {
    const q = new GenerationQueue();
    const blocker = fakeRun('x');
    const old = fakeRun('old');
    const fresh = fakeRun('new');
    track(q.submit({ fieldKey: 'other', tabId: 1, run: blocker.run, timeoutMs: 10_000, maxTokens: 8 }));
    const hOld = track(q.submit({ fieldKey: 'f', tabId: 1, run: old.run, timeoutMs: 10_000, maxTokens: 8 }));
    const hNew = track(q.submit({ fieldKey: 'f', tabId: 1, run: fresh.run, timeoutMs: 10_000, maxTokens: 8 }));
    await flush();
    expect(hOld.status).toBe('rejected');
    expect(hOld.error).toBeInstanceOf(CancelledError);
    expect((hOld.error as CancelledError).reason).toBe('superseded');
    blocker.finish('x');
    await flush();
    expect(old.calls).toHaveLength(0);
    expect(fresh.calls).toHaveLength(1);
    fresh.finish('N');
    await flush();
    expect(hNew).toMatchObject({ status: 'fulfilled', value: 'N' });
  });

  it('a newer request for the same field interrupts the running one, and waits for it to stop', async () => {
    const q = new GenerationQueue();
    const old = fakeRun('partial');
    const hook = vi.fn();
    const hOld = track(q.submit({ fieldKey: 'f', tabId: 1, run: old.run, timeoutMs: 10_000, maxTokens: 8, interrupt: hook }));
    await flush();
    const fresh = fakeRun('new');
    const hNew = track(q.submit({ fieldKey: 'f', tabId: 1, run: fresh.run, timeoutMs: 10_000, maxTokens: 8 }));
    await flush();
    expect(hook).toHaveBeenCalledTimes(1);
    expect(old.interrupts.count).toBe(1);
    expect(old.calls[0]!.interrupted).toBe(true);
    expect(old.calls[0]!.reason).toBe('superseded');
    expect(hOld.status).toBe('rejected');
    expect((hOld.error as CancelledError).reason).toBe('superseded');
    expect(fresh.calls).toHaveLength(1);
    fresh.finish('N');
    await flush();
    expect(hNew).toMatchObject({ status: 'fulfilled', value: 'N' });
  });

  it('times out a running job: interrupt, then TimeoutError', async () => {
    const q = new GenerationQueue();
    const slow = fakeRun('late');
    const h = track(q.submit({ fieldKey: 'f', tabId: 1, run: slow.run, timeoutMs: 1000, maxTokens: 8 }));
    await vi.advanceTimersByTimeAsync(999);
    expect(h.status).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(slow.interrupts.count).toBe(1);
    expect(h.status).toBe('rejected');
    expect(h.error).toBeInstanceOf(TimeoutError);
    expect((h.error as TimeoutError).timeoutMs).toBe(1000);
    await q.idle();
  });

  it('does not count queue waiting time against the timeout', async () => {
    const q = new GenerationQueue();
    const first = fakeRun('1');
    const second = fakeRun('2');
    track(q.submit({ fieldKey: 'a', tabId: 1, run: first.run, timeoutMs: 5000, maxTokens: 8 }));
    const h2 = track(q.submit({ fieldKey: 'b', tabId: 1, run: second.run, timeoutMs: 1000, maxTokens: 8 }));
    await vi.advanceTimersByTimeAsync(3000);
    first.finish('1');
    await flush();
    await vi.advanceTimersByTimeAsync(500);
    expect(h2.status).toBe('pending');
    second.finish('2');
    await flush();
    expect(h2).toMatchObject({ status: 'fulfilled', value: '2' });
  });

  it('never hangs: a run that ignores its interrupt is abandoned after the grace period', async () => {
    const abandoned = vi.fn();
    const q = new GenerationQueue({ graceMs: 2000, onAbandoned: abandoned });
    const stuck = fakeRun('never', { honoursInterrupt: false });
    const next = fakeRun('next');
    const hStuck = track(q.submit({ fieldKey: 'f', tabId: 1, run: stuck.run, timeoutMs: 1000, maxTokens: 8 }));
    const hNext = track(q.submit({ fieldKey: 'g', tabId: 1, run: next.run, timeoutMs: 1000, maxTokens: 8 }));
    await vi.advanceTimersByTimeAsync(1000);
    expect(hStuck.error).toBeInstanceOf(TimeoutError);
    expect(next.calls).toHaveLength(0); // the slot is still held while the run may be stopping
    await vi.advanceTimersByTimeAsync(2000);
    expect(abandoned).toHaveBeenCalledWith(expect.objectContaining({ fieldKey: 'f', tabId: 1, reason: 'timeout' }));
    expect(next.calls).toHaveLength(1);
    next.finish('ok');
    await flush();
    expect(hNext).toMatchObject({ status: 'fulfilled', value: 'ok' });
    stuck.finish('too late'); // a late result changes nothing
    await flush();
    expect(hStuck.status).toBe('rejected');
  });

  it('dropTab cancels that tab’s queued and running jobs only', async () => {
    const q = new GenerationQueue();
    const running = fakeRun('r');
    const queued = fakeRun('q');
    const other = fakeRun('o');
    const hRun = track(q.submit({ fieldKey: 'a', tabId: 7, run: running.run, timeoutMs: 10_000, maxTokens: 8 }));
    const hQueued = track(q.submit({ fieldKey: 'b', tabId: 7, run: queued.run, timeoutMs: 10_000, maxTokens: 8 }));
    const hOther = track(q.submit({ fieldKey: 'c', tabId: 8, run: other.run, timeoutMs: 10_000, maxTokens: 8 }));
    await flush();
    expect(q.dropTab(7)).toBe(2);
    await flush();
    expect((hRun.error as CancelledError).reason).toBe('tab-closed');
    expect((hQueued.error as CancelledError).reason).toBe('tab-closed');
    expect(queued.calls).toHaveLength(0);
    expect(other.calls).toHaveLength(1);
    other.finish('O');
    await flush();
    expect(hOther).toMatchObject({ status: 'fulfilled', value: 'O' });
    expect(q.dropTab(99)).toBe(0);
  });

  it('cancel by request id and by handle', async () => {
    const q = new GenerationQueue();
    const a = fakeRun('a');
    const b = fakeRun('b');
    const hA = track(q.submit({ fieldKey: 'a', requestId: 'req-a', run: a.run, timeoutMs: 10_000 }));
    const handleB = q.submit({ fieldKey: 'b', requestId: 'req-b', run: b.run, timeoutMs: 10_000 });
    const hB = track(handleB);
    await flush();
    expect(handleB.state).toBe('queued');
    handleB.cancel();
    expect(q.cancel('req-a')).toBe(1);
    await flush();
    expect((hA.error as CancelledError).reason).toBe('cancelled');
    expect((hB.error as CancelledError).reason).toBe('cancelled');
    expect(handleB.state).toBe('done');
    expect(b.calls).toHaveLength(0);
    expect(q.cancel('unknown')).toBe(0);
  });

  it('passes run errors through, including synchronous throws and non-Error values', async () => {
    const q = new GenerationQueue();
    const h1 = track(
      q.submit({
        fieldKey: 'a',
        tabId: 1,
        timeoutMs: 1000,
        maxTokens: 8,
        run: () => {
          throw new Error('sync boom');
        },
      }),
    );
    const h2 = track(q.submit({ fieldKey: 'b', tabId: 1, timeoutMs: 1000, maxTokens: 8, run: () => Promise.reject('string boom') }));
    const h3 = track(q.submit({ fieldKey: 'c', tabId: 1, timeoutMs: 1000, maxTokens: 8, run: async () => 'fine' }));
    await flush();
    expect((h1.error as Error).message).toBe('sync boom');
    expect((h2.error as Error).message).toBe('string boom');
    expect(h3).toMatchObject({ status: 'fulfilled', value: 'fine' });
  });

  it('an interrupt hook that throws does not break the queue', async () => {
    const q = new GenerationQueue();
    const a = fakeRun('a');
    const hA = track(
      q.submit({
        fieldKey: 'f',
        tabId: 1,
        run: a.run,
        timeoutMs: 10_000,
        maxTokens: 8,
        interrupt: () => {
          throw new Error('hook failed');
        },
      }),
    );
    await flush();
    const b = fakeRun('b');
    const hB = track(q.submit({ fieldKey: 'f', tabId: 1, run: b.run, timeoutMs: 10_000, maxTokens: 8 }));
    await flush();
    expect(hA.status).toBe('rejected');
    b.finish('B');
    await flush();
    expect(hB).toMatchObject({ status: 'fulfilled', value: 'B' });
  });

  it('onInterrupt after the interrupt fires at once', async () => {
    const q = new GenerationQueue();
    let late = 0;
    const h = track(
      q.submit({
        fieldKey: 'f',
        tabId: 1,
        timeoutMs: 100,
        maxTokens: 8,
        run: async (signal) => {
          await new Promise((res) => setTimeout(res, 200));
          signal.onInterrupt(() => late++);
          return 'done';
        },
      }),
    );
    await vi.advanceTimersByTimeAsync(200);
    expect(h.error).toBeInstanceOf(TimeoutError);
    expect(late).toBe(1);
  });

  it('dispose cancels everything and refuses new jobs; every job settles', async () => {
    const q = new GenerationQueue({ graceMs: 100 });
    const outcomes = [fakeRun(1, { honoursInterrupt: false }), fakeRun(2), fakeRun(3)].map((f, i) =>
      track(q.submit({ fieldKey: `f${i}`, tabId: 1, run: f.run, timeoutMs: 1000, maxTokens: 8 })),
    );
    await flush();
    q.dispose();
    const late = track(q.submit({ fieldKey: 'late', tabId: 1, run: fakeRun(4).run, timeoutMs: 1000, maxTokens: 8 }));
    await vi.advanceTimersByTimeAsync(100);
    for (const o of [...outcomes, late]) {
      expect(o.status).toBe('rejected');
      expect((o.error as CancelledError).reason).toBe('disposed');
    }
    await q.idle();
  });

  it.each([
    ['empty field key', { fieldKey: '' }],
    ['zero timeout', { timeoutMs: 0 }],
    ['infinite timeout', { timeoutMs: Number.POSITIVE_INFINITY }],
    ['fractional tab id', { tabId: 1.5 }],
    ['zero max tokens', { maxTokens: 0 }],
  ])('rejects bad arguments: %s', (_name, patch) => {
    const q = new GenerationQueue();
    expect(() => q.submit({ fieldKey: 'f', tabId: 1, run: async () => 1, timeoutMs: 100, maxTokens: 8, ...patch })).toThrow(TypeError);
  });

  it('settles every job of a random burst of submits, cancels and timeouts', async () => {
    const q = new GenerationQueue({ graceMs: 50 });
    const outcomes: ReturnType<typeof track>[] = [];
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 60; i++) {
      const honours = rand() > 0.2;
      const duration = Math.floor(rand() * 300);
      const run = (signal: JobSignal) =>
        new Promise<number>((res) => {
          if (duration > 0) setTimeout(() => res(i), duration);
          else res(i);
          signal.onInterrupt(() => {
            if (honours) res(-i);
          });
        });
      outcomes.push(track(q.submit({ fieldKey: `f${Math.floor(rand() * 5)}`, tabId: Math.floor(rand() * 3), run, timeoutMs: 200, maxTokens: 8 })));
      if (rand() < 0.1) q.dropTab(Math.floor(rand() * 3));
      await vi.advanceTimersByTimeAsync(Math.floor(rand() * 40));
    }
    await vi.advanceTimersByTimeAsync(60 * 500);
    await q.idle();
    expect(outcomes.filter((o) => o.status === 'pending')).toHaveLength(0);
    expect(outcomes.some((o) => o.status === 'fulfilled')).toBe(true);
    expect(outcomes.some((o) => o.error instanceof CancelledError)).toBe(true);
  });
});
