import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { buildReportVerifierHtml, REPORT_VERIFIER_FILE } from './scripts/build-report-verifier';

// The extension's build. Why the unusual parts:
// - background is an ES module (see entrypoints/background.ts): the IIFE build inlines the
//   onnxruntime .wasm twice as base64 (72 MB); as a module it is emitted once as a file.
// - 'wasm-unsafe-eval' lets onnxruntime compile its WebAssembly; nothing else is relaxed.
// - the engine lab page (entrypoints/engine-lab) drives the benchmark and end-to-end tests: it is
//   built only with LEDGERLINE_ENGINE_LAB=1 (npm test, bench:engine), never into what ships.
// - LEDGERLINE_OUT_DIR lets a test build elsewhere without replacing the tested build.
// - the icons are drawn once (assets/icon.svg) and rendered at the sizes the stores and the
//   toolbar ask for (Chrome 16/32/48/128, Firefox 48/96), the same in every build.
// - report-verifier.html is the offline report checker (one self-contained file, built by
//   scripts/build-report-verifier.ts); the audit page offers it next to the report.
export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill', '@wxt-dev/auto-icons'],
  autoIcons: { baseIconPath: 'assets/icon.svg', sizes: [128, 96, 48, 32, 16], developmentIndicator: false },
  ...(process.env.LEDGERLINE_OUT_DIR ? { outDir: process.env.LEDGERLINE_OUT_DIR } : {}),
  // Firefox is built as MV3 too: its background is then an event page (not persistent) that can
  // be an ES module, so onnxruntime's .wasm stays one file; an MV2 build inlines it (72 MB).
  manifestVersion: 3,
  hooks: {
    'prepare:publicPaths': (_wxt, paths) => {
      paths.push(REPORT_VERIFIER_FILE);
    },
    'build:publicAssets': async (_wxt, files) => {
      files.push({ relativeDest: REPORT_VERIFIER_FILE, contents: await buildReportVerifierHtml() });
    },
    'entrypoints:resolved': (_wxt, entrypoints) => {
      if (process.env.LEDGERLINE_ENGINE_LAB === '1') return;
      const lab = entrypoints.findIndex((entrypoint) => entrypoint.name === 'engine-lab');
      if (lab >= 0) entrypoints.splice(lab, 1);
    },
    'build:manifestGenerated': (wxt, manifest) => {
      // Chromium runs the model in an offscreen document (lib/engine/offscreen-model-host.ts).
      // Its pages are cross-origin isolated so that onnxruntime may run WASM threads there
      // (SharedArrayBuffer); they load nothing cross-origin without CORS.
      if (wxt.config.browser !== 'firefox') {
        manifest.permissions = [...(manifest.permissions ?? []), 'offscreen'];
        // A newsroom's admin may set the server engine by policy (storage.managed, lib/engine/server-config.ts).
        Object.assign(manifest, { storage: { managed_schema: 'managed_schema.json' } });
        Object.assign(manifest, {
          cross_origin_embedder_policy: { value: 'require-corp' },
          cross_origin_opener_policy: { value: 'same-origin' },
        });
        return;
      }
      // MV3 add-ons need an id in Firefox; Linux Firefox has no WebGPU, so the engine runs on WASM.
      (manifest as Record<string, unknown>).browser_specific_settings = {
        gecko: { id: 'ledgerline@ledgerline.dev', strict_min_version: '128.0', data_collection_permissions: { required: ['none'] } },
      };
    },
  },
  vite: () => ({
    plugins: [preact()],
    // The test build opens the panel's shadow roots for Playwright (lib/shadow-mode.ts).
    define: { __LEDGERLINE_TEST_BUILD__: JSON.stringify(process.env.LEDGERLINE_ENGINE_LAB === '1') },
  }),
  manifest: {
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    // No host permissions and no activeTab: the content script's matches put it in every page;
    // the popup asks it which site it is; the default hub sends CORS headers. A model mirror that
    // sends none needs its own origin, asked for when the writer sets it (lib/model-host-access.ts).
    permissions: ['storage', 'unlimitedStorage'],
    optional_host_permissions: ['http://*/*', 'https://*/*'],
    // The toolbar button's own icon (the browsers' fallback to `icons` is not the same everywhere).
    action: { default_icon: { 16: 'icons/16.png', 32: 'icons/32.png', 48: 'icons/48.png' } },
    commands: {
      suggest: {
        suggested_key: { default: 'Alt+Shift+S' },
        description: '__MSG_commandSuggest__',
      },
      'audit-field': {
        suggested_key: { default: 'Alt+Shift+A' },
        description: '__MSG_commandAuditField__',
      },
    },
    content_security_policy: {
      extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'",
    },
  },
});
