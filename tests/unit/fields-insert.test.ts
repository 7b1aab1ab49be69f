// @vitest-environment happy-dom
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { slateAdapter } from '../../lib/fields/adapters/slate';
import { textControlAdapter } from '../../lib/fields/adapters/text-control';
import { insertWithFallback, sameText } from '../../lib/fields/insert-methods';

beforeAll(() => {
  // happy-dom has no StaticRange constructor.
  if (typeof (globalThis as { StaticRange?: unknown }).StaticRange !== 'function') {
    (globalThis as { StaticRange?: unknown }).StaticRange = class {
      startContainer: Node; startOffset: number; endContainer: Node; endOffset: number; collapsed: boolean;
      constructor(init: { startContainer: Node; startOffset: number; endContainer: Node; endOffset: number }) {
        this.startContainer = init.startContainer;
        this.startOffset = init.startOffset;
        this.endContainer = init.endContainer;
        this.endOffset = init.endOffset;
        this.collapsed = init.startContainer === init.endContainer && init.startOffset === init.endOffset;
      }
    };
  }
});

afterEach(() => {
  vi.restoreAllMocks();
  (document as { execCommand?: unknown }).execCommand = undefined;
});

function editor(html = '<p>The council met.</p>'): HTMLElement {
  const root = document.createElement('div');
  root.contentEditable = 'true';
  root.innerHTML = html;
  document.body.replaceChildren(root);
  return root;
}

/** A fake editor model: applies an insertion at the selection into the first paragraph's text. */
function applyAtSelection(root: HTMLElement, text: string): void {
  const selection = document.getSelection()!;
  const range = selection.getRangeAt(0);
  range.deleteContents();
  range.insertNode(document.createTextNode(text));
  root.normalize();
}

describe('insertWithFallback: the next method only when the previous one changed nothing', () => {
  it('falls back from a refused execCommand and an ignored beforeinput to paste, firing each once', async () => {
    const root = editor();
    const fired: string[] = [];
    (document as { execCommand?: unknown }).execCommand = () => {
      fired.push('execCommand');
      return false;
    };
    root.addEventListener('beforeinput', () => fired.push('beforeinput'));
    root.addEventListener('paste', (event) => {
      fired.push('paste');
      event.preventDefault();
      applyAtSelection(root, (event as ClipboardEvent).clipboardData!.getData('text/plain'));
    });
    const outcome = await insertWithFallback(root, 16, 16, ' Then it rained.', ['execCommand', 'beforeinput', 'paste', 'dom']);
    expect(outcome).toEqual({ ok: true, method: 'paste' });
    expect(fired).toEqual(['execCommand', 'beforeinput', 'paste']);
    expect(root.textContent).toBe('The council met. Then it rained.');
  });

  it('stops when an editor changes the text differently: no second method, reported', async () => {
    const root = editor();
    const fired: string[] = [];
    root.addEventListener('beforeinput', (event) => {
      fired.push('beforeinput');
      event.preventDefault();
      applyAtSelection(root, 'SOMETHING ELSE');
    });
    root.addEventListener('paste', () => fired.push('paste'));
    const outcome = await insertWithFallback(root, 16, 16, ' Then.', ['beforeinput', 'paste', 'dom']);
    expect(outcome.ok).toBe(false);
    expect(fired).toEqual(['beforeinput']);
  });

  it('stops when an editor takes the event but applies it late (never inserts twice)', async () => {
    const root = editor();
    const fired: string[] = [];
    root.addEventListener('beforeinput', (event) => {
      fired.push('beforeinput');
      event.preventDefault();
      setTimeout(() => applyAtSelection(root, ' Late.'), 1_000);
    });
    root.addEventListener('paste', () => fired.push('paste'));
    const outcome = await insertWithFallback(root, 16, 16, ' Late.', ['beforeinput', 'paste']);
    expect(outcome.ok).toBe(false);
    expect(fired).toEqual(['beforeinput']);
  });

  it('the DOM fallback inserts lines with <br> and announces an input event', async () => {
    const root = editor('<div>Start.</div>');
    const inputs: string[] = [];
    root.addEventListener('input', (event) => inputs.push((event as InputEvent).inputType));
    const outcome = await insertWithFallback(root, 6, 6, ' One.\nTwo.', ['dom']);
    expect(outcome).toEqual({ ok: true, method: 'dom' });
    expect(root.innerHTML).toBe('<div>Start. One.<br>Two.</div>');
    expect(inputs).toEqual(['insertText']);
  });

  it('refuses offsets outside the text', async () => {
    const root = editor();
    expect((await insertWithFallback(root, 5, 999, 'x', ['dom'])).ok).toBe(false);
  });

  it('compares text loosely for NBSP and paragraph breaks only', () => {
    expect(sameText('a\u00a0b\n\nc', 'a b\nc')).toBe(true);
    expect(sameText('a b', 'a  b')).toBe(false);
  });
});

describe('Slate: a collapsed insertion starts a new undo step', () => {
  it('replaces the character before the caret with itself plus the text', async () => {
    const root = editor('<p>The mayor</p>');
    root.setAttribute('data-slate-editor', 'true');
    const seen: Array<string | null> = [];
    root.addEventListener('beforeinput', (event) => {
      const input = event as InputEvent;
      seen.push(input.data);
      event.preventDefault();
      applyAtSelection(root, input.data ?? '');
    });
    const outcome = await slateAdapter.replace(root, 9, 9, ' said no.');
    expect(outcome).toEqual({ ok: true, method: 'beforeinput' });
    expect(seen).toEqual(['r said no.']);
    expect(root.textContent).toBe('The mayor said no.');
  });
});

describe('text controls', () => {
  it('uses the native value setter + input event when execCommand is unavailable (React-controlled fields)', async () => {
    document.body.innerHTML = '<textarea>The council met.</textarea>';
    const textarea = document.querySelector('textarea')!;
    const inputs: string[] = [];
    textarea.addEventListener('input', (event) => inputs.push((event as InputEvent).inputType));
    const outcome = await textControlAdapter.replace(textarea, 16, 16, ' Then.');
    expect(outcome).toEqual({ ok: true, method: 'value-setter' });
    expect(textarea.value).toBe('The council met. Then.');
    expect(textarea.selectionStart).toBe(22);
    expect(inputs).toEqual(['insertReplacementText']);
  });

  it('reads the selection as offsets', () => {
    document.body.innerHTML = '<textarea>The council met.</textarea>';
    const textarea = document.querySelector('textarea')!;
    textarea.setSelectionRange(4, 11);
    expect(textControlAdapter.read(textarea)).toEqual({ text: 'The council met.', selectionStart: 4, selectionEnd: 11 });
  });
});
