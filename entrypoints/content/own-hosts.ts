/** The elements the content script puts on a page to hold its UI, each around a shadow root. */
const OWN_HOST_TAGS = new Set(['ledgerline-panel', 'ledgerline-rewrite', 'ledgerline-proofread']);

/** True when an event's path passes through our own UI: focus moving there keeps the field. */
export function isInOwnUi(path: readonly EventTarget[]): boolean {
  return path.some((node) => node instanceof Element && OWN_HOST_TAGS.has(node.localName));
}
