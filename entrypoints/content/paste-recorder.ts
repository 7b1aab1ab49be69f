import { browser } from 'wxt/browser';
import { adapterFor, editableRootOf, fieldIdOf, refusalReason } from '@/lib/fields';
import type { PasteMessage } from '@/lib/messaging';
import type { Settings } from '@/lib/settings';
import { isFieldDisabled } from '@/lib/site-settings';
import { fieldDocument } from './field-document';

/**
 * Records a trusted paste into a field the extension watches (the fields the suggestion
 * controller attaches to) as one ledger message: the pasted plain text, whose sentences the
 * audit then shows as pasted (source unknown) unless they are the AI's. Nothing per keystroke.
 */
export function recordPaste(event: ClipboardEvent, settings: Settings, site: string): void {
  const root = editableRootOf((event.composedPath()[0] ?? event.target) as EventTarget);
  if (!root || refusalReason(root) !== null || isFieldDisabled(settings, site, fieldIdOf(root)) || !adapterFor(root)) return;
  const pastedText = event.clipboardData?.getData('text/plain') ?? '';
  if (!pastedText.trim()) return;
  const paste: PasteMessage = { document: fieldDocument(root), pageTitle: document.title, pastedText: pastedText.slice(0, 100_000), pastedAt: Date.now() };
  // A lost paste record only leaves the text "not logged", the honest default: nothing to retry.
  browser.runtime.sendMessage({ type: 'ledger.paste', paste }).catch(() => undefined);
}
