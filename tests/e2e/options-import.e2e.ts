import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { startStaticServer, type StaticServer } from '../../scripts/static-server';
import { TINY_MODEL_DIR } from '../support/tiny-model';
import { launchExtension, setSettings, type LaunchedExtension } from './support/browser';

/**
 * Offline import from the options page: the writer picks a model folder, the files go into the
 * model cache, and suggestions work with the model host unreachable.
 */
describe('options page: offline model import', () => {
  let demo: StaticServer;
  let browser: LaunchedExtension;

  beforeAll(async () => {
    demo = await startStaticServer(resolve('scripts/demo'));
    browser = await launchExtension();
    // A host where nothing listens: any download attempt fails.
    // Any pause after new words opens the panel (pauseMinWords 0, after 3× the delay mid-sentence):
    // this file is not about when it opens (tests/e2e/quiet-panel.e2e.ts is).
    await setSettings(browser.worker, { modelHost: 'http://127.0.0.1:9', pauseDelayMs: 300, variants: 2, pauseMinWords: 0 });
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('imports a folder, selects it, and the panel suggests with no model host', async () => {
    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
    await options.getByTestId('import-model').setInputFiles(TINY_MODEL_DIR);
    await expect.poll(() => options.getByTestId('import-status').textContent(), { timeout: 30_000 }).toMatch(/^Imported local\/tiny-chat/);
    await expect.poll(() => options.getByTestId('stored-models').textContent()).toContain('local/tiny-chat');

    const page = await browser.context.newPage();
    await page.goto(`${demo.origin}/index.html`);
    await page.locator('#story').click();
    await page.keyboard.press('End');
    await page.keyboard.type(' Officials said');
    await page.getByTestId('accept-variant').first().waitFor({ state: 'visible', timeout: 60_000 });

    // Deleting it from the options page removes it from storage.
    await options.reload();
    await options.getByRole('button', { name: 'Delete local/tiny-chat' }).click();
    await expect.poll(async () => (await options.getByTestId('stored-models').count()) === 0 || !(await options.getByTestId('stored-models').textContent())?.includes('local/tiny-chat')).toBe(true);
  });
});
