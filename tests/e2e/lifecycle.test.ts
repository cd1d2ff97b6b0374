/**
 * A run's lifecycle in real headless Chromium: the page is reloaded at each moment around "done" — before the
 * last step, the moment the run ends (saving… begins), while it is being saved, and after — and each time the
 * reloaded page has the run (in the Runs table) or its checkpoint (offered, and resuming it finishes the run);
 * Pause and Stop show pausing… / stopping… at once; Stop works while a big student is being built; a
 * configuration whose step cannot fit is refused next to Train before anything is built.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { encodeSafetensors } from '../../src/io/index.ts';
import { topkEntries } from '../hostile/case_kit.ts';
import { OUT, openSession, screenshot, type Session } from './browser.ts';
import { writeFixtures, type Fixtures } from './fixtures.ts';

/** A student wasm trains in a few seconds; a checkpoint every 5 steps. */
const TINY = 'n_layers=1&d_model=32&n_heads=2&d_ff=64&max_len=16&batch_size=8&eval_every=0&report_every=5&warmup_steps=5&lr=0.003&checkpoint_every=5&backend=wasm';
const STEPS = 40;

let session: Session;
let page: Page;
let files: Fixtures;

const statusOf = () => page.locator('[data-testid=run-status]').getAttribute('data-status');
const waitStatus = (wanted: string[], timeout = 120_000) =>
  page.waitForFunction((w) => w.includes(document.querySelector('[data-testid=run-status]')?.getAttribute('data-status') ?? ''), wanted, { timeout });
const waitSaved = () => page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.textContent?.includes('saved'), null, { timeout: 120_000 });
const train = () => page.getByRole('button', { name: /^Train/ }).first().click();

async function open(config: string) {
  await page.goto('about:blank');
  await page.goto(`${session.server.url}#${TINY}&${config}`);
  await page.waitForFunction(() => !document.querySelector('[data-testid=backend-info]')?.textContent?.includes('probing'));
}

async function load(file: string) {
  await page.locator('[data-testid=file-input]').setInputFiles(file);
  await page.waitForFunction((name) => document.querySelector('[data-testid=data-summary]')?.textContent?.includes(name), path.basename(file));
}

/** Ids of the runs and the checkpoints in IndexedDB. */
function stored(): Promise<{ runs: { id: string; partial: boolean; steps: number; hasWeights: boolean }[]; checkpoints: { id: string; step: number }[] }> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const req = indexedDB.open('distill-playground');
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const db = req.result;
          const tx = db.transaction(['runs', 'checkpoints']);
          const runs = tx.objectStore('runs').getAll();
          const checkpoints = tx.objectStore('checkpoints').getAll();
          tx.oncomplete = () => {
            db.close();
            resolve({
              runs: runs.result.map((r) => ({ id: r.id, partial: r.partial === true, steps: r.history.length, hasWeights: r.hasWeights })),
              checkpoints: checkpoints.result.map((c) => ({ id: c.id, step: c.step })),
            });
          };
        };
      }),
  );
}

/** When the page reloads itself: a status (and at least a step), or the run shown as saved. */
interface Moment {
  status?: string;
  minStep?: number;
  saved?: boolean;
  /** Reload this long after the moment (0: in the same task as the DOM change that showed it). */
  afterMs: number;
}

/**
 * Arms the page to reload itself the moment `m` first holds for the run-status element (checked on every DOM
 * change, in the page: no test round trip between the moment and the reload), trains, and says what it saw.
 */
async function reloadAt(m: Moment): Promise<string> {
  await page.evaluate((m) => {
    let armed = true;
    const check = () => {
      const el = document.querySelector('[data-testid=run-status]');
      const status = el?.getAttribute('data-status') ?? '';
      const step = Number(document.querySelector('[data-testid=run-step]')?.textContent ?? 0);
      const holds = m.saved ? (el?.textContent ?? '').includes('saved') : status === m.status && step >= (m.minStep ?? 0);
      if (!armed || !holds) return;
      armed = false;
      const go = () => {
        sessionStorage.setItem('reloaded-at', `${document.querySelector('[data-testid=run-status]')?.textContent}`);
        location.reload();
      };
      if (m.afterMs > 0) setTimeout(go, m.afterMs);
      else go();
    };
    new MutationObserver(check).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  }, m);
  await train();
  await page.waitForFunction(() => sessionStorage.getItem('reloaded-at') !== null && document.querySelector('[data-testid=backend-info]') !== null, null, { timeout: 120_000 });
  await page.waitForFunction(() => !document.querySelector('[data-testid=backend-info]')?.textContent?.includes('probing'));
  return page.evaluate(() => {
    const s = sessionStorage.getItem('reloaded-at') ?? '';
    sessionStorage.removeItem('reloaded-at');
    return s;
  });
}

/** The run status the page shows now and every one after it, in order, recorded in the page. */
async function recordStatuses(): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [document.querySelector('[data-testid=run-status]')?.getAttribute('data-status') ?? ''];
    Object.defineProperty(window, '__statuses', { value: seen, configurable: true });
    new MutationObserver(() => {
      const s = document.querySelector('[data-testid=run-status]')?.getAttribute('data-status') ?? '';
      if (seen.at(-1) !== s) seen.push(s);
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  return () => page.evaluate(() => [...((window as unknown as { __statuses: string[] }).__statuses ?? [])]);
}

beforeAll(async () => {
  files = writeFixtures();
  session = await openSession();
  page = session.page;
  page.on('crash', () => session.errors.push('the tab crashed'));
});

afterAll(async () => {
  await session?.close();
});

describe('the page never loses a run', () => {
  const moments: (Moment & { name: string })[] = [
    { name: 'before the last step', status: 'running', minStep: STEPS - 10, afterMs: 0 },
    { name: 'the moment it ends (saving… begins)', status: 'saving', afterMs: 0 },
    { name: 'while it is being saved (10 ms in)', status: 'saving', afterMs: 10 },
    { name: 'while it is being saved (60 ms in)', status: 'saving', afterMs: 60 },
    { name: 'after it is saved', saved: true, afterMs: 0 },
  ];
  for (const m of moments) {
    it(`reloaded ${m.name}: the run, or its checkpoint to resume, is there`, async () => {
      await open(`steps=${STEPS}`);
      await load(files.mlm);
      const before = await stored();
      const known = new Set([...before.runs.map((r) => r.id), ...before.checkpoints.map((c) => c.id)]);
      const seen = await reloadAt(m);
      const after = await stored();
      const run = after.runs.find((r) => !known.has(r.id));
      const checkpoint = after.checkpoints.find((c) => !known.has(c.id));
      console.log(`reloaded ${m.name} (${seen}): run ${run ? JSON.stringify(run) : 'none'}, checkpoint ${checkpoint ? `at step ${checkpoint.step}` : 'none'}`);
      expect(run !== undefined || checkpoint !== undefined, `${m.name}: ${seen}`).toBe(true);
      if (m.name === 'after it is saved') {
        expect(run).toMatchObject({ partial: false, steps: STEPS, hasWeights: true });
        expect(checkpoint).toBeUndefined();
      }
      if (checkpoint) {
        // The reloaded page offers it, and resuming it finishes the run.
        const banner = page.locator('[data-testid=resume-banner]');
        await banner.waitFor();
        await banner.getByRole('button', { name: /^Resume from step/ }).click();
        await waitStatus(['done']);
        await waitSaved();
        const done = (await stored()).runs.find((r) => r.id === checkpoint.id);
        expect(done).toMatchObject({ partial: false, steps: STEPS, hasWeights: true });
      } else {
        await page.getByRole('tab', { name: 'Runs' }).click();
        await page.locator(`[data-testid=runs-table] tr[data-run-id="${run?.id}"]`).waitFor();
        await page.getByRole('tab', { name: 'Train' }).click();
      }
    });
  }
});

describe('feedback and Stop', () => {
  it('Pause shows pausing… at once, Stop stopping…, and the end saving… before stopped', async () => {
    await open('steps=100000&report_every=20');
    await load(files.mlm);
    await train();
    await waitStatus(['running']);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=run-step]')?.textContent) >= 20, null, { timeout: 60_000 });
    const statuses = await recordStatuses();
    await page.getByRole('button', { name: 'Pause' }).click();
    await waitStatus(['paused']);
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await waitStatus(['running']);
    await page.getByRole('button', { name: 'Stop' }).click();
    await waitStatus(['stopped']);
    await waitSaved();
    expect(await statuses()).toEqual(['running', 'pausing', 'paused', 'running', 'stopping', 'saving', 'stopped']);
  });

  it('Stop works while a big student is being built', async () => {
    // ~25 M parameters (within the wasm budget): building it takes the worker a while
    await open('steps=1000&n_layers=8&d_model=512&n_heads=8&d_ff=2048&batch_size=2');
    await load(files.mlm);
    await train();
    await waitStatus(['configuring']);
    const stop = page.getByRole('button', { name: 'Stop' });
    expect(await stop.isEnabled()).toBe(true);
    const t0 = Date.now();
    await stop.click();
    await waitStatus(['stopped'], 30_000);
    console.log(`stopped while building in ${Date.now() - t0} ms`);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(await page.locator('[data-testid=run-notice]').innerText()).toMatch(/^Stopped before the first step/);
    await screenshot(page, 'lifecycle-stopped-building');
    // The page goes on: a tiny run trains to the end.
    await open(`steps=20`);
    await load(files.mlm);
    await train();
    await waitStatus(['done']);
  });
});

describe('refused before building', () => {
  it('a 6M-token vocabulary: the size card and Train say why, with the numbers, and nothing is built', async () => {
    const file = path.join(OUT, 'fixtures', 'vocab-6m.safetensors');
    writeFileSync(file, encodeSafetensors(topkEntries(), { task: 'clm', vocab_size: '6000000' }));
    await open('steps=10&trim_vocab=false'); // under auto the page trims this set to the ids it uses, and it fits
    await load(file);
    const refusal = page.locator('[data-testid=train-refusal]');
    await refusal.waitFor();
    expect(await refusal.innerText()).toMatch(/^Cannot train this configuration: one step .*GiB.*6,000,000-token vocabulary/);
    expect(await refusal.innerText()).not.toMatch(/top-k teacher/);
    expect(await page.getByRole('button', { name: /^Train/ }).first().isDisabled()).toBe(true);
    expect(await page.locator('[data-testid=step-memory]').innerText()).toMatch(/One training step needs about [\d.]+ GiB of the 3\.50 GiB wasm allows: too much/);
    expect(await statusOf()).toBe('idle');
    await screenshot(page, 'lifecycle-refused');
  });

  it('nothing crashed, nothing left the origin', async () => {
    expect(session.errors).toEqual([]);
    expect(session.blocked).toEqual([]);
  });
});
