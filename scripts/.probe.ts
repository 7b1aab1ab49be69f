import { chromium } from 'playwright-core';
import { startStaticServer } from '/work/main/scripts/static-server';
const server = await startStaticServer('/work/main/.output/editor-fixtures');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
for (const name of process.argv.slice(2)) {
  const page = await browser.newPage();
  page.on('console', (m) => console.log(name, 'console', m.type(), m.text().slice(0, 300)));
  page.on('pageerror', (e) => console.log(name, 'pageerror', String(e).slice(0, 400)));
  await page.goto(`${server.origin}/${name}.html`);
  await page.waitForTimeout(1500);
  console.log(name, 'ready', await page.evaluate(() => document.body.dataset.ready), (await page.content()).slice(0, 1500));
}
await browser.close(); await server.close();
