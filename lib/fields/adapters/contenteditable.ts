import { richTextAdapter } from './rich-text';

/**
 * Any contenteditable element whose editor we do not know: the browser's own editing first. Its
 * page may keep an undo history of its own (taking steps on keys or by time): the insertion is
 * made a step of its own there too.
 */
export const contentEditableAdapter = richTextAdapter({
  kind: 'contenteditable',
  detect: (root) => root.isContentEditable,
  methods: () => ['execCommand', 'beforeinput', 'paste', 'dom'],
  unknownHistory: true,
});
