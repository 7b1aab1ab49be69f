/**
 * Keep-alive, as a writer's browser runs it: Chrome stops an extension service worker after ~30 s
 * without activity, even mid-generation. Here no debugger is attached to the worker (a bare
 * DevTools pipe drives the extension's own page), so that stop really happens. A generation whose
 * first pass takes longer than the idle timeout (a long prompt on a slow machine: no message in
 * or out meanwhile) completes, and once the engine is idle the worker is stopped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineStats } from '../../lib/messaging';
import { startModelHost, type ModelHost } from '../../scripts/model-host';
import { TINY_MODEL_ID, TINY_MODEL_ROOT } from '../support/tiny-model';
import { launchOverPipe, type PipeBrowser } from './support/cdp-pipe';
import { continueRequest, generateInPage, type PortRun } from './support/engine-helpers';

/** Chrome's idle timeout for extension service workers (without the keep-alive, this run is stopped at ~31 s). */
const IDLE_TIMEOUT_MS = 30_000;
/** Longest silence the test allows before the first token, and for the idle worker to be stopped. */
const SILENCE_MS = IDLE_TIMEOUT_MS + 15_000;

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return false;
}

describe('service worker keep-alive (Chromium, no debugger attached to the worker)', () => {
  let host: ModelHost;
  let browser: PipeBrowser;

  beforeAll(async () => {
    host = await startModelHost({ root: TINY_MODEL_ROOT });
    browser = await launchOverPipe();
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('a generation longer than the idle timeout completes; an idle worker is then stopped and the next request starts it again', async () => {
    let workers: string[] = [];
    const extensionWorkers = async () => (await browser.runningServiceWorkers()).filter((url) => url.startsWith('chrome-extension://'));
    expect(await until(async () => (workers = await extensionWorkers()).length > 0, 20_000), 'extension worker running').toBe(true);
    const extensionId = new URL(workers[0]!).host;
    const lab = await browser.openPage(`chrome-extension://${extensionId}/engine-lab.html`);
    const settings = { modelHost: host.origin, modelId: TINY_MODEL_ID, variants: 1 };
    await browser.evaluate(lab, `chrome.storage.local.set({ settings: ${JSON.stringify(settings)} })`);
    expect(await browser.evaluate(lab, `chrome.runtime.sendMessage({ type: 'engine.warmUp' })`)).toMatchObject({ state: 'ready' });

    // Longer than the idle timeout before the first token, with nothing going in or out of the worker.
    await browser.evaluate(lab, `chrome.storage.local.set({ engineTestSeams: { prefillDelayMs: ${SILENCE_MS} } })`);
    const long = await browser.evaluate<PortRun>(lab, `(${generateInPage.toString()})(${JSON.stringify(continueRequest('keep-alive-long'))})`);
    expect(long.lost, 'the worker was stopped mid-generation').toBe(false);
    expect(long.messages.at(-1)).toMatchObject({ type: 'done' });
    const stats = await browser.evaluate<EngineStats[]>(lab, `chrome.runtime.sendMessage({ type: 'engine.stats' })`);
    const last = stats.find((s) => s.requestId === 'keep-alive-long')!;
    expect(last.firstTokenMs).toBeGreaterThan(IDLE_TIMEOUT_MS); // the scenario, not a speed check

    // Idle now: the same browser stops the worker (so the run above survived because of the keep-alive).
    await browser.evaluate(lab, `chrome.storage.local.remove('engineTestSeams')`);
    expect(await until(async () => (await extensionWorkers()).length === 0, SILENCE_MS + 15_000), 'idle worker stopped').toBe(true);

    // The next request starts a fresh worker, which reloads the model from its cache and answers.
    const next = await browser.evaluate<PortRun>(lab, `(${generateInPage.toString()})(${JSON.stringify(continueRequest('keep-alive-next'))})`);
    expect(next.lost, 'the restarted worker answered').toBe(false);
    expect(next.messages.at(-1)).toMatchObject({ type: 'done' });
  }, 300_000);
});
