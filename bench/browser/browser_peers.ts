/**
 * The browser variant of the bench: builds the bench pages with Vite, serves them cross-origin isolated on
 * 127.0.0.1, launches Debian's Chromium headless through playwright-core, and exposes each page as a
 * PeerProcess (peer_process.ts), so suite.ts interleaves in-browser runs of our engine and of nanogpt with the
 * PyTorch reference (a Node-side process: PyTorch has no browser build) exactly as in Node.
 * WebGPU in this Chromium is SwiftShader (a CPU emulation) unless the machine has a GPU; WebGL likewise.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import type { PeerName, PeerProcess } from '../peer_process.ts';
import type { PeerReply, PeerRequest } from '../peers/protocol.ts';
import { launchChromium } from './chromium.ts';
import { serveBenchPages, type BenchServer } from './serve.ts';

const run = promisify(execFile);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
export const BENCH_PAGES_DIR = path.join(ROOT, 'out/bench-browser');

export interface BrowserBench {
  /** A fresh page (a fresh tfjs) for one cell of `name` ('ours' or 'nanogpt'); `wasmThreads` for ours. */
  startPeer(name: PeerName, wasmThreads?: number): Promise<PeerProcess>;
  version: string;
  close(): Promise<void>;
}

export async function buildBenchPages(): Promise<void> {
  await run(path.join(ROOT, 'node_modules/.bin/vite'), ['build', '--config', path.join(HERE, 'vite.config.ts')], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
    maxBuffer: 16 << 20,
  });
}

export async function launchBrowserBench(): Promise<BrowserBench> {
  await buildBenchPages();
  const server: BenchServer = await serveBenchPages(BENCH_PAGES_DIR);
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (err) {
    await server.close();
    throw err;
  }
  return {
    version: browser.version(),
    async startPeer(name, wasmThreads) {
      if (name === 'torch') throw new Error('PyTorch runs in Node, not in the page');
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      await page.goto(`${server.url}/${name}.html${wasmThreads && wasmThreads > 1 ? `?threads=${wasmThreads}` : ''}`);
      await page.waitForFunction(() => 'benchPeer' in window, undefined, { timeout: 60_000 });
      return {
        name,
        async request(req: PeerRequest, timeoutMs: number): Promise<PeerReply> {
          let timer: ReturnType<typeof setTimeout> | undefined;
          const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`${name} (browser): no answer within ${(timeoutMs / 1000).toFixed(0)} s`)), timeoutMs);
          });
          try {
            const reply = page.evaluate((r) => window.benchPeer.handle(r).catch((e: Error) => ({ ok: false, error: e.message })), req);
            return await Promise.race([reply, timeout]);
          } catch (err) {
            const why = errors.length ? ` (page: ${errors[errors.length - 1]})` : '';
            throw new Error(`${(err as Error).message.split('\n')[0]}${why}`);
          } finally {
            clearTimeout(timer);
          }
        },
        async stop() {
          await page.close().catch(() => {});
        },
      };
    },
    async close() {
      await browser.close().catch(() => {});
      await server.close();
    },
  };
}
