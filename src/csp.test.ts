import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CSP_DIRECTIVES, CSP_META_PATTERN, cspHeader, cspMeta } from './csp.ts';
import viteConfig from '../vite.config.ts';

const indexHtml = readFileSync(path.resolve(import.meta.dirname, '../index.html'), 'utf8');

describe('Content-Security-Policy', () => {
  it('index.html carries exactly the policy of csp.ts', () => {
    expect(indexHtml.match(CSP_META_PATTERN)?.[1]).toBe(cspMeta());
  });
  it('allows no inline script, no eval but WebAssembly, and no other origin', () => {
    expect(CSP_DIRECTIVES['script-src']).toBe("'self' 'wasm-unsafe-eval' blob:"); // blob: for wasm threads
    expect(CSP_DIRECTIVES['worker-src']).toBe("'self' blob:");
    expect(CSP_DIRECTIVES['connect-src']).toBe("'self'");
    expect(CSP_DIRECTIVES['default-src']).toBe("'none'");
    for (const value of Object.values(CSP_DIRECTIVES)) {
      expect(value).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*|https?:/);
    }
  });
  it('the header adds what a <meta> cannot carry, and an optional report endpoint', () => {
    expect(cspHeader()).toBe(`${cspMeta()}; frame-ancestors 'none'`);
    expect(cspHeader({ reportUri: '/csp' })).toMatch(/; report-uri \/csp$/);
  });
  it('index.html has no inline script or style', () => {
    expect(indexHtml).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(indexHtml).not.toMatch(/<style|style="/);
  });
  it('vite preview sends it as a header, with the cross-origin isolation headers', () => {
    const headers = viteConfig.preview?.headers ?? {};
    expect(headers['Content-Security-Policy']).toBe(cspHeader());
    expect(headers['Cross-Origin-Embedder-Policy']).toBe('require-corp');
  });
});
