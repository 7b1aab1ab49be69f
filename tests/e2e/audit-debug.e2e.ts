import { afterAll, beforeAll, describe, it } from 'vitest';
import { resolve } from 'node:path';
import { startModelHost } from '../../scripts/model-host';
import { startStaticServer, type StaticServer } from '../../scripts/static-server';
import { TINY_MODEL_ID, TINY_MODEL_ROOT } from '../support/tiny-model';
import { launchExtension, setSettings, type LaunchedExtension } from './support/browser';

describe('debug', () => {
  let pages: StaticServer;
  let host: Awaited<ReturnType<typeof startModelHost>>;
  let browser: LaunchedExtension;
  beforeAll(async () => {
    pages = await startStaticServer(resolve('scripts/demo'));
    host = await startModelHost({ root: TINY_MODEL_ROOT });
    browser = await launchExtension();
    await setSettings(browser.worker, { modelHost: host.origin, modelId: TINY_MODEL_ID, pauseDelayMs: 400, variants: 2 });
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await pages?.close();
  });
  it('probe', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${pages.origin}/index.html`);
    const story = page.locator('#story');
    await story.click();
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Delete');
    await page.keyboard.type('Residents packed the hall to hear the vote.');
    await page.keyboard.press('Enter');
    for (let i = 0; i < 12; i++) {
      await page.waitForTimeout(5000);
      const panel = page.getByTestId('suggestion-panel');
      console.log(i, await panel.count(), (await panel.count()) ? await panel.innerText() : '', JSON.stringify(await story.inputValue()));
      if ((await page.getByTestId('accept-variant').count()) > 0) break;
    }
    await page.screenshot({ path: '/tmp/probe.png' });
  }, 120_000);
});
