import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';

// The extension's build. Why the unusual parts:
// - background is an ES module (see entrypoints/background.ts): the IIFE build inlines the
//   onnxruntime .wasm twice as base64 (72 MB); as a module it is emitted once as a file.
// - 'wasm-unsafe-eval' lets onnxruntime compile its WebAssembly; nothing else is relaxed.
export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({
    plugins: [preact()],
  }),
  manifest: {
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    permissions: ['storage', 'unlimitedStorage', 'activeTab'],
    commands: {
      suggest: {
        suggested_key: { default: 'Alt+Shift+S' },
        description: '__MSG_commandSuggest__',
      },
    },
    content_security_policy: {
      extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'",
    },
  },
});
