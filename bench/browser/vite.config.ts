/**
 * Build of the browser bench pages (ours.html, nanogpt.html) into out/bench-browser, served by serve.ts with
 * COOP/COEP so tfjs-backend-wasm may use threads. `distill bench --browser` builds and serves it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

export default defineConfig({
  root: here,
  base: './',
  logLevel: 'warn',
  resolve: {
    alias: {
      // nanogpt's BasicTrainer is not exported from the package root (its `exports` has "." only).
      'nanogpt-basic-trainer': path.join(root, 'node_modules/@genai-fi/nanogpt/dist/training/BasicTrainer.js'),
    },
  },
  build: {
    outDir: path.join(root, 'out/bench-browser'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 8000,
    rollupOptions: { input: { ours: path.join(here, 'ours.html'), nanogpt: path.join(here, 'nanogpt.html') } },
  },
});
