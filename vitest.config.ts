import { defineConfig } from 'vitest/config';

// Unit tests run in Node: lib/ is plain TypeScript by design (see README, "Rooms").
export default defineConfig({
  resolve: { alias: { '@': new URL('.', import.meta.url).pathname } },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    setupFiles: ['lib/english-strings.ts'],
  },
});
