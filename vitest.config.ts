import { defineConfig } from 'vitest/config';

/**
 * Projects:
 * - engine-{cpu,wasm,webgpu}: the same engine suite (src/engine/**) once per tfjs backend.
 * - unit: everything else beside the code (io, worker, store, ui, cli, scripts) and tests/.
 * Browser end-to-end tests (tests/e2e) run with their own config: vitest.e2e.config.ts.
 */
const ENGINE_BACKENDS = ['cpu', 'wasm', 'webgpu'] as const;

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.{ts,tsx}', 'tests/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts'],
          exclude: ['src/engine/**', 'tests/e2e/**', 'node_modules/**'],
        },
      },
      ...ENGINE_BACKENDS.map((backend) => ({
        extends: true as const,
        test: {
          name: `engine-${backend}`,
          include: ['src/engine/**/*.test.ts'],
          setupFiles: ['tests/setup/backend.ts'],
          env: { DISTILL_TEST_BACKEND: backend },
          // One worker per backend: tfjs backends are process-global and webgpu shares one device.
          fileParallelism: backend === 'webgpu' ? false : true,
        },
      })),
    ],
  },
});
