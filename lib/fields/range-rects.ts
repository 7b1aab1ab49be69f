/**
 * Viewport rectangles of ranges of a field's text (offsets into the text the adapters read), for
 * drawing highlights over a field without touching it: the in-page audit (#5).
 *
 * - contenteditable editors: the same flattened text model the adapters read; only text nodes'
 *   own boxes are measured (never whole elements a range happens to cover).
 * - textarea / input: a hidden mirror element laid out like the control (the mirror-div
 *   technique of `textarea-caret`), with one span per range; its boxes are moved onto the
 *   control's padding box and its scroll position.
 */
import { fieldKindOf } from './eligibility';
import { flattenEditable } from './text-model';

export interface TextSpan {
  start: number;
  end: number;
}

/** Lays out like the control's text (wrapping, font, spacing); size and position are set separately. */
const MIRRORED = [
  'direction', 'fontStyle', 'fontVariant', 'fontWeight', 'fontStretch', 'fontSize', 'fontSizeAdjust', 'lineHeight',
  'fontFamily', 'fontFeatureSettings', 'fontKerning', 'textAlign', 'textTransform', 'textIndent', 'letterSpacing',
  'wordSpacing', 'tabSize', 'whiteSpace', 'wordBreak', 'overflowWrap', 'hyphens', 'paddingTop', 'paddingRight',
  'paddingBottom', 'paddingLeft', 'textRendering',
] as const;

/** Boxes on one line that touch are one box (a sentence split across <b> and plain text). */
function merge(rects: DOMRect[]): DOMRect[] {
  const out: DOMRect[] = [];
  for (const rect of rects) {
    if (rect.width <= 0 || rect.height <= 0) continue;
    const last = out[out.length - 1];
    if (last && Math.abs(last.top - rect.top) < 1 && Math.abs(last.bottom - rect.bottom) < 1 && rect.left - last.right < 1.5 && rect.left >= last.left - 1) {
      out[out.length - 1] = new DOMRect(last.left, last.top, Math.max(last.right, rect.right) - last.left, last.height);
    } else {
      out.push(rect);
    }
  }
  return out;
}

function editableRects(root: HTMLElement, spans: readonly TextSpan[]): DOMRect[][] {
  const flat = flattenEditable(root);
  const range = root.ownerDocument.createRange();
  return spans.map(({ start, end }) => {
    const rects: DOMRect[] = [];
    for (const run of flat.runs) {
      const runEnd = run.start + run.length;
      if (run.length === 0 || runEnd <= start) continue;
      if (run.start >= end) break;
      range.setStart(run.node, Math.max(start, run.start) - run.start);
      range.setEnd(run.node, Math.min(end, runEnd) - run.start);
      rects.push(...Array.from(range.getClientRects()));
    }
    return merge(rects);
  });
}

function textControlRects(control: HTMLTextAreaElement | HTMLInputElement, spans: readonly TextSpan[]): DOMRect[][] {
  const doc = control.ownerDocument;
  const view = doc.defaultView ?? window;
  const computed = view.getComputedStyle(control);
  const isInput = control instanceof view.HTMLInputElement;
  const mirror = doc.createElement('div');
  const style = mirror.style;
  for (const property of MIRRORED) style[property] = computed[property];
  const paddingX = parseFloat(computed.paddingLeft) + parseFloat(computed.paddingRight);
  const paddingY = parseFloat(computed.paddingTop) + parseFloat(computed.paddingBottom);
  // The control's padding box without its scrollbar: the width its text wraps in.
  Object.assign(style, {
    position: 'absolute', top: '0', left: '0', visibility: 'hidden', pointerEvents: 'none', overflow: 'hidden',
    boxSizing: 'content-box', border: '0', margin: '0', height: 'auto', contain: 'layout style',
    width: isInput ? 'max-content' : `${Math.max(0, control.clientWidth - paddingX)}px`,
  });
  if (isInput) {
    // One line, vertically centred in the content box the way an <input> draws it.
    style.whiteSpace = 'pre';
    style.lineHeight = `${Math.max(0, control.clientHeight - paddingY)}px`;
  } else if (computed.whiteSpace === 'normal') {
    style.whiteSpace = 'pre-wrap';
  }
  const text = control.value;
  const measured: HTMLSpanElement[] = [];
  let at = 0;
  for (const span of spans) {
    const start = Math.max(at, Math.min(span.start, text.length));
    const end = Math.max(start, Math.min(span.end, text.length));
    mirror.append(text.slice(at, start));
    const element = doc.createElement('span');
    element.textContent = text.slice(start, end);
    mirror.append(element);
    measured.push(element);
    at = end;
  }
  // A trailing character keeps a final empty line's height, as the control has it.
  mirror.append(`${text.slice(at)}.`);
  doc.documentElement.append(mirror);
  try {
    const origin = mirror.getBoundingClientRect();
    const box = control.getBoundingClientRect();
    const dx = box.left + control.clientLeft - control.scrollLeft - origin.left;
    const dy = box.top + control.clientTop - control.scrollTop - origin.top;
    return measured.map((element) =>
      merge(Array.from(element.getClientRects(), (rect) => new DOMRect(rect.left + dx, rect.top + dy, rect.width, rect.height))),
    );
  } finally {
    mirror.remove();
  }
}

/**
 * Viewport rectangles (one per line fragment) of each [start, end) of the field's text, in the
 * order given; `spans` must be sorted and not overlap. Empty for a field no adapter reads.
 */
export function rangeRects(element: HTMLElement, spans: readonly TextSpan[]): DOMRect[][] {
  const kind = fieldKindOf(element);
  if (kind === 'textarea' || kind === 'input') return textControlRects(element as HTMLTextAreaElement | HTMLInputElement, spans);
  if (kind === 'contenteditable') return editableRects(element, spans);
  return spans.map(() => []);
}

/**
 * The part of the viewport where the field shows its text: its padding box (without
 * scrollbars) within the viewport. A whole-document editor (an iframe's body) shows it in the viewport.
 */
export function visibleTextBox(element: HTMLElement): DOMRect {
  const doc = element.ownerDocument;
  const viewport = new DOMRect(0, 0, doc.documentElement.clientWidth || (doc.defaultView?.innerWidth ?? 0), doc.documentElement.clientHeight || (doc.defaultView?.innerHeight ?? 0));
  if (element === doc.body || element === doc.documentElement) return viewport;
  const box = element.getBoundingClientRect();
  const left = Math.max(viewport.left, box.left + element.clientLeft);
  const top = Math.max(viewport.top, box.top + element.clientTop);
  const right = Math.min(viewport.right, box.left + element.clientLeft + (element.clientWidth || box.width));
  const bottom = Math.min(viewport.bottom, box.top + element.clientTop + (element.clientHeight || box.height));
  return new DOMRect(left, top, Math.max(0, right - left), Math.max(0, bottom - top));
}

/** The part of `rect` inside `clip`, or nothing. */
export function clipTo(rect: DOMRect, clip: DOMRect): DOMRect[] {
  const left = Math.max(rect.left, clip.left);
  const top = Math.max(rect.top, clip.top);
  const right = Math.min(rect.right, clip.right);
  const bottom = Math.min(rect.bottom, clip.bottom);
  return right > left && bottom > top ? [new DOMRect(left, top, right - left, bottom - top)] : [];
}
