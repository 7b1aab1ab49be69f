import { browser } from 'wxt/browser';
import { deepActiveElement, isSiteDisabled } from '@/lib/fields';
import { parseContentCommand } from '@/lib/messaging';
import { parseSettings, SETTINGS_STORAGE_KEY } from '@/lib/settings';
import { SuggestionController } from './suggestion-controller';

/**
 * The site this frame belongs to. about:blank and srcdoc frames (TinyMCE's, the block editor's
 * canvas) have no hostname of their own: they inherit their creator's origin.
 */
function siteHostname(): string {
  if (location.hostname) return location.hostname;
  try {
    if (window.origin && window.origin !== 'null') return new URL(window.origin).hostname;
  } catch {
    // An opaque origin: fall through to the ancestors.
  }
  return location.ancestorOrigins?.[0] ? new URL(location.ancestorOrigins[0]).hostname : '';
}

export default defineContentScript({
  matches: ['<all_urls>'],
  // Editors in iframes (TinyMCE, the block editor's canvas), including about:blank / srcdoc
  // frames and frames whose URL has no origin of its own.
  allFrames: true,
  matchAboutBlank: true,
  matchOriginAsFallback: true,
  runAt: 'document_idle',
  async main(ctx) {
    let settings = parseSettings((await browser.storage.local.get(SETTINGS_STORAGE_KEY))[SETTINGS_STORAGE_KEY]);
    const site = siteHostname();
    let enabled = !isSiteDisabled(site, settings.disabledSites);
    const controller = new SuggestionController(settings);

    browser.storage.onChanged.addListener((changes, area) => {
      const change = changes[SETTINGS_STORAGE_KEY];
      if (area !== 'local' || !change) return;
      settings = parseSettings(change.newValue);
      enabled = !isSiteDisabled(site, settings.disabledSites);
      if (!enabled) controller.close();
      controller.setSettings(settings);
    });

    // Capture phase: a page that stops propagation of focus or key events cannot blind us.
    // focusin is composed, so fields inside open shadow roots and fields added after load are
    // found when they get focus; nothing scans the page.
    ctx.addEventListener(document, 'focusin', (event) => enabled && controller.handleFocusIn(event), { capture: true });
    ctx.addEventListener(document, 'input', (event) => enabled && controller.handleInput(event), { capture: true });
    ctx.addEventListener(window, 'keydown', (event) => enabled && controller.handleKeyDown(event), { capture: true });

    // A field focused before this script ran (autofocus, document_idle) gets no focusin.
    const active = deepActiveElement(document);
    if (enabled && active && active !== document.body) {
      controller.handleFocusIn({ target: active, composedPath: () => [active] });
    }

    browser.runtime.onMessage.addListener((raw: unknown) => {
      const command = parseContentCommand(raw);
      if (enabled && command?.type === 'suggest.now' && document.hasFocus()) controller.suggest(null, 'shortcut');
    });
  },
});
