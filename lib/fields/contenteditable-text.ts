/**
 * A contenteditable element's text as a plain string with a map back to DOM positions, so
 * offsets computed on the text (sentences, selection, insertion point) can be turned into a DOM
 * Range and back. Block boundaries and <br> become "\n", as a writer sees them.
 */

const BLOCK_TAGS = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'DD', 'DIV', 'DL', 'DT', 'FIGCAPTION', 'FIGURE', 'FOOTER',
  'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI', 'MAIN', 'NAV', 'OL', 'P', 'PRE', 'SECTION',
  'TABLE', 'TR', 'UL',
]);

interface TextRun {
  node: Text;
  start: number; // offset of node.data[0] in the flattened text
}

export interface FlatText {
  text: string;
  runs: TextRun[];
}

export function flattenEditable(root: HTMLElement): FlatText {
  const runs: TextRun[] = [];
  let text = '';
  const breakLine = () => {
    if (text.length > 0 && !text.endsWith('\n')) text += '\n';
  };
  const walk = (node: Node) => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === Node.TEXT_NODE) {
        const data = (child as Text).data;
        if (data.length === 0) continue;
        runs.push({ node: child as Text, start: text.length });
        text += data;
      } else if (child instanceof HTMLElement) {
        if (child.tagName === 'BR') {
          text += '\n';
          continue;
        }
        if (child.getAttribute('contenteditable') === 'false') continue;
        const block = BLOCK_TAGS.has(child.tagName);
        if (block) breakLine();
        walk(child);
        if (block) breakLine();
      }
    }
  };
  walk(root);
  // A trailing block break is layout, not text.
  if (text.endsWith('\n') && root.lastChild && !(root.lastChild instanceof HTMLBRElement)) text = text.slice(0, -1);
  return { text, runs };
}

/** Text offset → DOM position (inside a text node where possible). */
export function offsetToDomPoint(flat: FlatText, root: HTMLElement, offset: number): { node: Node; offset: number } {
  let previous: TextRun | undefined;
  for (const run of flat.runs) {
    const end = run.start + run.node.data.length;
    if (offset >= run.start && offset <= end) return { node: run.node, offset: offset - run.start };
    if (run.start > offset) {
      // The offset falls on a line break between runs: the end of the previous line.
      return previous
        ? { node: previous.node, offset: previous.node.data.length }
        : { node: run.node, offset: 0 };
    }
    previous = run;
  }
  return previous ? { node: previous.node, offset: previous.node.data.length } : { node: root, offset: root.childNodes.length };
}

/** DOM position → text offset; positions outside the root clamp to its ends. */
export function domPointToOffset(flat: FlatText, root: HTMLElement, node: Node, offset: number): number {
  if (!root.contains(node)) return flat.text.length;
  if (node.nodeType === Node.TEXT_NODE) {
    const run = flat.runs.find((candidate) => candidate.node === node);
    if (run) return run.start + Math.min(offset, run.node.data.length);
  }
  const point = document.createRange();
  point.setStart(node, offset);
  // First run at or after the point starts there; otherwise we are after the last run.
  for (const run of flat.runs) {
    if (point.comparePoint(run.node, 0) >= 0) return run.start;
  }
  return flat.text.length;
}

export function rangeForOffsets(flat: FlatText, root: HTMLElement, start: number, end: number): Range {
  const range = document.createRange();
  const from = offsetToDomPoint(flat, root, start);
  const to = offsetToDomPoint(flat, root, end);
  range.setStart(from.node, from.offset);
  range.setEnd(to.node, to.offset);
  return range;
}
