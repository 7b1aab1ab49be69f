import { richTextAdapter } from './rich-text';

/** Any contenteditable element whose editor we do not know: the browser's own editing first. */
export const contentEditableAdapter = richTextAdapter({
  kind: 'contenteditable',
  detect: (root) => root.isContentEditable,
  methods: () => ['execCommand', 'beforeinput', 'paste', 'dom'],
});
