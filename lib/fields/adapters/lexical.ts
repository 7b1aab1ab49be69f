import { richTextAdapter } from './rich-text';

/**
 * Lexical: native insertion is reconciled from the DOM; multi-line text goes through its
 * controlled text insertion (beforeinput with a DataTransfer), which creates paragraphs.
 */
export const lexicalAdapter = richTextAdapter({
  kind: 'lexical',
  detect: (root) => root.hasAttribute('data-lexical-editor'),
  methods: (text) => (text.includes('\n') ? ['beforeinput', 'paste'] : ['execCommand', 'beforeinput', 'paste']),
  // @lexical/history merges changes within the delay the app passes to registerHistory (commonly
  // 300 ms to 1 s): the longer end is waited out.
  historyMergeMs: 1100,
});
