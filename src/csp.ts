/**
 * The page's Content-Security-Policy, in one place: index.html carries it as a <meta http-equiv> (csp.test.ts
 * keeps the two equal), `vite preview` serves it as a header, and so does the e2e static server (with a report
 * endpoint) for every file, the worker's script included (a worker gets its own policy from its response).
 * Nothing inline, nothing from another origin:
 *
 * - script-src 'self' 'wasm-unsafe-eval' blob:: the bundle and its chunks; tfjs's wasm backend compiles
 *   WebAssembly; its pthread workers (wasm threads) load the Emscripten factory from a blob: URL.
 * - worker-src 'self' blob:: the training worker is a bundled file; tfjs starts the wasm backend's pthread
 *   workers from blob: URLs (src/engine/patches/browser_wasm_threads.ts). A blob: URL can only be minted by script already
 *   running on this origin, so neither opens the page to another origin's code.
 * - connect-src 'self': the demo set, the .wasm binaries — nothing a person uploads ever leaves the browser.
 * - img-src 'self' data: blob:: the empty favicon (data:) and chart PNG export (an SVG drawn via data:).
 * - style-src 'self': the stylesheet; React's `style` props go through the CSSOM, which CSP allows.
 *
 * The dev server (`npm start`) sends none: Vite's dev client injects inline scripts and styles.
 */
export const CSP_DIRECTIVES: Readonly<Record<string, string>> = Object.freeze({
  'default-src': "'none'",
  'script-src': "'self' 'wasm-unsafe-eval' blob:",
  'worker-src': "'self' blob:",
  'connect-src': "'self'",
  'img-src': "'self' data: blob:",
  'style-src': "'self'",
  'font-src': "'self'",
  'manifest-src': "'self'",
  'base-uri': "'none'",
  'form-action': "'none'",
  'object-src': "'none'",
});

/** Directives a <meta> cannot carry (browsers ignore them there): sent only as a header. */
const HEADER_ONLY: Readonly<Record<string, string>> = Object.freeze({ 'frame-ancestors': "'none'" });

const serialise = (d: Readonly<Record<string, string>>) =>
  Object.entries(d)
    .map(([k, v]) => `${k} ${v}`)
    .join('; ');

/** The policy for index.html's <meta http-equiv="Content-Security-Policy">. */
export function cspMeta(): string {
  return serialise(CSP_DIRECTIVES);
}

/** The policy as a response header; `reportUri` adds a same-origin violation report endpoint (tests). */
export function cspHeader(opts: { reportUri?: string } = {}): string {
  const report: Record<string, string> = opts.reportUri ? { 'report-uri': opts.reportUri } : {};
  return serialise({ ...CSP_DIRECTIVES, ...HEADER_ONLY, ...report });
}

/** Finds index.html's CSP <meta> (the dev server removes it). */
export const CSP_META_PATTERN = /\s*<meta http-equiv="Content-Security-Policy" content="([^"]*)" \/>/;
