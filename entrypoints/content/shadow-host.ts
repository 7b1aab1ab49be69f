import { SHADOW_ROOT_MODE } from '@/lib/shadow-mode';

/** Stacking of our UI over the page and over each other: the panel and what opens it on top. */
const LAYERS = {
  'ledgerline-panel': 2147483647,
  'ledgerline-rewrite': 2147483647,
  'ledgerline-audit': 2147483646,
  'ledgerline-count': 2147483646,
  'ledgerline-proofread': 2147483645,
} as const;

export type OwnHostTag = keyof typeof LAYERS;

export interface ShadowHost {
  host: HTMLElement;
  shadow: ShadowRoot;
}

/**
 * A host element for a piece of our UI, with `css` adopted in its shadow root: page CSS cannot
 * reach in, ours cannot leak out. It goes at the end of <html>, outside <body>: an editor in an
 * iframe (TinyMCE) makes its <body> the editable, and anything inside it would be saved into the
 * writer's content and undo levels. `ownKeys`: keys typed inside stay inside (the page must not
 * act on them).
 */
export function mountShadowHost(doc: Document, tag: OwnHostTag, css: string, { ownKeys = false, pointerEvents = true } = {}): ShadowHost {
  const host = doc.createElement(tag);
  host.style.cssText = `all:initial;position:fixed;top:0;left:0;width:0;height:0;z-index:${LAYERS[tag]};${pointerEvents ? '' : 'pointer-events:none;'}`;
  const shadow = host.attachShadow({ mode: SHADOW_ROOT_MODE });
  const style = doc.createElement('style');
  style.textContent = css;
  shadow.append(style);
  if (ownKeys) for (const type of ['keydown', 'keyup', 'keypress']) host.addEventListener(type, (event) => event.stopPropagation());
  doc.documentElement.append(host);
  return { host, shadow };
}

/** Our UI a writer moves focus into while still working in the field (the audit overlay ends that work). */
const FIELD_KEEPING: ReadonlySet<string> = new Set<OwnHostTag>(['ledgerline-panel', 'ledgerline-rewrite', 'ledgerline-proofread']);

/** True when an event's path passes through that UI: focus moving there keeps the field. */
export function isInOwnUi(path: readonly EventTarget[]): boolean {
  return path.some((node) => node instanceof Element && FIELD_KEEPING.has(node.localName));
}
