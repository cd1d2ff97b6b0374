/**
 * Shared e2e plumbing: build the page once, serve dist/ with COOP/COEP, launch Debian's Chromium headless
 * with WebGPU on SwiftShader (a CPU emulation), and helpers for screenshots and downloads.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Download, type Page } from 'playwright-core';
import { serveStatic, type StaticServer } from './serve.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const OUT = path.join(ROOT, 'test-results/e2e');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--use-angle=swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export function buildPage(): void {
  if (process.env.E2E_SKIP_BUILD === '1') return;
  // vitest sets NODE_ENV=test; passed on, Vite would bundle React's development build (slow, jsxDEV).
  execFileSync(path.join(ROOT, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

export interface Session {
  server: StaticServer;
  browser: Browser;
  page: Page;
  /** Page errors and console errors seen so far. */
  errors: string[];
  close(): Promise<void>;
}

export async function openSession(): Promise<Session> {
  mkdirSync(OUT, { recursive: true });
  const server = await serveStatic(path.join(ROOT, 'dist'));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/favicon/.test(m.location().url)) errors.push(`console: ${m.text()}`);
  });
  return {
    server,
    browser,
    page,
    errors,
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
