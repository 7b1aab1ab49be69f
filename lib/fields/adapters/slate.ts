import { richTextAdapter } from './rich-text';

/** Slate ignores DOM mutations; it applies beforeinput (with target ranges) or a paste to its model. */
export const slateAdapter = richTextAdapter({
  kind: 'slate',
  detect: (root) => root.hasAttribute('data-slate-editor'),
  methods: () => ['beforeinput', 'paste'],
});
