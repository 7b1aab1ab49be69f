/**
 * One text model for every contenteditable editor: the element's text as a plain string, as a
 * writer sees it, with a map back to DOM positions. Offsets computed on that text (sentences,
 * the selection, where to insert) turn into a DOM Range and back.
 *
 * - A block element ends a line ("\n" between blocks, none after the last one).
 * - A <br> is a line break, except the placeholder <br> that keeps an empty or trailing line
 *   open (`<p><br></p>`, ProseMirror's trailing break, Draft's and CKEditor's fillers).
 * - Zero-width placeholder text (Slate's zero-width spans, Quill's cursor, CKEditor's inline
 *   filler) counts as no text but still maps a position, so a caret on an empty line works.
 * - `contenteditable="false"` islands (widgets, mentions' chrome) and scripts are skipped.
 */

const BLOCK_TAGS = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'DD', 'DIV', 'DL', 'DT', 'FIGCAPTION', 'FIGURE', 'FOOTER',
  'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI', 'MAIN', 'NAV', 'OL', 'P', 'PRE', 'SECTION',
  'TABLE', 'TR', 'UL', 'BODY',
]);
const SKIPPED_TAGS = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT']);
const ZERO_WIDTH_ONLY = /^[\u200b\u2060\ufeff]+$/;

/** A text node's characters at [start, start + length) of the flattened text (length 0: placeholder). */
export interface TextRun {
  node: Text;
  start: number;
  length: number;
}

/** A position with no text of its own (before a placeholder <br>) at `start` in the flattened text. */
interface Anchor {
  container: Node;
  index: number;
  start: number;
}

export interface FlatText {
  text: string;
  runs: TextRun[];
  anchors: Anchor[];
}

function isBlock(node: Node | null): boolean {
  return node instanceof Element && BLOCK_TAGS.has(node.tagName);
}

function isSkipped(element: Element, root: Node): boolean {
  if (SKIPPED_TAGS.has(element.tagName)) return true;
  return element !== root && element.getAttribute('contenteditable') === 'false';
}

/** Whether a node shows anything on the line it is on (text, a break, an image). */
function hasInlineContent(node: Node): boolean {
  if (node.nodeType === Node.TEXT_NODE) {
    const data = (node as Text).data;
    return data.length > 0 && !ZERO_WIDTH_ONLY.test(data) && !/^\s*\n\s*$/.test(data);
  }
  if (!(node instanceof Element) || SKIPPED_TAGS.has(node.tagName)) return false;
  if (node.tagName === 'BR' || node.tagName === 'IMG') return true;
  for (let child = node.firstChild; child; child = child.nextSibling) if (hasInlineContent(child)) return true;
  return false;
}

/** A <br> that only holds its line open: nothing visible follows it before its block ends. */
function isPlaceholderBreak(br: Element, root: Node): boolean {
  let node: Node = br;
  for (;;) {
    for (let sibling = node.nextSibling; sibling; sibling = sibling.nextSibling) {
      if (isBlock(sibling)) return true;
      if (hasInlineContent(sibling)) return false;
    }
    const parent = node.parentNode;
    if (!parent || parent === root || isBlock(parent)) return true;
    node = parent;
  }
}

/** Source-formatting whitespace between blocks ("\n  " between two <p>) renders as nothing. */
function isLayoutWhitespace(node: Text): boolean {
  if (!/^\s*\n\s*$/.test(node.data)) return false;
  const previous = node.previousSibling;
  const next = node.nextSibling;
  return (!previous || isBlock(previous)) && (!next || isBlock(next));
}

export function flattenEditable(root: HTMLElement): FlatText {
  const runs: TextRun[] = [];
  const anchors: Anchor[] = [];
  let text = '';
  let lineOpen = false; // something (text or an empty line's placeholder) since the last line end
  let pendingBreak = false; // a block ended; "\n" is written when more content follows

  const flush = () => {
    if (pendingBreak) text += '\n';
    pendingBreak = false;
  };
  const endLine = () => {
    if (lineOpen) pendingBreak = true;
    lineOpen = false;
  };

  const walk = (node: Node) => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === Node.TEXT_NODE) {
        const textNode = child as Text;
        const data = textNode.data;
        if (data.length === 0 || isLayoutWhitespace(textNode)) continue;
        flush();
        runs.push({ node: textNode, start: text.length, length: ZERO_WIDTH_ONLY.test(data) ? 0 : data.length });
        if (!ZERO_WIDTH_ONLY.test(data)) text += data;
        lineOpen = true;
      } else if (child instanceof Element) {
        if (isSkipped(child, root)) continue;
        if (child.tagName === 'BR') {
          flush();
          const index = Array.prototype.indexOf.call(node.childNodes, child) as number;
          anchors.push({ container: node, index, start: text.length });
          if (isPlaceholderBreak(child, root)) {
            lineOpen = true;
          } else {
            text += '\n';
            lineOpen = true;
          }
          continue;
        }
        const block = isBlock(child);
        if (block) endLine();
        walk(child);
        if (block) endLine();
      }
    }
  };
  walk(root);
  return { text, runs, anchors };
}

/** Text offset → DOM position (inside a text node where possible). */
export function offsetToDomPoint(flat: FlatText, root: HTMLElement, offset: number): { node: Node; offset: number } {
  let candidate: TextRun | undefined;
  for (const run of flat.runs) {
    if (offset < run.start) break;
    if (offset <= run.start + run.length) {
      // Prefer a run with real text that contains the offset strictly; at a boundary between two
      // runs of one line, the earlier one (typing continues its formatting).
      if (!candidate || (candidate.length === 0 && run.length > 0) || candidate.start + candidate.length < offset) candidate = run;
    }
  }
  if (candidate) return { node: candidate.node, offset: candidate.length === 0 ? 0 : offset - candidate.start };
  const anchor = flat.anchors.find((item) => item.start === offset);
  if (anchor) return { node: anchor.container, offset: anchor.index };
  // Between runs (a line break): the end of the line before.
  let previous: TextRun | undefined;
  for (const run of flat.runs) {
    if (run.start > offset) break;
    previous = run;
  }
  if (previous) return { node: previous.node, offset: previous.length === 0 ? 0 : previous.node.data.length };
  const first = flat.runs[0];
  if (first) return { node: first.node, offset: 0 };
  return { node: root, offset: root.childNodes.length };
}

/** DOM position → text offset; positions outside the root clamp to its end. */
export function domPointToOffset(flat: FlatText, root: HTMLElement, node: Node, offset: number): number {
  if (node !== root && !root.contains(node)) return flat.text.length;
  if (node.nodeType === Node.TEXT_NODE) {
    const run = flat.runs.find((candidate) => candidate.node === node);
    if (run) return run.start + Math.min(offset, run.length);
  }
  const point = root.ownerDocument.createRange();
  point.setStart(node, offset);
  // Marks in document order: text runs and placeholder anchors.
  type Mark = { start: number; end: number; container: Node; index: number; text: Text | null };
  const marks: Mark[] = [
    ...flat.runs.map((run) => ({ start: run.start, end: run.start + run.length, container: run.node as Node, index: 0, text: run.node })),
    ...flat.anchors.map((anchor) => ({ start: anchor.start, end: anchor.start, container: anchor.container, index: anchor.index, text: null })),
  ];
  marks.sort((a, b) => a.start - b.start || (a.text ? 1 : -1));
  let previousEnd: number | null = null;
  for (const mark of marks) {
    const compared = point.comparePoint(mark.container, mark.index);
    if (compared >= 0) {
      // The point is at or before this mark. Between two lines it belongs to the line whose
      // element holds it.
      if (previousEnd !== null && compared > 0 && !(node as Node).contains(mark.container)) return previousEnd;
      return mark.start;
    }
    if (mark.text && point.comparePoint(mark.text, mark.text.data.length) >= 0) return mark.end;
    previousEnd = mark.end;
  }
  return flat.text.length;
}

export function rangeForOffsets(flat: FlatText, root: HTMLElement, start: number, end: number): Range {
  const range = root.ownerDocument.createRange();
  const from = offsetToDomPoint(flat, root, start);
  const to = offsetToDomPoint(flat, root, end);
  range.setStart(from.node, from.offset);
  range.setEnd(to.node, to.offset);
  return range;
}
