import { autoUpdate, computePosition, flip, offset, shift } from '@floating-ui/dom';
import { t } from '@/lib/i18n';
import { mountShadowHost } from './shadow-host';

const AFFORDANCE_CSS = `
:host { all: initial; }
button {
  position: fixed; top: 0; left: 0; white-space: nowrap; cursor: pointer;
  font: 600 12px/1.4 system-ui, sans-serif; color: #fff; background: #2457c5;
  border: 1px solid #2457c5; border-radius: 999px; padding: 2px 10px; box-shadow: 0 2px 8px rgb(0 0 0 / 0.2);
}
button:focus-visible { outline: 2px solid #2457c5; outline-offset: 2px; }
.keys { font-weight: 400; opacity: 0.85; margin-inline-start: 6px; }
@media (prefers-color-scheme: dark) {
  button { color: #0b1530; background: #6b9cff; border-color: #6b9cff; }
  button:focus-visible { outline-color: #6b9cff; }
}`;

export interface AffordanceCallbacks {
  /** The writer chose it (click, Enter or Space): open the panel for the selection. */
  onOpen: (fromKeyboard: boolean) => void;
  /** Esc on it: back to the text. */
  onClose: () => void;
}

/**
 * "Rewrite…" next to a selection in the field: the panel's rewrites without the shortcut. It
 * takes no focus when shown (the writer's selection and typing stay theirs); Alt+↓ from the
 * field moves focus onto it, so it is reachable without a pointer.
 */
export class SelectionAffordance {
  private host: HTMLElement | null = null;
  private button: HTMLButtonElement | null = null;
  private stopPositioning: (() => void) | null = null;

  get isShown(): boolean {
    return this.host !== null;
  }

  /** Shown at the selection's end (`anchorRect`), following the field on scroll. */
  show(field: HTMLElement, anchorRect: () => DOMRect | null, callbacks: AffordanceCallbacks): void {
    this.hide();
    const doc = field.ownerDocument;
    const { host, shadow } = mountShadowHost(doc, 'ledgerline-rewrite', AFFORDANCE_CSS);
    const button = doc.createElement('button');
    button.type = 'button';
    button.dataset.testid = 'selection-rewrite';
    button.textContent = t('selectionRewrite');
    const keys = doc.createElement('span');
    keys.className = 'keys';
    keys.textContent = t('selectionRewriteKeys');
    keys.setAttribute('aria-hidden', 'true');
    button.append(keys);
    button.setAttribute('aria-label', t('selectionRewriteLabel'));
    // A pointer press must not take the selection (or focus) away from the field.
    button.addEventListener('mousedown', (event) => event.preventDefault());
    button.addEventListener('click', (event) => {
      if (!event.isTrusted) return;
      const fromKeyboard = event.detail === 0;
      this.hide();
      callbacks.onOpen(fromKeyboard);
    });
    button.addEventListener('keydown', (event) => {
      event.stopPropagation();
      if (event.key !== 'Escape') return;
      event.preventDefault();
      this.hide();
      callbacks.onClose();
    });
    shadow.append(button);
    this.host = host;
    this.button = button;
    const reference = { getBoundingClientRect: () => anchorRect() ?? field.getBoundingClientRect(), contextElement: field };
    this.stopPositioning = autoUpdate(reference, button, () => {
      if (!field.isConnected) return this.hide();
      void computePosition(reference, button, { strategy: 'fixed', placement: 'bottom-end', middleware: [offset(6), flip({ padding: 8 }), shift({ padding: 8 })] }).then(
        ({ x, y }) => {
          button.style.left = `${x}px`;
          button.style.top = `${y}px`;
        },
      );
    });
  }

  /** True for an event target that is the affordance (events from inside its shadow root are retargeted to its host). */
  isHost(target: EventTarget | null): boolean {
    return target !== null && target === this.host;
  }

  focus(): void {
    this.button?.focus();
  }

  hide(): void {
    this.stopPositioning?.();
    this.stopPositioning = null;
    this.host?.remove();
    this.host = null;
    this.button = null;
  }
}
