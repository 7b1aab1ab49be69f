import { richTextAdapter } from './rich-text';

/**
 * Slate ignores DOM mutations; it applies beforeinput (with target ranges, or a DataTransfer for
 * several lines) to its model. slate-history merges an insert_text that continues the previous
 * one into the same undo step, so text inserted right after typed words would be undone with
 * them. A collapsed insertion therefore replaces the character before the caret with itself
 * plus the text: the edit starts with a remove_text, which opens a new undo step, and the result
 * is the same text.
 */
export const slateAdapter = richTextAdapter({
  kind: 'slate',
  detect: (root) => root.hasAttribute('data-slate-editor'),
  methods: () => ['beforeinput', 'paste'],
  widen: (text, start, end, insert) => {
    if (start !== end || start === 0) return { start, end, insert };
    const width = start >= 2 && /[\udc00-\udfff]/.test(text[start - 1]!) && /[\ud800-\udbff]/.test(text[start - 2]!) ? 2 : 1;
    const previous = text.slice(start - width, start);
    if (previous.includes('\n')) return { start, end, insert };
    return { start: start - width, end, insert: previous + insert };
  },
});
