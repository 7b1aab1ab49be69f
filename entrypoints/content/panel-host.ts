import { autoUpdate, computePosition, flip, offset, shift } from '@floating-ui/dom';
import { h, render } from 'preact';
import { createShadowRootUi, type ShadowRootContentScriptUi } from 'wxt/utils/content-script-ui/shadow-root';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { SuggestionPanel, type SuggestionPanelProps } from '@/components/SuggestionPanel';
import '@/components/suggestion-panel.css';

/**
 * Mounts the panel in a shadow root (page CSS cannot reach in, ours cannot leak out) and keeps it
 * next to the caret with floating-ui. Geometry is read only while the panel is shown.
 */
export class PanelHost {
  private ui: ShadowRootContentScriptUi<HTMLElement> | null = null;
  private stopPositioning: (() => void) | null = null;

  constructor(private readonly ctx: ContentScriptContext) {}

  async show(props: SuggestionPanelProps, anchor: HTMLElement, caretRect: () => DOMRect | null): Promise<void> {
    const ui = await this.ensureMounted();
    render(h(SuggestionPanel, props), ui.uiContainer);
    if (this.stopPositioning) return;
    const floating = ui.uiContainer;
    const reference = {
      getBoundingClientRect: () => caretRect() ?? anchor.getBoundingClientRect(),
      contextElement: anchor,
    };
    this.stopPositioning = autoUpdate(reference, floating, () => {
      void computePosition(reference, floating, {
        strategy: 'fixed',
        placement: 'bottom-start',
        // Below the caret line, flipped above it near the viewport's bottom: never over the line.
        middleware: [offset(6), flip({ padding: 8 }), shift({ padding: 8 })],
      }).then(({ x, y }) => {
        floating.style.left = `${x}px`;
        floating.style.top = `${y}px`;
      });
    });
  }

  update(props: SuggestionPanelProps): void {
    if (this.ui?.uiContainer && this.stopPositioning) render(h(SuggestionPanel, props), this.ui.uiContainer);
  }

  hide(): void {
    this.stopPositioning?.();
    this.stopPositioning = null;
    if (this.ui) render(null, this.ui.uiContainer);
    this.ui?.remove();
    this.ui = null;
  }

  /** True for an event target that is the panel (events from inside a shadow root are retargeted to its host). */
  isHost(target: EventTarget | null): boolean {
    return target !== null && target === this.ui?.shadowHost;
  }

  get isShown(): boolean {
    return this.stopPositioning !== null;
  }

  private async ensureMounted(): Promise<ShadowRootContentScriptUi<HTMLElement>> {
    if (this.ui) return this.ui;
    const ui = await createShadowRootUi(this.ctx, {
      name: 'ledgerline-panel',
      position: 'inline',
      anchor: 'body',
      append: 'last',
      // Keys typed inside the panel stay inside it: the page must not act on them.
      isolateEvents: true,
      onMount: (container, _shadow, host) => {
        host.style.cssText = 'position:fixed;top:0;left:0;width:0;height:0;z-index:2147483647;';
        container.style.cssText = 'position:fixed;top:0;left:0;';
        return container;
      },
    });
    ui.mount();
    this.ui = ui;
    return ui;
  }
}
