import { richTextAdapter } from './rich-text';

/**
 * TinyMCE edits a <body contenteditable> in its own iframe; the content script runs in that
 * frame, so the browser's editing runs on the iframe's document and TinyMCE records an undo level.
 */
export const tinyMceAdapter = richTextAdapter({
  kind: 'tinymce',
  detect: (root) => root.classList.contains('mce-content-body') || root.id === 'tinymce',
  methods: (text) => (text.includes('\n') ? ['paste', 'execCommand'] : ['execCommand', 'paste']),
});
