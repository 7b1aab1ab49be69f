import { richTextAdapter } from './rich-text';

/**
 * The WordPress block editor's RichText (@wordpress/rich-text): it re-reads its element on
 * `input` and keeps its own undo in the block editor's store.
 */
export const wordPressRichTextAdapter = richTextAdapter({
  kind: 'wordpress',
  detect: (root) => root.classList.contains('block-editor-rich-text__editable') || root.classList.contains('rich-text'),
  methods: () => ['execCommand', 'paste'],
});
