import { defineConfig } from 'vitest/config';

// End-to-end tests drive the built extension (.output/chrome-mv3) in Debian's Chromium.
// One browser at a time (2-core CI), no retries: a flaky test must show up as a failure.
export default defineConfig({
  resolve: { alias: { '@': new URL('.', import.meta.url).pathname } },
  test: {
    include: ['tests/e2e/**/*.e2e.ts'],
    environment: 'node',
    // Expected texts computed in Node (the in-page audit's labels, the audit's wording) use the English strings.
    setupFiles: ['lib/english-strings.ts'],
    fileParallelism: false,
    retry: 0,
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // expect.poll waits for what the writer would see (a box inside the field, the panel's
    // state). Its default of 1 s is too short here: on a loaded 2-core machine a reaction can take
    // seconds, and headless Chromium with an extension loaded renders a page at 1 frame per second
    // after pointer input over a field (measured: rAF and ResizeObserver callbacks ~1000 ms apart),
    // so anything that follows layout lands up to a second late. A poll still returns as soon as
    // its condition holds.
    expect: { poll: { timeout: 20_000 } },
  },
});
