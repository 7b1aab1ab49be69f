/**
 * The selection inside an editable root, including roots inside (nested) open shadow roots,
 * where `document.getSelection()` only reports the shadow host.
 */

type ComposedSelection = Selection & {
  getComposedRanges?: (options: { shadowRoots: ShadowRoot[] }) => StaticRange[];
};

function shadowChain(node: Node): ShadowRoot[] {
  const roots: ShadowRoot[] = [];
  for (let root = node.getRootNode(); root instanceof ShadowRoot; root = root.host.getRootNode()) roots.push(root);
  return roots;
}

/** The selection's first range when it lies in `root`, or null. */
export function selectionRangeIn(root: HTMLElement): Range | null {
  const doc = root.ownerDocument;
  const selection = doc.getSelection() as ComposedSelection | null;
  if (!selection || selection.rangeCount === 0) return null;
  const shadows = shadowChain(root);
  let range: Range | null = null;
  if (shadows.length > 0) {
    const composed = selection.getComposedRanges?.({ shadowRoots: shadows })[0];
    if (composed) {
      range = doc.createRange();
      range.setStart(composed.startContainer, composed.startOffset);
      range.setEnd(composed.endContainer, composed.endOffset);
    } else {
      const legacy = (shadows[0] as ShadowRoot & { getSelection?: () => Selection | null }).getSelection?.();
      if (legacy && legacy.rangeCount > 0) range = legacy.getRangeAt(0);
    }
  } else {
    range = selection.getRangeAt(0);
  }
  if (!range) return null;
  return root.contains(range.startContainer) && root.contains(range.endContainer) ? range : null;
}

/** Selects `range` (forwards). Works for nodes inside shadow roots in Chromium. */
export function selectRange(root: HTMLElement, range: Range): void {
  const selection = root.ownerDocument.getSelection();
  if (!selection) return;
  selection.setBaseAndExtent(range.startContainer, range.startOffset, range.endContainer, range.endOffset);
}

/** The element deepest in open shadow roots that has focus in `doc`. */
export function deepActiveElement(doc: Document): Element | null {
  let active: Element | null = doc.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}
