import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { CHROMIUM_PATH, extensionBrowserArgs, writeQuietPreferences } from './browser';

/**
 * Chromium with the built extension, driven over a bare DevTools pipe that attaches to pages only.
 * Playwright attaches to every service worker, and an attached worker is never stopped when idle;
 * this is how a test sees the idle stop a writer's browser applies (keep-alive tests).
 */
export interface PipeBrowser {
  /** A browser-level command, or a page's when `sessionId` is given. */
  send<T = Record<string, unknown>>(method: string, params?: Record<string, unknown>, sessionId?: string): Promise<T>;
  /** Opens an extension or web page and returns a session attached to it. */
  openPage(url: string): Promise<string>;
  /** Evaluates an expression in a page (promises awaited, result by value). */
  evaluate<T>(sessionId: string, expression: string): Promise<T>;
  /** The URLs of the service workers running now. */
  runningServiceWorkers(): Promise<string[]>;
  close(): Promise<void>;
}

export async function launchOverPipe(): Promise<PipeBrowser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'ledgerline-pipe-profile-'));
  await writeQuietPreferences(userDataDir);
  const child: ChildProcess = spawn(
    CHROMIUM_PATH,
    ['--headless=new', `--user-data-dir=${userDataDir}`, '--remote-debugging-pipe', ...extensionBrowserArgs(), 'about:blank'],
    { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
  );
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  let nextId = 0;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let buffered = '';
  fromBrowser.setEncoding('utf8');
  fromBrowser.on('data', (chunk: string) => {
    buffered += chunk;
    let end: number;
    // Messages are NUL-terminated JSON.
    while ((end = buffered.indexOf('\0')) >= 0) {
      const message = JSON.parse(buffered.slice(0, end)) as { id?: number; result?: unknown; error?: { message: string } };
      buffered = buffered.slice(end + 1);
      const waiter = message.id === undefined ? undefined : pending.get(message.id);
      if (!waiter) continue;
      pending.delete(message.id!);
      if (message.error) waiter.reject(new Error(message.error.message));
      else waiter.resolve(message.result);
    }
  });

  const send = <T>(method: string, params: Record<string, unknown> = {}, sessionId?: string) =>
    new Promise<T>((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });

  const evaluate = async <T>(sessionId: string, expression: string): Promise<T> => {
    const { result, exceptionDetails } = await send<{ result: { value: T }; exceptionDetails?: { exception?: { description?: string }; text: string } }>(
      'Runtime.evaluate',
      { expression, awaitPromise: true, returnByValue: true },
      sessionId,
    );
    if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
    return result.value;
  };

  return {
    send,
    evaluate,
    async openPage(url) {
      const { targetId } = await send<{ targetId: string }>('Target.createTarget', { url });
      const { sessionId } = await send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
      for (let tries = 0; tries < 200; tries++) {
        if (await evaluate<boolean>(sessionId, `document.readyState === 'complete' && location.href === ${JSON.stringify(url)}`).catch(() => false)) {
          return sessionId;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`${url} did not load`);
    },
    async runningServiceWorkers() {
      const { targetInfos } = await send<{ targetInfos: { type: string; url: string }[] }>('Target.getTargets');
      return targetInfos.filter((t) => t.type === 'service_worker').map((t) => t.url);
    },
    async close() {
      await send('Browser.close').catch(() => undefined);
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
