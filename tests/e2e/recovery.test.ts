/**
 * Broken runs, lost devices, reloads — in real headless Chromium, with the page's `?debug` fault simulation:
 * a non-finite loss pauses the run with its reason and it resumes from its last checkpoint; a lost WebGPU
 * device, a crashed worker and a hung one are reported and the run continues from its checkpoint on the next
 * backend, its step count carrying on; a reload mid-run offers the run back and it continues the same curve.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunRecord } from '../../src/store/run_record.ts';
import type { DebugFault } from '../../src/worker/protocol.ts';
import { openSession, screenshot, type Session } from './browser.ts';
import { writeFixtures, type Fixtures } from './fixtures.ts';

/** A student wasm trains in a few seconds; checkpoints every 10 steps. */
const TINY = 'n_layers=1&d_model=32&n_heads=2&d_ff=64&max_len=16&batch_size=8&eval_every=0&report_every=5&warmup_steps=5&lr=0.003&checkpoint_every=10';

let session: Session;
let page: Page;
let files: Fixtures;

const text = (id: string) => page.locator(`[data-testid=${id}]`).innerText();
const waitStatus = (wanted: string[], timeout = 120_000) =>
  page.waitForFunction((w) => w.includes(document.querySelector('[data-testid=run-status]')?.getAttribute('data-status') ?? ''), wanted, { timeout });
/** Waits until the run's last checkpoint is at or past `step`. */
const waitCheckpoint = (step: number, timeout = 120_000) =>
  page.waitForFunction((s) => Number(document.querySelector('[data-testid=run-checkpoint]')?.textContent ?? -1) >= s, step, { timeout });
const inject = (fault: DebugFault) => page.locator(`[data-testid=debug-panel] button[data-fault=${fault}]`).click();
const train = () => page.getByRole('button', { name: /^Train/ }).first().click();

/** Opens the debug page with a config link and the tiny MLM set loaded. */
async function open(config: string, query = '') {
  await page.goto('about:blank'); // a new hash alone would not reload the page
  await page.goto(`${session.server.url}?debug${query}#${TINY}&${config}`);
  await page.waitForFunction(() => !document.querySelector('[data-testid=backend-info]')?.textContent?.includes('probing'));
  await page.locator('[data-testid=file-input]').setInputFiles(files.mlm);
  await page.locator('[data-testid=data-summary]').waitFor();
}

/** The runs stored in IndexedDB (what the Runs tab lists and report.json exports), newest first. */
function storedRuns(): Promise<RunRecord[]> {
  return page.evaluate(
    () =>
      new Promise<RunRecord[]>((resolve, reject) => {
        const open = indexedDB.open('distill-playground');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('runs').objectStore('runs').getAll();
          get.onsuccess = () => {
            open.result.close();
            resolve([...get.result].sort((a: RunRecord, b: RunRecord) => b.createdAt - a.createdAt));
          };
        };
      }),
  );
}

/** The run's steps are 1..n, each once: resuming neither skipped nor repeated a step. */
function expectContinuous(run: RunRecord, steps: number) {
  expect(run.history.map((r) => r.step)).toEqual(Array.from({ length: steps }, (_, i) => i + 1));
  expect(run.history.every((r) => Number.isFinite(r.total))).toBe(true);
}

beforeAll(async () => {
  files = writeFixtures();
  session = await openSession();
  page = session.page;
});

afterAll(async () => {
  await session?.close();
});

describe('recovery', () => {
  it('a non-finite loss pauses the run with its reason; it resumes from the last checkpoint', async () => {
    await open('backend=wasm&steps=300');
    const t0 = Date.now();
    await train();
    await waitCheckpoint(10);
    await page.getByRole('button', { name: 'Pause' }).click();
    await waitStatus(['paused']);
    const pausedAt = Number(await text('run-step'));
    await page.waitForFunction((s) => Number(document.querySelector('[data-testid=run-checkpoint]')?.textContent) === s, pausedAt); // a pause checkpoints
    await inject('non-finite'); // a NaN in one weight: the next step's loss is NaN
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await waitStatus(['error']);
    expect(await text('run-error')).toMatch(new RegExp(`non-finite loss at step ${pausedAt + 1} .*checkpoint of step ${pausedAt} is kept`));
    await screenshot(page, 'recovery-non-finite');
    const resume = page.locator('[data-testid=resume-checkpoint]');
    expect(await resume.innerText()).toBe(`Resume from step ${pausedAt}`);
    await resume.click();
    await waitStatus(['done']);
    await page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.textContent?.includes('saved'));
    console.log(`non-finite test: ${Date.now() - t0} ms`);
    expect(await text('run-step')).toBe('300');
    const [run] = await storedRuns();
    expect(run.status).toBe('done'); // the failed record was replaced by the finished run
    expectContinuous(run, 300);
  });

  it('a lost WebGPU device: the page says so and the run continues from its checkpoint on wasm', async () => {
    await open('backend=webgpu&steps=40&checkpoint_every=5');
    await train();
    await waitCheckpoint(5, 180_000);
    expect(await text('run-backend')).toBe('webgpu');
    await inject('lose-device');
    await page.waitForFunction(() => document.querySelector('[data-testid=run-notice]')?.textContent?.includes('on wasm'), null, { timeout: 60_000 });
    const notice = await text('run-notice');
    expect(notice).toMatch(/^The WebGPU device was lost \(destroyed[^)]*\) at step \d+: resumed from the checkpoint at step \d+ on wasm\.$/);
    expect(await text('run-backend')).toBe('wasm');
    await waitStatus(['done']);
    await page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.textContent?.includes('saved'));
    await screenshot(page, 'recovery-device-lost');
    const run = (await storedRuns()).find((r) => r.history.length === 40);
    expect(run?.backend?.name).toBe('wasm');
    expect(run?.backend?.reason).toMatch(/wasm: fallback after the WebGPU device was lost/);
    expect(run?.recoveries).toEqual([expect.objectContaining({ from: 'webgpu', to: 'wasm' })]);
    expect(run?.recoveries?.[0].step).toBeGreaterThanOrEqual(5);
    expectContinuous(run as RunRecord, 40);
  });

  it('a crashed worker: the page reports it and the run continues from its checkpoint on the next backend', async () => {
    await open('backend=wasm&steps=160');
    await train();
    await waitCheckpoint(10);
    await inject('crash');
    await page.waitForFunction(() => document.querySelector('[data-testid=run-notice]')?.textContent?.includes('on cpu'), null, { timeout: 60_000 });
    expect(await text('run-notice')).toMatch(/The training worker crashed: .*simulated worker crash.* resumed from the checkpoint at step \d+ on cpu\./);
    await waitStatus(['done'], 180_000);
    await page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.textContent?.includes('saved'));
    expect(await text('run-backend')).toBe('cpu');
    const run = (await storedRuns()).find((r) => r.history.length === 160);
    expect(run?.recoveries?.map((r) => [r.from, r.to])).toEqual([['wasm', 'cpu']]);
    expectContinuous(run as RunRecord, 160);
  });

  it('a hung worker: the watchdog notices, and the run continues from its checkpoint on the next backend', async () => {
    // 4 s, not less: on a loaded machine (2 shared cores) a tighter watchdog fired before the hang was injected
    await open('backend=wasm&steps=160', '&watchdog_ms=4000');
    await train();
    await waitCheckpoint(10);
    await inject('hang');
    await page.waitForFunction(() => document.querySelector('[data-testid=run-notice]')?.textContent?.includes('on cpu'), null, { timeout: 60_000 });
    const notice = await text('run-notice');
    expect(notice).toMatch(/^The training worker stopped answering \(no reply in \d+\.\d s\) at step \d+: resumed from the checkpoint at step \d+ on cpu\.$/);
    // the timeout said is the watchdog's, or four report windows at the run's speed when that is longer (load)
    expect(Number(/no reply in (\d+\.\d) s/.exec(notice)?.[1])).toBeGreaterThanOrEqual(4);
    await waitStatus(['done'], 180_000);
    await page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.textContent?.includes('saved'));
    const run = (await storedRuns()).find((r) => r.recoveries?.[0]?.reason.includes('stopped answering'));
    expect(run?.recoveries?.length).toBe(1); // the injected hang, and no spurious one before it
    expectContinuous(run as RunRecord, 160);
  });

  it('a reload mid-run offers the run back, and it continues the same curve', async () => {
    // The reference: the same config, uninterrupted.
    await open('backend=wasm&steps=200&checkpoint_every=20');
    await train();
    await waitStatus(['done']);
    await page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.textContent?.includes('saved'));
    const reference = (await storedRuns())[0];

    await train();
    await waitCheckpoint(20); // shown once it is in IndexedDB
    await page.reload();
    const banner = page.locator('[data-testid=resume-banner]');
    await banner.waitFor();
    expect(await banner.innerText()).toMatch(/A run on tiny-mlm\.safetensors was interrupted; its last checkpoint, at step \d+ of 200, was saved just now\./);
    await screenshot(page, 'recovery-reload-offer');
    await banner.getByRole('button', { name: /^Resume from step/ }).click(); // the data file is kept with the checkpoint
    await waitStatus(['done']);
    await page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.textContent?.includes('saved'));
    expect(await page.locator('[data-testid=resume-banner]').count()).toBe(0);
    const resumed = (await storedRuns())[0];
    expect(resumed.id).not.toBe(reference.id);
    expectContinuous(resumed, 200);
    // wasm is deterministic: the resumed run retraces the uninterrupted one exactly
    resumed.history.forEach((r, i) => expect(Math.abs(r.total - reference.history[i].total), `step ${r.step}`).toBeLessThan(1e-6));
  });

  it('through every fault, nothing left the page\'s origin and no CSP rule was broken', async () => {
    const origin = new URL(session.server.url).origin;
    expect(session.requests.filter((r) => !/^(data|blob):/.test(r.url) && new URL(r.url).origin !== origin)).toEqual([]);
    expect(session.requests.filter((r) => r.method !== 'GET' || r.hasBody)).toEqual([]);
    expect(await session.cspViolations()).toEqual([]);
  });
});
