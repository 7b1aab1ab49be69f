// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { domPointToOffset, flattenEditable, offsetToDomPoint, rangeForOffsets } from '../../lib/fields/text-model';

function editable(html: string): HTMLElement {
  const root = document.createElement('div');
  root.contentEditable = 'true';
  root.innerHTML = html;
  document.body.replaceChildren(root);
  return root;
}

const textOf = (html: string) => flattenEditable(editable(html)).text;

describe('flattenEditable: one text model for every editor', () => {
  it('blocks are lines, with no newline after the last one', () => {
    expect(textOf('<p>One.</p><p>Two.</p>')).toBe('One.\nTwo.');
    expect(textOf('<div><div>One.</div></div><div>Two.</div>')).toBe('One.\nTwo.');
  });

  it('a <br> breaks a line; a placeholder <br> only holds an empty line open', () => {
    expect(textOf('<div>a<br>b</div>')).toBe('a\nb');
    expect(textOf('<p>a</p><p><br></p><p>b</p>')).toBe('a\n\nb');
    expect(textOf('<p>a<br></p>')).toBe('a');
    expect(textOf('<div>a<br><br></div>')).toBe('a\n');
    // ProseMirror's trailing break after a hard break; CKEditor's filler.
    expect(textOf('<p>a<br><br class="ProseMirror-trailingBreak"></p><p>b</p>')).toBe('a\n\nb');
    expect(textOf('<p>a</p><p><br data-cke-filler="true"></p>')).toBe('a\n');
  });

  it('zero-width placeholders (Slate, Quill cursor, CKEditor filler) are no text', () => {
    const slateEmpty =
      '<div data-slate-node="element"><span data-slate-node="text"><span data-slate-leaf="true"><span data-slate-zero-width="n" data-slate-length="0">\ufeff<br></span></span></span></div>';
    expect(textOf(`<div data-slate-node="element"><span>a</span></div>${slateEmpty}<div><span>b</span></div>`)).toBe('a\n\nb');
    expect(textOf('<p>ab<span class="ql-cursor">\ufeff</span>c</p>')).toBe('abc');
  });

  it('skips contenteditable=false islands, scripts and layout whitespace between blocks', () => {
    expect(textOf('<p>a<span contenteditable="false">[widget]</span>b</p>')).toBe('ab');
    expect(textOf('\n  <p>a</p>\n  <p>b</p>\n')).toBe('a\nb');
    expect(textOf('<p>a<script>x()</script></p>')).toBe('a');
  });

  it('keeps emoji ZWJ sequences and mixed scripts as they are', () => {
    expect(textOf('<p dir="auto">שלום 👩‍👩‍👧‍👦 world مرحبا</p>')).toBe('שלום 👩‍👩‍👧‍👦 world مرحبا');
  });
});

describe('offsets ↔ DOM positions', () => {
  it('round-trips every offset of a multi-block document with formatting', () => {
    const root = editable('<p>The <b>council</b> met.</p><p><br></p><p>Residents 👩‍👩‍👧 asked.</p>');
    const flat = flattenEditable(root);
    for (let offset = 0; offset <= flat.text.length; offset++) {
      const point = offsetToDomPoint(flat, root, offset);
      expect(domPointToOffset(flat, root, point.node, point.offset), `offset ${offset}`).toBe(offset);
    }
  });

  it('an empty line maps to a position inside its own block', () => {
    const root = editable('<p>a</p><p><br></p><p>b</p>');
    const flat = flattenEditable(root);
    const point = offsetToDomPoint(flat, root, 2);
    expect(point.node).toBe(root.children[1]);
    expect(point.offset).toBe(0);
  });

  it('element positions resolve to the line that holds them', () => {
    const root = editable('<p>ab</p><p>cd</p>');
    const flat = flattenEditable(root);
    const [first, second] = Array.from(root.children);
    expect(domPointToOffset(flat, root, first!, 1)).toBe(2); // after "ab", inside the first line
    expect(domPointToOffset(flat, root, second!, 0)).toBe(3); // start of "cd"
    expect(domPointToOffset(flat, root, root, root.childNodes.length)).toBe(5);
  });

  it('a range for offsets selects exactly that text', () => {
    const root = editable('<p>The <i>council</i> met on Monday.</p><p>Residents asked.</p>');
    const flat = flattenEditable(root);
    const start = flat.text.indexOf('council met');
    const range = rangeForOffsets(flat, root, start, start + 'council met'.length);
    expect(range.toString()).toBe('council met');
    const across = rangeForOffsets(flat, root, flat.text.indexOf('Monday'), flat.text.indexOf(' asked'));
    expect(across.toString()).toBe('Monday.Residents');
  });
});

describe('sentences for the audit: same text model, with DOM ranges', () => {
  it('gives each sentence its offsets and a Range that selects exactly it', async () => {
    const { readFieldSentences } = await import('../../lib/fields');
    const root = editable('<p>The council met. The <b>mayor</b> spoke.</p><p>Residents 👩‍👩‍👧 asked why.</p>');
    root.className = 'ProseMirror';
    const field = readFieldSentences(root)!;
    expect(field.kind).toBe('prosemirror');
    expect(field.sentences.map((s) => s.text)).toEqual(['The council met.', 'The mayor spoke.', 'Residents 👩‍👩‍👧 asked why.']);
    for (const sentence of field.sentences) {
      expect(field.text.slice(sentence.start, sentence.end)).toBe(sentence.text);
      expect(sentence.range?.toString()).toBe(sentence.text);
    }
  });

  it('textarea sentences have offsets and no DOM range', async () => {
    const { readFieldSentences } = await import('../../lib/fields');
    document.body.innerHTML = '<textarea>One. Two.</textarea>';
    const field = readFieldSentences(document.querySelector('textarea')!)!;
    expect(field.sentences.map((s) => [s.start, s.end, s.range])).toEqual([[0, 4, null], [5, 9, null]]);
  });
});
