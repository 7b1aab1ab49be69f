/**
 * One generation at a time (browser ONNX sessions cannot run concurrently), newest request per
 * field wins, every job bounded by a timeout, and every submitted job settles — even when a
 * backend ignores its interrupt. Independent of transformers.js: the backend registers its
 * `InterruptableStoppingCriteria#interrupt()` through the job signal (or the `interrupt` hook).
 */

export type CancelReason = 'superseded' | 'tab-closed' | 'cancelled' | 'disposed';

export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor(readonly reason: CancelReason) {
    super(`generation cancelled: ${reason}`);
  }
}

export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`generation timed out after ${timeoutMs} ms`);
  }
}

export type InterruptReason = CancelReason | 'timeout';

/** Passed to `run`: poll `interrupted` between steps, or register a hook with `onInterrupt`. */
export interface JobSignal {
  readonly interrupted: boolean;
  readonly reason: InterruptReason | null;
  /** The token budget the request asked for, if it gave one. */
  readonly maxTokens: number | null;
  /** Calls `hook` once when the job is interrupted (at once if it already is). Returns an unsubscribe function. */
  onInterrupt(hook: () => void): () => void;
}

export interface JobRequest<T> {
  /** Identifies the text field (e.g. `${tabId}:${frameId}:${fieldId}`); a newer job for it supersedes this one. */
  fieldKey: string;
  /** The tab the request came from; jobs without one are never matched by dropTab. */
  tabId?: number;
  /** Lets `cancel(requestId)` find the job. */
  requestId?: string;
  run: (signal: JobSignal) => Promise<T>;
  /** Limit on running time (not on time spent waiting in the queue). */
  timeoutMs: number;
  /** Token budget, handed to `run` through the signal. */
  maxTokens?: number;
  /** Optional hook called on interrupt, e.g. `() => stoppingCriteria.interrupt()`. */
  interrupt?: () => void;
}

export type JobState = 'queued' | 'running' | 'done';

/**
 * The job's outcome, awaitable directly. Settles exactly once: the run's value, its error, a
 * CancelledError or a TimeoutError.
 */
export type JobHandle<T> = Promise<T> & {
  readonly id: number;
  /** The same promise, for readability (`handle.result`). */
  readonly result: Promise<T>;
  readonly state: JobState;
  /** Cancels this job (queued: removed; running: interrupted). */
  cancel(reason?: CancelReason): void;
};

export interface QueueOptions {
  /**
   * After an interrupt, how long the queue waits for the run to return before it moves on
   * anyway (the job's promise is already settled by then). Default 5,000 ms.
   */
  graceMs?: number;
  /** Called when a run did not return within the grace period after an interrupt (e.g. to reload the model). */
  onAbandoned?: (info: { id: number; fieldKey: string; tabId: number | null; reason: InterruptReason }) => void;
}

interface Job {
  id: number;
  fieldKey: string;
  tabId: number | null;
  requestId: string | null;
  timeoutMs: number;
  maxTokens: number | null;
  run: (signal: JobSignal) => Promise<unknown>;
  state: JobState;
  settled: boolean;
  interrupted: InterruptReason | null;
  hooks: Set<() => void>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  timer: ReturnType<typeof setTimeout> | null;
  graceTimer: ReturnType<typeof setTimeout> | null;
  /** Resolves when the slot is free: the run returned, or the grace period ran out. */
  release: (() => void) | null;
}

export class GenerationQueue {
  private readonly queue: Job[] = [];
  private current: Job | null = null;
  private nextId = 1;
  private readonly graceMs: number;
  private readonly onAbandoned: QueueOptions['onAbandoned'];
  private idleWaiters: Array<() => void> = [];
  private disposed = false;

  constructor(options: QueueOptions = {}) {
    this.graceMs = options.graceMs ?? 5000;
    this.onAbandoned = options.onAbandoned;
  }

  /** Jobs waiting, not counting the running one. */
  get pending(): number {
    return this.queue.length;
  }

  /** The running job's id, or null. */
  get runningId(): number | null {
    return this.current?.id ?? null;
  }

  submit<T>(request: JobRequest<T>): JobHandle<T> {
    const { fieldKey, timeoutMs, run } = request;
    const tabId = request.tabId ?? null;
    const maxTokens = request.maxTokens ?? null;
    if (typeof fieldKey !== 'string' || fieldKey.length === 0) throw new TypeError('fieldKey must be a non-empty string');
    if (tabId !== null && !Number.isInteger(tabId)) throw new TypeError('tabId must be an integer');
    if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new TypeError('timeoutMs must be a positive finite number');
    }
    if (maxTokens !== null && (!Number.isInteger(maxTokens) || maxTokens < 1)) {
      throw new TypeError('maxTokens must be a positive integer');
    }
    if (typeof run !== 'function') throw new TypeError('run must be a function');

    let resolve!: (value: unknown) => void;
    let reject!: (error: unknown) => void;
    const result = new Promise<T>((res, rej) => {
      resolve = res as (value: unknown) => void;
      reject = rej;
    });
    const job: Job = {
      id: this.nextId++,
      fieldKey,
      tabId,
      requestId: request.requestId ?? null,
      timeoutMs,
      maxTokens,
      run: run as (signal: JobSignal) => Promise<unknown>,
      state: 'queued',
      settled: false,
      interrupted: null,
      hooks: new Set(),
      resolve,
      reject,
      timer: null,
      graceTimer: null,
      release: null,
    };
    if (request.interrupt) job.hooks.add(request.interrupt);

    if (this.disposed) {
      this.settle(job, new CancelledError('disposed'));
      job.state = 'done';
    } else {
      // Newest request for a field wins.
      this.cancelWhere((j) => j.fieldKey === fieldKey, 'superseded');
      this.queue.push(job);
      this.pump();
    }

    const handle = result as JobHandle<T>;
    Object.defineProperties(handle, {
      id: { value: job.id },
      result: { value: result },
      state: { get: () => job.state },
      cancel: { value: (reason: CancelReason = 'cancelled') => this.cancelJob(job, reason) },
    });
    return handle;
  }

  /** Cancels the job(s) submitted with this requestId. Returns how many were cancelled. */
  cancel(requestId: string, reason: CancelReason = 'cancelled'): number {
    return this.cancelWhere((j) => j.requestId === requestId, reason);
  }

  /** Cancels the jobs of a field (queued ones rejected, the running one interrupted). */
  cancelField(fieldKey: string, reason: CancelReason = 'cancelled'): number {
    return this.cancelWhere((j) => j.fieldKey === fieldKey, reason);
  }

  /** Cancels every job of a closed or navigated tab. Returns how many were cancelled. */
  dropTab(tabId: number): number {
    return this.cancelWhere((j) => j.tabId === tabId, 'tab-closed');
  }

  /** Cancels everything and refuses new jobs. */
  dispose(): void {
    this.disposed = true;
    this.cancelWhere(() => true, 'disposed');
  }

  /** Resolves when nothing is queued or running (the slot is free). */
  idle(): Promise<void> {
    if (this.current === null && this.queue.length === 0) return Promise.resolve();
    return new Promise((res) => this.idleWaiters.push(res));
  }

  private cancelWhere(match: (job: Job) => boolean, reason: CancelReason): number {
    let count = 0;
    for (const job of [...this.queue]) {
      if (match(job)) {
        this.cancelJob(job, reason);
        count++;
      }
    }
    if (this.current && !this.current.settled && match(this.current)) {
      this.cancelJob(this.current, reason);
      count++;
    }
    return count;
  }

  private cancelJob(job: Job, reason: CancelReason): void {
    if (job.state === 'queued') {
      const index = this.queue.indexOf(job);
      if (index !== -1) this.queue.splice(index, 1);
      job.state = 'done';
      this.settle(job, new CancelledError(reason));
      this.notifyIdle();
    } else if (job.state === 'running') {
      this.interrupt(job, reason, new CancelledError(reason));
    }
  }

  /** Interrupts a running job: settles its promise now, keeps the slot until the run returns or the grace ends. */
  private interrupt(job: Job, reason: InterruptReason, error: Error): void {
    if (job.interrupted !== null) return;
    job.interrupted = reason;
    this.settle(job, error);
    for (const hook of [...job.hooks]) {
      try {
        hook();
      } catch {
        // A failing hook must not stop the queue.
      }
    }
    job.graceTimer = setTimeout(() => {
      job.graceTimer = null;
      if (job.release) {
        try {
          this.onAbandoned?.({ id: job.id, fieldKey: job.fieldKey, tabId: job.tabId, reason });
        } catch {
          // ignore
        }
        job.release();
      }
    }, this.graceMs);
  }

  private settle(job: Job, outcome: { value: unknown } | Error | unknown): void {
    if (job.settled) return;
    job.settled = true;
    if (job.timer !== null) {
      clearTimeout(job.timer);
      job.timer = null;
    }
    if (outcome instanceof Error) job.reject(outcome);
    else job.resolve((outcome as { value: unknown }).value);
  }

  private pump(): void {
    if (this.current !== null) return;
    const job = this.queue.shift();
    if (!job) {
      this.notifyIdle();
      return;
    }
    this.current = job;
    job.state = 'running';
    void this.execute(job).then(() => {
      job.state = 'done';
      if (job.graceTimer !== null) {
        clearTimeout(job.graceTimer);
        job.graceTimer = null;
      }
      if (this.current === job) this.current = null;
      this.pump();
    });
  }

  private async execute(job: Job): Promise<void> {
    const signal: JobSignal = {
      get interrupted() {
        return job.interrupted !== null;
      },
      get reason() {
        return job.interrupted;
      },
      maxTokens: job.maxTokens,
      onInterrupt(hook) {
        if (job.interrupted !== null) {
          try {
            hook();
          } catch {
            // ignore
          }
          return () => {};
        }
        job.hooks.add(hook);
        return () => job.hooks.delete(hook);
      },
    };
    job.timer = setTimeout(() => {
      job.timer = null;
      this.interrupt(job, 'timeout', new TimeoutError(job.timeoutMs));
    }, job.timeoutMs);

    const released = new Promise<void>((res) => {
      job.release = res;
    });
    let running: Promise<unknown>;
    try {
      running = Promise.resolve(job.run(signal));
    } catch (error) {
      running = Promise.reject(error);
    }
    const finished = running.then(
      (value) => this.settle(job, { value }),
      (error: unknown) => this.settle(job, error instanceof Error ? error : new Error(String(error))),
    );
    // The slot frees when the run returns, or when an interrupted run overstays its grace.
    await Promise.race([finished, released]);
    job.release = null;
  }

  private notifyIdle(): void {
    if (this.current !== null || this.queue.length > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
