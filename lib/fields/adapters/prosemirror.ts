import { richTextAdapter } from './rich-text';

/**
 * ProseMirror and editors built on it (TipTap, Remirror, …): its DOM observer turns a native
 * text insertion into a transaction. Multi-line text goes in as a plain-text paste, which its
 * clipboard parser splits into paragraphs in one transaction.
 */
export const proseMirrorAdapter = richTextAdapter({
  kind: 'prosemirror',
  detect: (root) => root.classList.contains('ProseMirror'),
  methods: (text) => (text.includes('\n') ? ['paste', 'execCommand'] : ['execCommand', 'paste']),
  // prosemirror-history groups adjacent changes made within `newGroupDelay` (500 ms by default).
  historyMergeMs: 600,
});
