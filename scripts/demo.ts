/**
 * `npm run demo`: builds the extension and opens Chromium with it loaded on a local page with
 * sample fields.
 *
 *   npm run demo               the catalogue's default model, downloaded once from the hub
 *   npm run demo -- --tiny     offline: the repository's tiny test model from a local host
 *                              (random weights: the text is gibberish, every code path is real)
 *
 * Chromium is /usr/bin/chromium unless CHROMIUM_PATH says otherwise. Without a display the
 * browser runs headless; the script then types a sentence, waits for a suggestion and saves a
 * screenshot so the run can be checked.
 */
import { execSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { consentKeyOf, DOWNLOAD_CONSENT_KEY } from '../lib/engine/download-consent';
import { startModelHost } from './model-host';
import { startStaticServer } from './static-server';

const tiny = process.argv.includes('--tiny');
const headless = !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const extensionDir = resolve('.output/chrome-mv3');

// Headless, the script itself checks that a suggestion shows: that needs the panel's shadow root
// open, as in the test build (the shipped build closes it to pages and to automation alike).
execSync('npx wxt build', { stdio: 'inherit', env: { ...process.env, ...(headless ? { LEDGERLINE_ENGINE_LAB: '1' } : {}) } });
const pages = await startStaticServer(resolve('scripts/demo'));
const host = tiny ? await startModelHost({ root: resolve('tests/fixtures/models') }) : null;

const context = await chromium.launchPersistentContext(await mkdtemp(join(tmpdir(), 'ledgerline-demo-')), {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless,
  viewport: null,
  args: [
    `--disable-extensions-except=${extensionDir}`,
    `--load-extension=${extensionDir}`,
    '--no-first-run',
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
  ],
});
const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
if (host) {
  // The demo's writer has set up the tiny model and agreed to download it (as the onboarding's Download does).
  await worker.evaluate(async ({ settings, consent }) => {
    const { chrome } = globalThis as unknown as { chrome: { storage: { local: { set(items: object): Promise<void> } } } };
    await chrome.storage.local.set({ settings, [consent.key]: consent.models });
  }, { settings: { modelHost: host.origin, modelId: 'ledgerline-test/tiny-chat' }, consent: { key: DOWNLOAD_CONSENT_KEY, models: [consentKeyOf('ledgerline-test/tiny-chat')] } });
}
const page = context.pages()[0] ?? (await context.newPage());
await page.goto(`${pages.origin}/index.html`);
console.log(`Demo page: ${pages.origin}/index.html${host ? ` (tiny model from ${host.origin})` : ''}`);

if (headless) {
  await page.locator('#story').click();
  await page.keyboard.press('End');
  // A finished sentence with enough new words: the pause after it opens the panel (lib/fields/opening-rule.ts).
  await page.keyboard.type(' The mayor said the council would return to the budget in the spring, after the operator explains why the price of the new bus routes rose by a fifth.');
  await page.getByTestId('accept-variant').first().waitFor({ timeout: 600_000 });
  const shot = resolve('demo-screenshot.png');
  await page.screenshot({ path: shot });
  console.log(`No display: ran headless, saved ${shot}`);
  await context.close();
  await host?.close();
  await pages.close();
} else {
  console.log('Close the browser window to stop.');
  context.on('close', () => {
    void host?.close();
    void pages.close();
  });
}
