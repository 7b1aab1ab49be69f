// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { editableRootOf, fieldKindOf, isSiteDisabled, refusalReason } from '../../lib/fields/eligibility';
import { adapterFor } from '../../lib/fields';

function html(markup: string): HTMLElement {
  document.body.innerHTML = markup;
  return document.body.querySelector('[data-target]') as HTMLElement;
}

describe('which fields may be read', () => {
  it.each([
    ['<input data-target type="password">', 'password field'],
    ['<input data-target type="text" autocomplete="cc-number">', 'payment'],
    ['<input data-target type="text" autocomplete="billing cc-name">', 'payment'],
    ['<input data-target type="text" autocomplete="one-time-code">', 'one-time-code'],
    ['<input data-target type="text" name="otp">', 'one-time-code'],
    ['<textarea data-target data-gramm="false"></textarea>', 'opted'],
    ['<div data-enable-grammarly="false"><textarea data-target></textarea></div>', 'opted'],
    ['<div class="cm-editor"><div class="cm-content" contenteditable="true" data-target></div></div>', 'code editor'],
    ['<div class="monaco-editor"><textarea data-target class="inputarea"></textarea></div>', 'code editor'],
    ['<div class="CodeMirror"><textarea data-target></textarea></div>', 'code editor'],
    ['<textarea data-target readonly></textarea>', 'read-only'],
  ])('%s is refused (%s)', (markup, reason) => {
    expect(refusalReason(html(markup))).toContain(reason);
  });

  it.each([
    '<textarea data-target></textarea>',
    '<input data-target type="search">',
    '<input data-target type="email">',
    '<div contenteditable="true" data-target></div>',
  ])('%s is allowed', (markup) => {
    expect(refusalReason(html(markup))).toBeNull();
  });

  it('only text-like inputs are fields', () => {
    expect(fieldKindOf(html('<input data-target type="checkbox">'))).toBeNull();
    expect(fieldKindOf(html('<input data-target type="number">'))).toBeNull();
    expect(fieldKindOf(html('<input data-target type="url">'))).toBe('input');
  });

  it('the editable root is the outermost contenteditable', () => {
    const inner = html('<div id="outer" contenteditable="true"><p><span data-target>x</span></p></div>');
    expect(editableRootOf(inner)?.id).toBe('outer');
  });
});

describe('editor detection', () => {
  it.each([
    ['<div class="ProseMirror" contenteditable="true" data-target></div>', 'prosemirror'],
    ['<div data-lexical-editor="true" contenteditable="true" data-target></div>', 'lexical'],
    ['<div class="DraftEditor-root"><div class="public-DraftEditor-content" contenteditable="true" data-target></div></div>', 'draft'],
    ['<div data-slate-editor="true" contenteditable="true" data-target></div>', 'slate'],
    ['<div class="ql-editor" contenteditable="true" data-target></div>', 'quill'],
    ['<div class="ck-editor__editable ck-content" contenteditable="true" data-target></div>', 'ckeditor'],
    ['<div class="mce-content-body" contenteditable="true" data-target></div>', 'tinymce'],
    ['<p class="block-editor-rich-text__editable rich-text" contenteditable="true" data-target></p>', 'wordpress'],
    ['<div contenteditable="true" data-target></div>', 'contenteditable'],
    ['<textarea data-target></textarea>', 'text-control'],
  ])('%s → %s', (markup, kind) => {
    expect(adapterFor(html(markup))?.kind).toBe(kind);
  });
});

describe('sites turned off', () => {
  it('matches the host and its subdomains, not look-alikes', () => {
    expect(isSiteDisabled('example.com', ['example.com'])).toBe(true);
    expect(isSiteDisabled('news.example.com', ['example.com'])).toBe(true);
    expect(isSiteDisabled('news.example.com', ['*.example.com'])).toBe(true);
    expect(isSiteDisabled('badexample.com', ['example.com'])).toBe(false);
    expect(isSiteDisabled('EXAMPLE.com.', ['example.com'])).toBe(true);
    expect(isSiteDisabled('', ['example.com'])).toBe(false);
    expect(isSiteDisabled('example.com', [' '])).toBe(false);
  });
});
