import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests in real headless Chromium (playwright-core driving /usr/bin/chromium): tests/e2e/*.test.ts.
 * They build the page with `vite build` once (global_setup.ts; set E2E_SKIP_BUILD=1 to reuse dist/), serve
 * dist/ with COOP/COEP and CSP headers, and save screenshots under test-results/e2e/. Files run one after
 * the other (each drives its own browser; two at once would fight over this machine's few cores).
 */
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    globalSetup: ['tests/e2e/global_setup.ts'],
    environment: 'node',
    testTimeout: 240_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
