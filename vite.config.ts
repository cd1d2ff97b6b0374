import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { cspHeader, CSP_META_PATTERN } from './src/csp.ts';

// Cross-origin isolation lets the wasm backend use threads (SharedArrayBuffer).
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * index.html carries the Content-Security-Policy <meta> (src/csp.ts; a test keeps them equal). The dev server
 * drops it: Vite's dev client and React refresh inject inline scripts and styles.
 */
function devWithoutCsp(): Plugin {
  return {
    name: 'distill-dev-without-csp',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace(CSP_META_PATTERN, ''),
  };
}

export default defineConfig({
  plugins: [react(), devWithoutCsp()],
  base: './',
  server: { headers: isolationHeaders },
  preview: { headers: { ...isolationHeaders, 'Content-Security-Policy': cspHeader() } },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
});
