/**
 * Files from anywhere, in real headless Chromium: hostile and broken files are refused in place and the page
 * keeps working; a file too big for memory is refused up front, from its header, with the reason; a ~200 MB
 * file is read in chunks in the worker with progress while the main thread stays responsive. Last, a control:
 * the CSP and request recorders do catch an inline script and a request to another origin.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openSession, screenshot, type Session } from './browser.ts';
import { hostileFiles, sparseSet, writeFixtures, type Fixtures } from './fixtures.ts';

let session: Session;
let page: Page;
let files: Fixtures;
const sparse: string[] = [];

const upload = (file: string) => page.locator('[data-testid=file-input]').setInputFiles(file);
const summaryHas = (text: string, timeout = 60_000) =>
  page.waitForFunction((t) => document.querySelector('[data-testid=data-summary]')?.textContent?.includes(t), text, { timeout });
const errorNames = (name: string) =>
  page.waitForFunction((n) => document.querySelector('[data-testid=data-error]')?.textContent?.includes(n), name, { timeout: 30_000 });

beforeAll(async () => {
  files = writeFixtures();
  session = await openSession();
  page = session.page;
  await page.goto(session.server.url);
  await page.waitForFunction(() => !document.querySelector('[data-testid=backend-info]')?.textContent?.includes('probing'));
});

afterAll(async () => {
  await session?.close();
  for (const f of sparse) rmSync(f, { force: true });
});

describe('files from anywhere', () => {
  it('refuses broken and hostile files in place, each with its reason, and then loads a good one', async () => {
    for (const { file, message } of hostileFiles()) {
      const name = file.split('/').at(-1) ?? file;
      await upload(file);
      await errorNames(name);
      const text = await page.locator('[data-testid=data-error]').innerText();
      expect(text, name).toMatch(message);
      expect(text.length, name).toBeLessThan(600); // one readable message, not a dump
    }
    await upload(files.mlm);
    await summaryHas('tiny-mlm.safetensors');
    expect(await page.locator('[data-testid=data-error]').count()).toBe(0);
    expect(session.errors).toEqual([]);
  });

  it('refuses a file that cannot fit in memory up front, saying how much it needs', async () => {
    // teacher_logits F32 [512, 128, 65536]: 16 GiB, more than any browser's budget (half of deviceMemory ≤ 4 GiB)
    const file = sparseSet('too-big.safetensors', 512, 128, 65536);
    sparse.push(file);
    const t0 = Date.now();
    await upload(file);
    await errorNames('too-big.safetensors');
    expect(Date.now() - t0).toBeLessThan(10_000); // from the header, not after reading 16 GiB
    expect(await page.locator('[data-testid=data-error]').innerText()).toMatch(/needs about 16\.0 GiB in memory to read .*more than the memory budget/);
    await screenshot(page, 'error-too-big');
  });

  it('reads a ~200 MB file in chunks with progress while the page stays responsive', async () => {
    const file = sparseSet('big.safetensors', 8, 100, 65536); // 210 MB of teacher logits
    sparse.push(file);
    // Sample the main thread from inside the page: timer gaps, and the progress bar's values as they change.
    const sampling = page.evaluate(
      () =>
        new Promise<{ maxGapMs: number; progress: number[]; ms: number }>((resolve) => {
          const t0 = performance.now();
          let last = t0;
          let maxGapMs = 0;
          const progress: number[] = [];
          const id = setInterval(() => {
            const now = performance.now();
            maxGapMs = Math.max(maxGapMs, now - last);
            last = now;
            const value = document.querySelector('[aria-label="file read progress"]')?.getAttribute('aria-valuenow');
            if (value != null && Number(value) !== progress.at(-1)) progress.push(Number(value));
            if (document.querySelector('[data-testid=data-summary]')?.textContent?.includes('big.safetensors')) {
              clearInterval(id);
              resolve({ maxGapMs, progress, ms: now - t0 });
            }
          }, 16);
        }),
    );
    await upload(file);
    const { maxGapMs, progress, ms } = await sampling;
    console.log(`200 MB read: ${ms.toFixed(0)} ms, ${progress.length} progress values (${progress.join(' ')}), max main-thread timer gap ${maxGapMs.toFixed(1)} ms`);
    expect(progress.length).toBeGreaterThanOrEqual(3); // chunked, with progress on the page
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1])).toBe(true);
    expect(maxGapMs).toBeLessThan(400); // the read runs in the worker: the page never freezes
    expect(await page.locator('[data-testid=data-summary]').innerText()).toMatch(/209\.72 MB[\s\S]*65\.5 k/);
    await upload(files.mlm); // let the worker drop the big set
    await summaryHas('tiny-mlm.safetensors');
  });

  it('control: the recorders catch what the policy refuses (an inline script, a request to another origin)', async () => {
    expect(await session.cspViolations()).toEqual([]);
    await page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'document.body.dataset.inline = "ran"';
      document.body.append(script);
      await fetch('https://example.com/collect', { method: 'POST', body: 'data' }).catch(() => undefined);
    });
    expect(await page.evaluate(() => document.body.dataset.inline)).toBeUndefined();
    await expect
      .poll(() => session.cspViolations())
      .toEqual(expect.arrayContaining([expect.stringMatching(/script-src/), expect.stringMatching(/connect-src/)]));
    expect(session.requests.filter((r) => r.url.startsWith('https://example.com'))).toEqual([]); // refused before it was sent
  });
});
