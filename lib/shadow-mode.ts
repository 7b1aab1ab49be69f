/** Set by the build (wxt.config.ts): true only in the build the end-to-end suite drives. */
declare const __LEDGERLINE_TEST_BUILD__: boolean | undefined;

/**
 * How the panel's and the in-page audit's shadow roots are attached. Closed in what ships: a
 * page's scripts cannot reach into a closed root (`host.shadowRoot` is null to them), so they
 * cannot read the suggestions, the status line or the audit's cards. The test build
 * (`npm run build:test`) opens them so the suite can read the panel with Playwright, which
 * cannot pierce closed roots; tests/e2e/shipped-shadow-roots.e2e.ts checks the shipped build.
 */
export const SHADOW_ROOT_MODE: ShadowRootMode =
  typeof __LEDGERLINE_TEST_BUILD__ !== 'undefined' && __LEDGERLINE_TEST_BUILD__ ? 'open' : 'closed';
