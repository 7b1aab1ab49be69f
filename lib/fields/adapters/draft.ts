import { richTextAdapter } from './rich-text';

/**
 * Draft.js reverts DOM edits it did not make and reads React's synthetic beforeinput, not ours;
 * its paste handler turns plain text into one `insert-fragment` change (blocks per line).
 */
export const draftAdapter = richTextAdapter({
  kind: 'draft',
  detect: (root) => root.classList.contains('public-DraftEditor-content') || root.closest('.DraftEditor-root') !== null,
  methods: () => ['paste', 'execCommand'],
});
