import { render } from 'preact';
import { browser, type Browser } from 'wxt/browser';
import { PopupView, type PopupViewProps } from '@/components/PopupView';
import { t, tCount } from '@/lib/i18n';
import type { Response } from '@/lib/messaging';
import { parseSettings, SETTINGS_STORAGE_KEY, type Settings } from '@/lib/settings';
import { withSiteEnabled } from '@/lib/site-settings';
import './style.css';
import { localizePage } from '@/lib/i18n';

localizePage(document);

const app = document.getElementById('app')!;

async function readSettings(): Promise<Settings> {
  return parseSettings((await browser.storage.local.get(SETTINGS_STORAGE_KEY))[SETTINGS_STORAGE_KEY]);
}

/** The site a tab's page is, as its content script tells (the browser gives no tab URLs without host permissions). */
async function siteOf(tab: Browser.tabs.Tab): Promise<string | null> {
  if (tab.id === undefined) return null;
  try {
    const answer = (await browser.tabs.sendMessage(tab.id, { type: 'page.site' }, { frameId: 0 })) as { host?: unknown } | undefined;
    return typeof answer?.host === 'string' ? answer.host : null;
  } catch {
    return null; // no content script there: a browser or extension page, or a page loaded before the extension
  }
}

/** The web page the popup is about: the active tab, or (popup opened as a tab) the last used web tab. */
async function targetPage(): Promise<{ tab: Browser.tabs.Tab; host: string } | null> {
  const [active] = await browser.tabs.query({ active: true, currentWindow: true });
  const others = (await browser.tabs.query({})).filter((tab) => tab.id !== active?.id).sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0));
  for (const tab of active ? [active, ...others] : others) {
    const host = await siteOf(tab);
    if (host) return { tab, host };
  }
  return null;
}

async function targetTab(): Promise<Browser.tabs.Tab | undefined> {
  return (await targetPage())?.tab;
}

/** What the last "highlight AI sentences" click came to (kept across the popup's refreshes). */
let highlightNotice: string | null = null;

async function highlightField(): Promise<void> {
  const tab = await targetTab();
  let answer: { ok: true; shown: boolean; highlights: number } | { ok: false; error: string } | undefined;
  try {
    answer = tab?.id !== undefined ? await browser.tabs.sendMessage(tab.id, { type: 'audit.inPage' }) : undefined;
  } catch {
    answer = undefined; // no content script there (a page loaded before the extension)
  }
  if (!answer || (!answer.ok && answer.error === 'no-field')) highlightNotice = t('popupHighlightNoField');
  else if (!answer.ok) highlightNotice = t('popupHighlightFailed', answer.error);
  else highlightNotice = answer.shown ? tCount('popupHighlightShown', answer.highlights, answer.highlights) : t('popupHighlightClosed');
  void refresh();
}

/** The ledger document of the page's focused field, or null (no field, no content script there). */
async function focusedFieldDocument(): Promise<string | null> {
  const tab = await targetTab();
  try {
    const answer = tab?.id !== undefined ? ((await browser.tabs.sendMessage(tab.id, { type: 'audit.fieldDocument' })) as { documentKey?: unknown } | undefined) : undefined;
    return typeof answer?.documentKey === 'string' ? answer.documentKey : null;
  } catch {
    return null;
  }
}

/** The audit page, on the document of the page's focused field when there is one. */
async function openAudit(): Promise<void> {
  const documentKey = await focusedFieldDocument();
  const url = new URL(browser.runtime.getURL('/audit.html'));
  if (documentKey) url.searchParams.set('doc', documentKey);
  await browser.tabs.create({ url: url.href });
}

async function refresh(): Promise<void> {
  const settings = await readSettings();
  const [host, fieldDocument] = await Promise.all([targetPage().then((page) => page?.host ?? null), focusedFieldDocument()]);
  const props: PopupViewProps = {
    fieldDocument,
    engine: null,
    ledger: null,
    error: null,
    site: host ? { host, enabled: !settings.disabledSites.includes(host) } : null,
    onToggleSite: async (enabled) => {
      if (!host) return;
      await browser.storage.local.set({ [SETTINGS_STORAGE_KEY]: withSiteEnabled(await readSettings(), host, enabled) });
      void refresh();
    },
    onOpenAudit: () => void openAudit(),
    onOpenOptions: () => void browser.runtime.openOptionsPage(),
    onHighlightField: () => void highlightField(),
    highlightNotice,
  };
  try {
    const [engine, ledger] = await Promise.all([
      browser.runtime.sendMessage({ type: 'engine.status' }) as Promise<Response<'engine.status'>>,
      browser.runtime.sendMessage({ type: 'ledger.summary', limit: 10 }) as Promise<Response<'ledger.summary'>>,
    ]);
    props.engine = engine;
    if (ledger.ok) props.ledger = ledger.summary;
    else props.error = t('popupLedgerUnreadable', ledger.error);
  } catch (error) {
    props.error = t('popupBackgroundDown', error instanceof Error ? error.message : String(error));
  }
  render(<PopupView {...props} />, app);
}

void refresh();
// Model download progress changes while the popup is open.
setInterval(() => void refresh(), 1000);
