import { browser } from 'wxt/browser';
import { deepActiveElement, isSiteDisabled } from '@/lib/fields';
import { parseContentCommand } from '@/lib/messaging/content';
import { parseSettings, SETTINGS_STORAGE_KEY } from '@/lib/settings';
import { webHostOf } from '@/lib/site-settings';
import { InPageAuditHost } from './in-page-audit';
import { recordCopy } from './copy-recorder';
import { recordPaste } from './paste-recorder';
import { ProofreadOverlay } from './proofread-overlay';
import { SuggestionController } from './suggestion-controller';
import { TypingRecorder } from './typing-recorder';

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
  // document_start: our capture listeners on window are registered before the page's own
  // scripts run, so a page that stops propagation (even stopImmediatePropagation on window in
  // the capture phase) cannot hide focus, input or keys from us.
  runAt: 'document_start',
  async main(ctx) {
    const site = siteHostname();
    let controller: SuggestionController | null = null;
    let proofread: ProofreadOverlay | null = null;
    let typing: TypingRecorder | null = null;
    let enabled = false;
    // Focus, input and keys at the earliest point of their path: window, capture phase.
    // focusin and input are composed, so fields inside open shadow roots are seen; fields added
    // after load are found when they get focus (nothing scans the page). Per keystroke this is
    // three checks, the controller's own handler and the proofreader's timer. Only the browser's own events count: a
    // page's synthetic focus, input or keys (isTrusted false) never open, generate or accept.
    ctx.addEventListener(window, 'focusin', (event) => event.isTrusted && enabled && (controller?.handleFocusIn(event), proofread?.handleFocusIn(event)), { capture: true });
    ctx.addEventListener(window, 'input', (event) => event.isTrusted && enabled && (controller?.handleInput(event), proofread?.handleInput(event)), { capture: true });
    ctx.addEventListener(window, 'keydown', (event) => event.isTrusted && enabled && (controller?.handleKeyDown(event), proofread?.handleKeyDown(event), typing?.handleKeyDown(event)), { capture: true });
    // What the writer types, counted (not read) per keystroke; the field is read when they leave it.
    ctx.addEventListener(window, 'beforeinput', (event) => event.isTrusted && enabled && typing?.handleBeforeInput(event), { capture: true });
    ctx.addEventListener(window, 'compositionend', (event) => event.isTrusted && enabled && typing?.handleCompositionEnd(event), { capture: true });
    ctx.addEventListener(window, 'pointerdown', (event) => event.isTrusted && enabled && typing?.handlePointerDown(event), { capture: true });
    ctx.addEventListener(window, 'focusout', (event) => event.isTrusted && typing?.handleFocusOut(event), { capture: true });
    ctx.addEventListener(window, 'pagehide', () => typing?.end());
    ctx.addEventListener(document, 'visibilitychange', () => document.visibilityState === 'hidden' && typing?.end());
    // The end of a selection (pointer released, a selecting key let go): one read of the field, not one per keystroke.
    ctx.addEventListener(window, 'pointerup', (event) => event.isTrusted && enabled && controller?.handleSelectionEnd(event), { capture: true });
    ctx.addEventListener(window, 'keyup', (event) => event.isTrusted && enabled && controller?.handleSelectionEnd(event), { capture: true });

    let settings = parseSettings((await browser.storage.local.get(SETTINGS_STORAGE_KEY))[SETTINGS_STORAGE_KEY]);
    ctx.addEventListener(window, 'paste', (event) => event.isTrusted && enabled && recordPaste(event, settings, site), { capture: true });
    // Where a paste came from: the background remembers the hash of what the writer copied or cut.
    for (const type of ['copy', 'cut'] as const) ctx.addEventListener(window, type, (event) => event.isTrusted && enabled && recordCopy(event), { capture: true });
    enabled = !isSiteDisabled(site, settings.disabledSites);
    typing = new TypingRecorder(settings, site);
    const recorder = typing;
    controller = new SuggestionController(settings, site, (field, insert) => recorder.insertion(field, insert));
    const active = controller;
    // Proofreading (Harper in the background) keeps its own pause: it needs no model.
    proofread = new ProofreadOverlay(settings, site);
    const checker = proofread;

    browser.storage.onChanged.addListener((changes, area) => {
      const change = changes[SETTINGS_STORAGE_KEY];
      if (area !== 'local' || !change) return;
      const next = parseSettings(change.newValue);
      settings = next;
      enabled = !isSiteDisabled(site, next.disabledSites);
      if (!enabled) {
        active.close();
        checker.leave();
        recorder.end();
      }
      active.setSettings(next);
      recorder.setSettings(next);
      checker.setSettings(next);
    });

    // A field focused before the settings arrived (autofocus) got no focusin we could act on.
    const focused = deepActiveElement(document);
    if (enabled && focused && focused !== document.body) {
      active.handleFocusIn({ target: focused, composedPath: () => [focused] });
      checker.handleFocusIn({ target: focused, composedPath: () => [focused] });
    }

    const inPageAudit = new InPageAuditHost();
    browser.runtime.onMessage.addListener((raw: unknown) => {
      const command = parseContentCommand(raw);
      if (enabled && command?.type === 'suggest.now' && document.hasFocus()) active.suggest(null, 'shortcut');
      // Only the frame with the focused field (or the overlay) answers; the others stay silent.
      if (command?.type === 'audit.inPage' && inPageAudit.wants(enabled)) return inPageAudit.toggle();
      if (command?.type === 'audit.fieldDocument') {
        const documentKey = inPageAudit.focusedDocumentKey();
        if (documentKey) return Promise.resolve({ documentKey });
      }
      // The top frame names the page's site; frames stay silent even when the message reaches them.
      if (command?.type === 'page.site' && window === window.top) return Promise.resolve({ host: webHostOf(location.href) });
      return undefined;
    });
  },
});
