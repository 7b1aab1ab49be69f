import { autoUpdate, computePosition, flip, offset, shift, size } from '@floating-ui/dom';
import { h, render } from 'preact';
import { SuggestionPanel, type SuggestionPanelProps } from '@/components/SuggestionPanel';
import panelCss from '@/components/suggestion-panel.css?inline';
import { mountShadowHost } from './shadow-host';

/** Below this much room the actions keep to one line (scrolling sideways) to leave the variants more. */
const SHORT_ROOM_PX = 320;

interface MountedPanel {
  shadowHost: HTMLElement;
  uiContainer: HTMLElement;
  /** Undoes what ties a panel in an ancestor document to the field's frame. */
  untie: () => void;
}

/**
 * The document the panel goes in: the topmost one the field's frame shares an origin with. A
 * frame's viewport is never larger than the top one's share of it, so a small frame (an editor's
 * 240 px iframe) cannot cut the panel there; floating-ui adds the frames' offsets. A frame with a
 * cross-origin parent (`frameElement` null) keeps the panel in its own document.
 */
export function panelDocumentFor(fieldDocument: Document): Document {
  let doc = fieldDocument;
  for (let frame = doc.defaultView?.frameElement; frame; frame = doc.defaultView?.frameElement) doc = frame.ownerDocument;
  return doc;
}

/**
 * Mounts the panel in a shadow root (page CSS cannot reach in, ours cannot leak out) and keeps it
 * next to the caret with floating-ui. Geometry is read only while the panel is shown.
 */
export class PanelHost {
  private ui: MountedPanel | null = null;
  private stopPositioning: (() => void) | null = null;

  /** Shows the panel at the caret; `onAnchorGone` runs when the field leaves the page. */
  show(props: SuggestionPanelProps, anchor: HTMLElement, caretRect: () => DOMRect | null, onAnchorGone: () => void): void {
    const ui = this.ensureMounted(anchor.ownerDocument, onAnchorGone);
    // The panel reads in the field's direction (Arabic or Hebrew pages get a right-to-left panel).
    ui.uiContainer.dir = getComputedStyle(anchor).direction === 'rtl' ? 'rtl' : 'ltr';
    render(h(SuggestionPanel, props), ui.uiContainer);
    if (this.stopPositioning) return;
    const floating = ui.uiContainer;
    const reference = {
      getBoundingClientRect: () => caretRect() ?? anchor.getBoundingClientRect(),
      contextElement: anchor,
    };
    this.stopPositioning = autoUpdate(reference, floating, () => {
      if (!anchor.isConnected) {
        onAnchorGone();
        return;
      }
      void computePosition(reference, floating, {
        strategy: 'fixed',
        placement: 'bottom-start',
        // Below the caret line, flipped above it near the viewport's bottom: never over the line.
        // Where neither side holds it (200 % zoom, a short window), the side with more room wins
        // and the panel is cut to that room: its body scrolls, its header stays on screen.
        middleware: [
          offset(6),
          flip({ padding: 8 }),
          shift({ padding: 8 }),
          size({
            padding: 8,
            apply: ({ availableHeight, elements }) => {
              elements.floating.style.setProperty('--panel-room', `${Math.max(0, Math.floor(availableHeight))}px`);
              elements.floating.toggleAttribute('data-short-room', availableHeight < SHORT_ROOM_PX);
            },
          }),
        ],
      }).then(({ x, y }) => {
        floating.style.left = `${x}px`;
        floating.style.top = `${y}px`;
      });
    });
  }

  update(props: SuggestionPanelProps): void {
    if (!this.ui?.uiContainer || !this.stopPositioning) return;
    this.reattach(this.ui);
    render(h(SuggestionPanel, props), this.ui.uiContainer);
  }

  /** A page that removes or moves our host does not make the panel vanish for good. */
  private reattach(ui: MountedPanel): void {
    const root = ui.shadowHost.ownerDocument.documentElement;
    if (ui.shadowHost.parentNode !== root) root.append(ui.shadowHost);
  }

  hide(): void {
    this.stopPositioning?.();
    this.stopPositioning = null;
    if (this.ui) render(null, this.ui.uiContainer);
    this.ui?.untie();
    this.ui?.shadowHost.remove();
    this.ui = null;
  }

  /** True for an event target that is the panel (events from inside a shadow root are retargeted to its host). */
  isHost(target: EventTarget | null): boolean {
    return target !== null && target === this.ui?.shadowHost;
  }

  get isShown(): boolean {
    return this.stopPositioning !== null;
  }

  private ensureMounted(fieldDocument: Document, onAnchorGone: () => void): MountedPanel {
    if (this.ui) {
      this.reattach(this.ui);
      return this.ui;
    }
    const doc = panelDocumentFor(fieldDocument);
    const { host: shadowHost, shadow } = mountShadowHost(doc, 'ledgerline-panel', panelCss, { ownKeys: true });
    const uiContainer = doc.createElement('div');
    uiContainer.style.cssText = 'position:fixed;top:0;left:0;';
    shadow.append(uiContainer);
    // A panel in an ancestor document outlives nothing of its frame: when the frame is removed or
    // navigates, this script stops, so the panel goes first (pagehide fires on both).
    const fieldWindow = fieldDocument.defaultView;
    const untie = () => fieldWindow?.removeEventListener('pagehide', onAnchorGone);
    if (doc !== fieldDocument) fieldWindow?.addEventListener('pagehide', onAnchorGone);
    this.ui = { shadowHost, uiContainer, untie };
    return this.ui;
  }
}
