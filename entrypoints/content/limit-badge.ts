import { autoUpdate } from '@floating-ui/dom';
import { t } from '@/lib/i18n';
import type { PlatformLimit } from '@/lib/platforms/detect';
import { mountShadowHost } from './shadow-host';

/** A field's own `maxlength` is shown only near it: a search box's 2,048 is no news to anyone. */
const MAXLENGTH_SHOWN_FROM = 0.8;

const BADGE_CSS = `
:host { all: initial; }
.count {
  position: fixed; top: 0; left: 0; pointer-events: none; white-space: nowrap;
  font: 600 11px/1.4 system-ui, sans-serif; font-variant-numeric: tabular-nums;
  color: #4a5260; background: rgb(255 255 255 / 0.92); border: 1px solid #c9ced6; border-radius: 999px; padding: 0 6px;
}
.count.over { color: #fff; background: #8a1c1c; border-color: #8a1c1c; }
@media (prefers-color-scheme: dark) {
  .count { color: #aab2bd; background: rgb(31 35 40 / 0.92); border-color: #3d444d; }
  .count.over { color: #0b0b0b; background: #ff9b9b; border-color: #ff9b9b; }
}`;

/**
 * The length count of a field with a limit (a post composer), shown in the field's corner while
 * the writer writes, not only while the panel is open. One count per animation frame at most,
 * and only in fields that have a limit; it never takes pointer events or touches the page's DOM
 * beyond its own host.
 */
export class LimitBadge {
  private host: HTMLElement | null = null;
  private badge: HTMLElement | null = null;
  private field: HTMLElement | null = null;
  private limit: PlatformLimit | null = null;
  private read: () => string = () => '';
  private stopFollowing: (() => void) | null = null;
  private frame = 0;
  /** Out of the field (to the page, or into the panel, which shows the count itself), the count goes; back in, it returns. */
  private readonly onBlur = () => this.unmount();
  private readonly onFocus = () => this.refresh();

  /** Follows `field` while it has focus; no limit, nothing shown. */
  follow(field: HTMLElement, limit: PlatformLimit | null, read: () => string): void {
    this.hide();
    if (!limit) return;
    this.field = field;
    this.limit = limit;
    this.read = read;
    field.addEventListener('blur', this.onBlur);
    field.addEventListener('focus', this.onFocus);
    this.refresh();
  }

  /** The text changed: count again at the next frame (coalesces a burst of keystrokes). */
  refresh(): void {
    if (!this.field || this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  hide(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.unmount();
    this.field?.removeEventListener('blur', this.onBlur);
    this.field?.removeEventListener('focus', this.onFocus);
    this.field = null;
    this.limit = null;
  }

  private unmount(): void {
    this.stopFollowing?.();
    this.stopFollowing = null;
    this.host?.remove();
    this.host = null;
    this.badge = null;
  }

  private render(): void {
    const { field, limit } = this;
    if (!field || !limit) return;
    if (!field.isConnected) return this.hide();
    // A count scheduled just before the writer left the field would otherwise come back.
    if (!field.matches(':focus')) return this.unmount();
    const used = limit.count(this.read());
    const shown = limit.platform !== 'maxlength' || used >= limit.limit * MAXLENGTH_SHOWN_FROM;
    if (!shown) return this.unmount();
    const badge = this.badge ?? this.mount(field);
    badge.textContent = `${used} / ${limit.limit}`;
    badge.className = used > limit.limit ? 'count over' : 'count';
    badge.setAttribute('aria-label', t('limitCountLabel', used, limit.limit, limit.label));
  }

  private mount(field: HTMLElement): HTMLElement {
    const doc = field.ownerDocument;
    const { host, shadow } = mountShadowHost(doc, 'ledgerline-count', BADGE_CSS, { pointerEvents: false });
    const badge = doc.createElement('span');
    badge.dataset.testid = 'field-limit-count';
    shadow.append(badge);
    this.host = host;
    this.badge = badge;
    // Inside the field's bottom-end corner, kept there on scroll and resize.
    this.stopFollowing = autoUpdate(field, badge, () => {
      const box = field.getBoundingClientRect();
      const rtl = getComputedStyle(field).direction === 'rtl';
      const left = rtl ? box.left + 6 : box.right - badge.offsetWidth - 6;
      badge.style.left = `${Math.round(left)}px`;
      badge.style.top = `${Math.round(box.bottom - badge.offsetHeight - 4)}px`;
    });
    return badge;
  }
}
