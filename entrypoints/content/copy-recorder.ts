import { browser } from 'wxt/browser';
import { pageLocation } from '@/lib/fields/page-identity';
import { storyIdentity } from '@/lib/ledger/document-key';
import type { CopiedMessage } from '@/lib/messaging';

/** The schema's limit on copied text (lib/messaging/ledger.ts): a longer copy names no source. */
const MAX_COPIED = 100_000;

/** What a copy or cut takes: a text control's selection, else the page's. */
function selectedText(event: ClipboardEvent): string {
  const target = event.composedPath()[0];
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLInputElement) {
    const { selectionStart, selectionEnd, value } = target;
    if (selectionStart !== null && selectionEnd !== null && selectionEnd > selectionStart) return value.slice(selectionStart, selectionEnd);
  }
  return document.getSelection()?.toString() ?? '';
}

/**
 * A trusted copy or cut on the page: one message, so that a paste of that text in any tab can say
 * where it came from (the background keeps only a hash of it, for a short while). Nothing is read
 * before the writer copies.
 */
export function recordCopy(event: ClipboardEvent): void {
  const text = selectedText(event);
  if (!text.trim() || text.length > MAX_COPIED) return;
  const page = pageLocation(window);
  const copied: CopiedMessage = { origin: page.origin, path: storyIdentity(page.path), pageTitle: document.title.slice(0, 2048), text };
  // A lost copy only leaves a later paste's source unknown, the honest default: nothing to retry.
  browser.runtime.sendMessage({ type: 'ledger.copied', copied }).catch(() => undefined);
}
