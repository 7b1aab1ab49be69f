import { browser } from 'wxt/browser';
import { parseContentCommand } from '@/lib/messaging';
import { parseSettings, SETTINGS_STORAGE_KEY } from '@/lib/settings';
import { SuggestionController } from './suggestion-controller';

export default defineContentScript({
  matches: ['<all_urls>'],
  allFrames: true,
  matchAboutBlank: true,
  matchOriginAsFallback: true,
  runAt: 'document_idle',
  cssInjectionMode: 'ui',
  async main(ctx) {
    const settings = parseSettings((await browser.storage.local.get(SETTINGS_STORAGE_KEY))[SETTINGS_STORAGE_KEY]);
    if (settings.disabledSites.includes(location.hostname)) return;
    const controller = new SuggestionController(ctx, settings);

    browser.storage.onChanged.addListener((changes, area) => {
      const change = changes[SETTINGS_STORAGE_KEY];
      if (area !== 'local' || !change) return;
      const next = parseSettings(change.newValue);
      if (next.disabledSites.includes(location.hostname)) controller.close();
      controller.setSettings(next);
    });

    // Capture phase: a page that stops propagation of key events cannot blind us.
    ctx.addEventListener(document, 'focusin', (event) => controller.handleFocusIn(event), { capture: true });
    ctx.addEventListener(document, 'input', (event) => controller.handleInput(event), { capture: true });
    ctx.addEventListener(window, 'keydown', (event) => controller.handleKeyDown(event), { capture: true });

    browser.runtime.onMessage.addListener((raw: unknown) => {
      const command = parseContentCommand(raw);
      if (command?.type === 'suggest.now' && document.hasFocus()) controller.suggest('continue', 'shortcut');
    });
  },
});
