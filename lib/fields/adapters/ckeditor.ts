import { richTextAdapter } from './rich-text';

/** CKEditor 5 renders from its model and reverts foreign DOM edits; it handles beforeinput and paste. */
export const ckEditorAdapter = richTextAdapter({
  kind: 'ckeditor',
  detect: (root) => root.classList.contains('ck-editor__editable') || root.classList.contains('ck-content'),
  methods: () => ['paste', 'beforeinput'],
});
