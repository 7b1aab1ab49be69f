import { richTextAdapter } from './rich-text';

/**
 * TinyMCE edits a <body contenteditable> in its own iframe; the content script runs in that
 * frame. A native insertText edits the body but TinyMCE's undo manager records no level for it
 * (Ctrl+Z then does nothing); its paste pipeline inserts the text as one undo level.
 */
export const tinyMceAdapter = richTextAdapter({
  kind: 'tinymce',
  detect: (root) => root.classList.contains('mce-content-body') || root.id === 'tinymce',
  methods: () => ['paste', 'execCommand'],
});
