/**
 * Shared e2e plumbing: build the page once (global_setup.ts), serve dist/ with COOP/COEP and the CSP, launch
 * Debian's Chromium headless with WebGPU on SwiftShader (a CPU emulation), record every request the page and
 * its worker make (anything leaving the page's origin is blocked and listed) and every CSP violation, and
 * helpers for screenshots and downloads.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import { launchChromium } from '../../bench/browser/chromium.ts';
import { serveStatic, type StaticServer } from './serve.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const OUT = path.join(ROOT, 'test-results/e2e');

export function buildPage(): void {
  if (process.env.E2E_SKIP_BUILD === '1') return;
  // vitest sets NODE_ENV=test; passed on, Vite would bundle React's development build (slow, jsxDEV).
  execFileSync(path.join(ROOT, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

/** One network request as the browser context saw it (page, dedicated worker, or anything else). */
export interface RecordedRequest {
  method: string;
  url: string;
  resourceType: string;
  /** Carried a body (an upload would). */
  hasBody: boolean;
}

export interface Session {
  server: StaticServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Page errors and console errors seen so far. */
  errors: string[];
  /** Every request made in this context, in order. */
  requests: RecordedRequest[];
  /** Requests to another origin (blocked). */
  blocked: string[];
  /** CSP violations: the page's securitypolicyviolation events, console reports, and the server's reports. */
  cspViolations(): Promise<string[]>;
  close(): Promise<void>;
}

/** Records securitypolicyviolation events before any page script runs (init scripts are exempt from the CSP). */
function recordViolations() {
  const seen: string[] = [];
  Object.defineProperty(window, '__cspViolations', { value: seen });
  document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`));
}

export async function openSession(): Promise<Session> {
  mkdirSync(OUT, { recursive: true });
  const server = await serveStatic(path.join(ROOT, 'dist'));
  const origin = new URL(server.url).origin;
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const requests: RecordedRequest[] = [];
  const blocked: string[] = [];
  const consoleViolations: string[] = [];
  context.on('request', (r) => requests.push({ method: r.method(), url: r.url(), resourceType: r.resourceType(), hasBody: r.postDataBuffer() !== null }));
  // Nothing may leave the page's origin: such a request is listed and aborted (data: and blob: never reach here).
  await context.route(
    (url) => url.origin !== origin,
    (route) => {
      blocked.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  await context.addInitScript(recordViolations);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) consoleViolations.push(m.text());
    if (m.type() === 'error' && !/favicon/.test(m.location().url)) errors.push(`console: ${m.text()}`);
  });
  page.on('worker', (w) =>
    w.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) consoleViolations.push(`worker: ${m.text()}`);
    }),
  );
  return {
    server,
    browser,
    context,
    page,
    errors,
    requests,
    blocked,
    async cspViolations() {
      const inPage = await page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []).catch(() => []);
      return [...inPage, ...consoleViolations, ...server.cspReports];
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Clicks `trigger` and saves the download it starts under test-results/e2e/downloads/. */
export async function download(page: Page, trigger: () => Promise<void>): Promise<{ file: string; download: Download }> {
  const dir = path.join(OUT, 'downloads');
  mkdirSync(dir, { recursive: true });
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), trigger()]);
  const file = path.join(dir, d.suggestedFilename());
  await d.saveAs(file);
  return { file, download: d };
}
