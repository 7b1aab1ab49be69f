/**
 * Sets up the newsroom server engine the way a writer does: the browser grants the server's
 * origin (headless Chromium cannot answer a permission prompt, so the grant is made the way
 * chrome://extensions' "site access" makes it), then the options page's "Newsroom server" form
 * is filled in and "Use this server" asks for that origin and saves.
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { siteAccess, type LaunchedExtension } from './browser';

export interface ServerEngineForm {
  url: string;
  model: string;
  sites: string[];
  apiKey?: string;
}

export async function openOptions(browser: LaunchedExtension): Promise<Page> {
  const options = await browser.context.newPage();
  await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
  return options;
}

/** Grants the server's origin only (`<origin>/*`), as the writer would in the browser's prompt. */
export async function grantOrigin(browser: LaunchedExtension, origin: string): Promise<void> {
  const extensionsPage = await browser.context.newPage();
  await extensionsPage.goto(`chrome://extensions/?id=${browser.extensionId}`);
  await siteAccess(extensionsPage, browser.extensionId, { add: `${origin}/*` });
  await extensionsPage.close();
}

export async function fillServerForm(options: Page, form: ServerEngineForm): Promise<void> {
  await options.getByTestId('server-url').fill(form.url);
  await options.getByTestId('server-model').fill(form.model);
  if (form.apiKey !== undefined) await options.getByTestId('server-key').fill(form.apiKey);
  await options.getByTestId('server-sites').fill(form.sites.join('\n'));
  await options.getByRole('button', { name: 'Use this server' }).click();
  await expect.poll(() => options.getByTestId('server-status').textContent()).toMatch(/^Server settings saved/);
}

/** What a writer does to send one site's text to a server: grant, fill in, save; the page then says the access is granted. */
export async function useServer(browser: LaunchedExtension, form: ServerEngineForm): Promise<Page> {
  const origin = new URL(form.url).origin;
  await grantOrigin(browser, origin);
  const options = await openOptions(browser);
  await fillServerForm(options, form);
  await expect.poll(() => options.getByTestId('server-access').textContent()).toContain(`Ledgerline may send the listed sites' text to ${origin}/*`);
  return options;
}
