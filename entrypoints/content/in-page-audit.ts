import { isAiKind } from '../../lib/ledger/audit';
import { h, render } from 'preact';
import { browser } from 'wxt/browser';
import { InPageAudit, type InPageAuditProps } from '@/components/InPageAudit';
import css from '@/components/InPageAudit.css?inline';
import { adapterFor, deepActiveElement, editableRootOf, refusalReason, type FieldAdapter } from '@/lib/fields';
import { clipTo, rangeRects, visibleTextBox } from '@/lib/fields/range-rects';
import { mountShadowHost } from './shadow-host';
import { OverlayLifetime } from './overlay-lifetime';
import { fieldDocumentKey } from './field-document';
import type { AuditFiguresMessage, AuditSentence, Response } from '@/lib/messaging';

/** What the frame that acted answers the popup (other frames do not answer). */
export type InPageAuditOutcome = { ok: true; shown: boolean; highlights: number } | { ok: false; error: string };

/** The schema's limit for one attribution request. */
const MAX_TEXT = 2_000_000;

interface Shown {
  field: HTMLElement;
  adapter: FieldAdapter;
  text: string;
  sentences: AuditSentence[];
  figures: AuditFiguresMessage;
  container: HTMLElement;
  rects: DOMRect[][];
  hovered: number | null;
  focused: number | null;
  life: OverlayLifetime;
}

/**
 * The in-page audit (#5): highlights the ledger's AI sentences over the focused field. Nothing is
 * written into the field or its editor: the overlay is a shadow root after <body> whose boxes
 * are measured from the field's text (lib/fields/range-rects). It closes on Esc, on the next edit
 * in the field, when the command comes again, or when the field leaves the page; it follows
 * scrolling and resizing. Listeners exist only while it is shown.
 */
export class InPageAuditHost {
  private shown: Shown | null = null;
  private pending = false;

  /** The focused field this frame would audit (kept while the popup has focus), or null. */
  private focusedField(): HTMLElement | null {
    const root = editableRootOf(deepActiveElement(document));
    return root && refusalReason(root) === null && adapterFor(root) ? root : null;
  }

  /** The ledger document of the focused field in this frame, or null when there is none. */
  focusedDocumentKey(): string | null {
    const field = this.focusedField();
    return field ? fieldDocumentKey(field) : null;
  }

  /**
   * Whether this frame answers the command: it shows the overlay, or it has a focused field and
   * may open (not on a site the writer switched off).
   */
  wants(mayOpen: boolean): boolean {
    return this.shown !== null || this.pending || (mayOpen && this.focusedField() !== null);
  }

  /**
   * Shows the overlay on the focused field, or closes it; with another field focused since, it
   * moves there.
   */
  async toggle(): Promise<InPageAuditOutcome> {
    if (this.pending) return { ok: true, shown: false, highlights: 0 };
    const field = this.focusedField();
    if (this.shown) {
      const same = !field || field === this.shown.field;
      this.close();
      if (same) return { ok: true, shown: false, highlights: 0 };
    }
    const adapter = field && adapterFor(field);
    if (!field || !adapter) return { ok: false, error: 'no-field' };
    const { text } = adapter.read(field);
    if (text.length > MAX_TEXT) return { ok: false, error: 'too-long' };
    const documentKey = this.focusedDocumentKey()!;
    this.pending = true;
    try {
      const answer = (await browser.runtime.sendMessage({ type: 'audit.attribute', text, documentKey })) as Response<'audit.attribute'> | null;
      if (!answer?.ok) return { ok: false, error: answer?.error ?? 'no answer' };
      // The writer typed while the ledger answered: these offsets no longer fit the text.
      if (!field.isConnected || adapter.read(field).text !== text) return { ok: false, error: 'changed' };
      const sentences = answer.attribution.sentences.filter((s) => isAiKind(s.kind));
      this.show(field, adapter, text, sentences, answer.attribution.figures);
      return { ok: true, shown: true, highlights: sentences.length };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    } finally {
      this.pending = false;
    }
  }

  close(): void {
    const shown = this.shown;
    if (!shown) return;
    this.shown = null;
    render(null, shown.container);
    shown.life.end();
  }

  private show(field: HTMLElement, adapter: FieldAdapter, text: string, sentences: AuditSentence[], figures: AuditFiguresMessage): void {
    const doc = field.ownerDocument;
    // Keys inside the overlay (Tab between highlights) are not the page's.
    const { host, shadow } = mountShadowHost(doc, 'ledgerline-audit', css, { ownKeys: true });
    const container = doc.createElement('div');
    shadow.append(container);

    const life = new OverlayLifetime(host, doc.defaultView ?? window);
    const shown: Shown = { field, adapter, text, sentences, figures, container, rects: [], hovered: null, focused: null, life };
    this.shown = shown;
    const schedule = () => life.redrawSoon(() => this.layout(shown));
    life.listen('keydown', (event) => {
      if (event.key === 'Escape' && !event.isComposing) this.close();
    });
    life.listen('input', (event) => {
      if (event.composedPath().includes(field)) this.close();
    });
    // Scroll events do not bubble, but reach a capturing listener on the window from any scroller.
    life.listen('scroll', schedule);
    life.listen('resize', schedule);
    life.listen('mousemove', (event) => this.hover(shown, event.clientX, event.clientY));
    // The pointer left this document (a frame's editor): no highlight is under it.
    life.listen('mouseout', (event) => event.relatedTarget === null && this.hover(shown, -1, -1));
    // Measured in the observer's callback itself, not in a later frame: a resize reaches the
    // observer after layout, and what it changes is painted in that same frame, so the boxes
    // never show one frame on the old wrapping.
    life.observeSize(field, () => this.layout(shown));
    this.layout(shown);
  }

  /** Measures the sentences again (scroll, resize, the page reflowing) and re-renders. */
  private layout(shown: Shown): void {
    if (this.shown !== shown) return;
    const { field } = shown;
    if (!field.isConnected || shown.adapter.read(field).text !== shown.text) {
      this.close();
      return;
    }
    const clip = visibleTextBox(field);
    // Boxes over the AI's words of each sentence (all of it when verbatim), not what the writer added.
    const spans = shown.sentences.map((s) => (s.aiSpans.length ? s.aiSpans : [s]));
    const boxes = rangeRects(field, spans.flat());
    let at = 0;
    shown.rects = spans.map((list) => list.flatMap(() => boxes[at++] ?? []).flatMap((rect) => clipTo(rect, clip)));
    this.render(shown);
  }

  private hover(shown: Shown, x: number, y: number): void {
    const inside = (rect: DOMRect) => x >= rect.left && x <= rect.right && y >= rect.top && y <= rect.bottom;
    let hovered = shown.rects.findIndex((rects) => rects.some(inside));
    if (hovered < 0 && shown.hovered !== null) {
      // Moving onto the open card keeps it open (to read or select its text).
      const card = shown.container.querySelector('.card-slot.open');
      if (card && inside(card.getBoundingClientRect())) hovered = shown.hovered;
    }
    const next = hovered < 0 ? null : hovered;
    if (next === shown.hovered) return;
    shown.hovered = next;
    this.render(shown);
  }

  private render(shown: Shown): void {
    const doc = shown.field.ownerDocument;
    const props: InPageAuditProps = {
      highlights: shown.sentences.map((s, i) => ({ s, rects: shown.rects[i] ?? [] })),
      figures: shown.figures,
      field: visibleTextBox(shown.field),
      viewport: { width: doc.documentElement.clientWidth, height: doc.documentElement.clientHeight },
      active: shown.hovered ?? shown.focused,
      onActive: (index) => {
        if (this.shown !== shown) return;
        shown.focused = index;
        this.render(shown);
      },
      onClose: () => this.close(),
      onReview: () => {
        if (this.shown !== shown) return;
        const review = { type: 'audit.reviewOnAuditPage', documentKey: fieldDocumentKey(shown.field), text: shown.text };
        this.close();
        browser.runtime.sendMessage(review).catch(() => undefined);
      },
    };
    render(h(InPageAudit, props), shown.container);
  }
}
