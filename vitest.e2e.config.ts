import { defineConfig } from 'vitest/config';

// End-to-end tests drive the built extension (.output/chrome-mv3) in Debian's Chromium.
// One browser at a time (2-core CI), no retries: a flaky test must show up as a failure.
export default defineConfig({
  resolve: { alias: { '@': new URL('.', import.meta.url).pathname } },
  test: {
    include: ['tests/e2e/**/*.e2e.ts'],
    environment: 'node',
    fileParallelism: false,
    retry: 0,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
