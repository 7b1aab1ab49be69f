import { richTextAdapter } from './rich-text';

/**
 * Quill 2: native insertion is turned into a delta by its mutation observer; its beforeinput
 * handler only takes non-collapsed ranges; multi-line text goes in as a paste.
 */
export const quillAdapter = richTextAdapter({
  kind: 'quill',
  detect: (root) => root.classList.contains('ql-editor'),
  methods: (text, collapsed) => {
    if (text.includes('\n')) return ['paste', 'execCommand'];
    return collapsed ? ['execCommand', 'paste'] : ['beforeinput', 'execCommand', 'paste'];
  },
  // Quill's history module merges changes within `delay` (1,000 ms by default).
  historyMergeMs: 1100,
});
