import { render } from 'preact';
import { browser } from 'wxt/browser';
import { OnboardingView } from '@/components/OnboardingView';
import type { EngineRuntime, EngineStatus, Response } from '@/lib/messaging';
import { localizePage } from '@/lib/i18n';
import { parseSettings, SETTINGS_STORAGE_KEY } from '@/lib/settings';
import { SuggestionController } from '../content/suggestion-controller';
import '@/assets/page.css';
import './style.css';

localizePage(document, 'onboardingTitle');

const app = document.getElementById('app')!;
let runtime: EngineRuntime | null = null;
let downloading = false;
let nextRefresh: ReturnType<typeof setTimeout> | undefined;

async function refresh(): Promise<void> {
  clearTimeout(nextRefresh);
  const engine = (await browser.runtime.sendMessage({ type: 'engine.status' }).catch(() => null)) as EngineStatus | null;
  if (!runtime) {
    const answer = (await browser.runtime.sendMessage({ type: 'engine.runtime' }).catch(() => null)) as Response<'engine.runtime'> | null;
    runtime = answer?.ok ? answer : null;
  }
  render(
    <OnboardingView
      runtime={runtime}
      engine={engine}
      onDownload={() => {
        downloading = true;
        void browser.runtime.sendMessage({ type: 'engine.warmUp' }).finally(() => {
          downloading = false;
          void refresh();
        });
        void refresh();
      }}
      onOpenOptions={() => void browser.runtime.openOptionsPage()}
    />,
    app,
  );
  // Ask again only while a download runs: a page asking every second for as long as it stays
  // open would keep the background worker, and the model in it, from ever being stopped.
  clearTimeout(nextRefresh);
  if (downloading || engine?.state === 'loading') nextRefresh = setTimeout(() => void refresh(), 1000);
}

void refresh();

// Content scripts do not run on extension pages: the sample field gets the same controller here.
const settings = parseSettings((await browser.storage.local.get(SETTINGS_STORAGE_KEY))[SETTINGS_STORAGE_KEY]);
const controller = new SuggestionController(settings);
document.addEventListener('focusin', (event) => controller.handleFocusIn(event), true);
document.addEventListener('input', (event) => controller.handleInput(event), true);
window.addEventListener('keydown', (event) => controller.handleKeyDown(event), true);
