/**
 * Experiments, not just runs, in real headless Chromium with SwiftShader present: auto trains on wasm (the
 * software WebGPU and WebGL adapters are never preferred, the student is calibrated and the figures shown),
 * loyalty on the masked positions, a two-value temperature sweep with its hard-label baseline from the Sweep
 * tab (and one resumed across a reload), runs compared on any metric with a config diff, renamed and opened
 * in Compare; forms and links that say what they refuse; every screen from 1440 down to 390 px without
 * sideways scroll; the keyboard. Screenshots: test-results/e2e/experiments-*.png.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { download, openSession, screenshot, type Session } from './browser.ts';
import { writeFixtures, type Fixtures } from './fixtures.ts';

/** A student wasm trains in a second or two; auto backend (the default). */
const TINY = 'n_layers=1&d_model=32&n_heads=2&d_ff=64&max_len=16&batch_size=8&steps=30&report_every=5&warmup_steps=5&lr=0.003';

let session: Session;
let page: Page;
let files: Fixtures;

const waitStatus = (wanted: string[], timeout = 180_000) =>
  page.waitForFunction((w) => w.includes(document.querySelector('[data-testid=run-status]')?.getAttribute('data-status') ?? ''), wanted, { timeout });
const waitSaved = () => page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.textContent?.includes('saved'), null, { timeout: 120_000 });
const upload = (file: string) => page.locator('[data-testid=file-input]').setInputFiles(file);
const tab = (name: string) => page.getByRole('tab', { name }).click();
const train = () => page.locator('[data-train-button]').click();
/** How far the page scrolls sideways (0: it does not). */
const sideways = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
/** The outermost elements that stick out past the right edge, outside any scroll box (for the failure message). */
const stickingOut = () =>
  page.evaluate(() => {
    const edge = document.documentElement.clientWidth;
    const inScrollBox = (el: Element) => {
      for (let p = el.parentElement; p; p = p.parentElement) if (getComputedStyle(p).overflowX !== 'visible') return true;
      return false;
    };
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right > edge + 1 && !inScrollBox(el) && !(el.parentElement && el.parentElement.getBoundingClientRect().right > edge + 1)) out.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(r.width)}px`);
    }
    return out.slice(0, 5).join('; ');
  });

beforeAll(async () => {
  files = writeFixtures();
  session = await openSession();
  page = session.page;
});

afterAll(async () => {
  await session?.close();
});

describe('experiments in the page', () => {
  it('auto trains on wasm with SwiftShader present, showing each measured ms/step and the reason', async () => {
    await page.goto(`${session.server.url}#${TINY}`);
    await page.waitForFunction(() => !document.querySelector('[data-testid=backend-info]')?.textContent?.includes('probing'));
    expect(await page.locator('[data-testid=backend-info]').innerText()).toMatch(/WebGPU: .*swiftshader/i); // the software adapter is there
    expect(await page.locator('select[name=backend]').inputValue()).toBe('auto');
    await upload(files.mlm);
    await page.locator('[data-testid=data-summary]').waitFor();
    await train();
    await waitStatus(['done']);
    await waitSaved();
    expect(await page.locator('[data-testid=run-backend]').innerText()).toBe('wasm');
    const chosen = await page.locator('[data-testid=backend-chosen]').innerText();
    expect(chosen).toMatch(/Run uses wasm — wasm: the only candidate, calibrated at [\d.]+ (ms|s)\/step/);
    expect(chosen).toMatch(/webgpu: software adapter \(.*swiftshader.*never preferred over wasm/i);
    const calibration = await page.locator('[data-testid=backend-calibration]').innerText();
    expect(calibration).toMatch(/wasm\s+[\d.]+ ms/);
    expect(calibration).not.toMatch(/webgpu/); // never timed: a software GPU is not a candidate while wasm works
    expect(await page.locator('[data-testid=backend-projection]').innerText()).toMatch(/projected: .* for 30 steps/);
    // eval_every 'auto': 30 steps → every 2 steps, 16 points with step 0
    expect(Number(await page.locator('[data-testid=chart-loyalty]').getAttribute('data-points'))).toBe(16);
    await page.locator('[data-testid=backend-info]').scrollIntoViewIfNeeded();
    await screenshot(page, 'experiments-auto-wasm');
    expect(session.errors).toEqual([]);
  });

  it('masked LM: loyalty on the masked positions beside all positions, with why step 0 is high', async () => {
    const legend = await page.locator('[data-testid=chart-loyalty] .chart-legend').innerText();
    expect(legend).toMatch(/label loyalty, masked positions/);
    expect(legend).toMatch(/prob loyalty, masked positions/);
    expect(await page.locator('[data-testid=loyalty-note]').innerText()).toMatch(/copies it through/);
    const report = JSON.parse(await page.evaluate(() => document.querySelector('[data-testid=config-json]')?.textContent ?? '{}'));
    expect(report.eval_every).toBe(2); // the run's config holds the resolved number
    await tab('Compare');
    const table = await page.locator('[data-testid=summary-table]').innerText();
    expect(table).toMatch(/label loyalty, masked positions\s+100 % \(reference\)\s+\d+\.\d %/);
    expect(table).toMatch(/no speed-up ratio is given/);
    await screenshot(page, 'experiments-compare-masked');
  });

  it('a two-value temperature sweep from the Sweep tab produces its table with a baseline row, and exports it', async () => {
    await tab('Sweep');
    const values = page.getByLabel('values of temperature');
    await values.fill('1, 0');
    await page.getByText('config "temperature" must be > 0, found 0').waitFor();
    expect(await page.getByRole('button', { name: 'Run sweep' }).isDisabled()).toBe(true);
    await values.fill('1, 4');
    expect(await page.locator('[data-testid=sweep-plan]').innerText()).toBe('3 runs (2 combinations + baseline), 90 steps in all');
    await page.getByRole('button', { name: 'Run sweep' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid=sweep-results]')?.getAttribute('data-status') === 'done', null, { timeout: 240_000 });
    const rows = page.locator('[data-testid=sweep-table] tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-row')))).toEqual(['baseline-hard', 'temperature=1', 'temperature=4']);
    expect(await page.locator('[data-testid=sweep-table] tr[data-baseline=true]').innerText()).toMatch(/baseline-hard\s*baseline/);
    expect(await page.locator('[data-testid=sweep-status]').innerText()).toMatch(/done · 3 \/ 3 runs · on wasm/);
    expect(await page.locator('[data-testid=sweep-table] tr.row-best').count()).toBe(1);
    expect(await page.locator('[data-testid=chart-sweep-parallel] polyline').count()).toBe(3);
    expect(await page.locator('[data-testid=chart-sweep-parallel] polyline[data-best=true]').count()).toBe(1);
    // sort by temperature, descending on the second click
    await page.locator('[data-testid=sweep-table] thead').getByRole('button', { name: /^temperature/ }).click();
    await page.locator('[data-testid=sweep-table] thead').getByRole('button', { name: /^temperature/ }).click();
    expect(await rows.first().getAttribute('data-row')).toBe('temperature=4');
    await screenshot(page, 'experiments-sweep');
    const csv = readFileSync((await download(page, () => page.getByRole('button', { name: 'sweep.csv' }).click())).file, 'utf8').trim().split('\n');
    expect(csv[0].split(',').slice(0, 3)).toEqual(['name', 'temperature', 'baseline']);
    expect(csv.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual(['temperature=1,1,false', 'temperature=4,4,false', 'baseline-hard,1,true']);
    const json = JSON.parse(readFileSync((await download(page, () => page.getByRole('button', { name: 'sweep.json' }).click())).file, 'utf8'));
    expect(json.rows.map((r: { baseline: boolean }) => r.baseline)).toEqual([false, false, true]);
    expect(json.rows[2].config).toMatchObject({ alpha_kd: 0, alpha_hard: 1 });
    expect(json.backend.name).toBe('wasm');
  });

  it('compares runs on any metric with a config diff; renames and tags a run; opens a stored run in Compare', async () => {
    await tab('Runs');
    const table = page.locator('[data-testid=runs-table]');
    expect(await table.locator('tbody tr').count()).toBe(4); // the first run + the sweep's three
    expect(await table.innerText()).toMatch(/Hard labels only/); // the recipe column
    for (const name of ['temperature=1', 'temperature=4']) await page.getByRole('checkbox', { name: `overlay ${name}` }).check();
    await page.locator('[data-testid=runs-metric]').selectOption('eval_loss_kd');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=chart-runs-metric]')?.getAttribute('data-points')) > 0);
    expect(await page.locator('[data-testid=chart-runs-metric] path.recharts-curve').count()).toBe(2);
    expect(await page.locator('[data-testid=chart-runs-metric] figcaption').innerText()).toMatch(/held-out kd loss \(unweighted\)/);
    const diff = page.locator('[data-testid=config-diff] tbody tr');
    expect(await diff.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-key')))).toEqual(['temperature']);
    const options = await page.locator('[data-testid=runs-metric] option').allInnerTexts();
    expect(options).toEqual(expect.arrayContaining(['en: label loyalty', 'label loyalty on masked positions', 'train kd loss (unweighted)']));
    await screenshot(page, 'experiments-runs-compare');

    await page.getByRole('button', { name: 'edit temperature=4' }).click();
    const form = page.getByRole('form', { name: 'edit temperature=4' });
    await form.getByLabel('name').fill('hot teacher');
    await form.getByLabel('tags (comma-separated)').fill('sweep, T4');
    await form.getByLabel('note').fill('softer targets');
    await form.getByRole('button', { name: 'Save' }).click();
    await table.locator('[data-testid=run-name]', { hasText: 'hot teacher' }).waitFor();
    expect(await table.innerText()).toMatch(/softer targets/);

    await page.locator('tr', { hasText: 'hot teacher' }).getByRole('button', { name: 'Compare' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid=compare-panel]')?.textContent?.includes('Teacher vs student: hot teacher'), null, { timeout: 60_000 });
    expect(await page.locator('[data-testid=chart-loyalty-per-language]').getAttribute('data-points')).toBe('3');
    await screenshot(page, 'experiments-compare-stored');
    // the rename survives a reload (IndexedDB)
    await page.reload();
    await tab('Runs');
    await page.locator('[data-testid=run-name]', { hasText: 'hot teacher' }).waitFor();
  });

  it('lays every tab out without sideways scroll from 1440 down to 390 px', async () => {
    await upload(files.mlm);
    await page.locator('[data-testid=data-summary]').waitFor();
    for (const width of [1440, 1024, 800, 390]) {
      await page.setViewportSize({ width, height: 900 });
      for (const name of ['Train', 'Compare', 'Runs', 'Sweep', 'Export']) {
        await tab(name);
        await page.waitForTimeout(150); // charts size themselves to their cards
        const over = await sideways();
        expect(over, `${name} at ${width} px: ${over > 0 ? await stickingOut() : ''}`).toBeLessThanOrEqual(0);
      }
      if (width === 800 || width === 390) {
        await tab('Runs');
        await screenshot(page, `experiments-runs-${width}`);
        await tab('Train');
        await screenshot(page, `experiments-train-${width}`);
      }
    }
    // at 390 px the main column is the screen's width, not a sliver
    const main = await page.locator('main').boundingBox();
    expect(main?.width).toBeGreaterThan(340);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('the keyboard: a skip link reaches Train in two key presses, arrow keys move between tabs, charts are named', async () => {
    await page.reload();
    await upload(files.mlm);
    await page.locator('[data-testid=data-summary]').waitFor();
    // focus back at the top of the page, as after opening it
    await page.evaluate(() => {
      document.body.tabIndex = -1;
      document.body.focus();
      document.body.removeAttribute('tabindex');
    });
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to training');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.hasAttribute('data-train-button'))).toBe(true);
    await tab('Train');
    await page.getByRole('tab', { name: 'Train' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Compare' }).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('End');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Export');
    await page.keyboard.press('Home');
    const names = await page.locator('[data-testid^=chart-] figcaption button').evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label')));
    expect(names).toEqual(['Save Loss chart as PNG', 'Save Loyalty (held-out) chart as PNG', expect.stringMatching(/^Save .+ chart as PNG$/), expect.stringMatching(/^Save .+ chart as PNG$/)]);
    expect(new Set(names).size).toBe(4);
    expect(await page.locator('[data-testid=chart-loss] [role=img]').getAttribute('aria-label')).toMatch(/^Loss: /);
    expect(await page.locator('[data-testid=run-status]').getAttribute('aria-live')).toBe('polite');
  });

  it('forms: messages beside their fields, Train disabled for steps 1.5 and 0, fields locked during a run', async () => {
    const steps = page.locator('input[name=steps]');
    await steps.fill('1.5');
    expect(await page.locator('[data-testid=field-message-steps]').innerText()).toBe('"1.5" is not a whole number');
    expect(await page.locator('[data-train-button]').isDisabled()).toBe(true);
    await steps.fill('0');
    expect(await page.locator('[data-testid=field-message-steps]').innerText()).toMatch(/at least 1 to train/);
    expect(await page.locator('[data-train-button]').isDisabled()).toBe(true);
    await screenshot(page, 'experiments-form-invalid');
    await steps.fill('100000');
    expect(await page.locator('[data-train-button]').isDisabled()).toBe(false);
    const hash = await page.evaluate(() => location.hash);
    await train();
    await waitStatus(['running']);
    expect(await page.locator('input[name=lr]').isDisabled()).toBe(true);
    expect(await page.locator('select[name=backend]').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'KD only' }).isDisabled()).toBe(true);
    expect(await page.evaluate(() => location.hash)).toBe(hash); // the link still names the running config
    await page.getByRole('button', { name: 'Stop' }).click();
    await waitStatus(['stopped']);
    expect(await page.locator('input[name=lr]').isDisabled()).toBe(false);
    await steps.fill('30');
  });

  it('links: invalid values are reported, not silently reset; the demo set is named in the link', async () => {
    await page.goto('about:blank'); // a new hash alone would not reload the page
    await page.goto(`${session.server.url}#steps=1.5&temperature=0&n_layers=1&learnign_rate=2`);
    const problems = page.locator('[data-testid=link-problems]');
    await problems.waitFor();
    const text = await problems.innerText();
    expect(text).toMatch(/steps=1\.5.*must be an integer/);
    expect(text).toMatch(/temperature=0.*must be > 0/);
    expect(text).toMatch(/learnign_rate=2.*unknown config key/);
    expect(await page.locator('input[name=n_layers]').inputValue()).toBe('1'); // the rest of the link applies
    await screenshot(page, 'experiments-link-problems');

    await page.getByRole('button', { name: 'Load demo' }).click();
    await page.waitForFunction(() => location.hash.includes('data=demo'), null, { timeout: 120_000 });
    const link = await page.evaluate(() => location.href);
    await page.goto('about:blank');
    await page.goto(link);
    await page.waitForFunction(() => document.querySelector('[data-testid=data-summary]')?.textContent?.includes('udhr'), null, { timeout: 120_000 });
    expect(await page.locator('input[name=n_layers]').inputValue()).toBe('1');
  });

  it('a sweep goes on after a reload: its row resumes from its checkpoint, then the rest', async () => {
    await page.goto('about:blank');
    await page.goto(`${session.server.url}#${TINY.replace('steps=30', 'steps=200')}&checkpoint_every=20&eval_every=100`);
    await upload(files.mlm);
    await page.locator('[data-testid=data-summary]').waitFor();
    await tab('Sweep');
    await page.getByLabel('sweep key 1').selectOption('seed');
    await page.getByLabel('values of seed').fill('1, 2');
    await page.getByLabel(/hard-label baseline/).uncheck();
    await page.getByRole('button', { name: 'Run sweep' }).click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=run-checkpoint]')?.textContent) >= 20, null, { timeout: 120_000 });
    await page.reload();
    await tab('Sweep');
    await page.waitForFunction(() => document.querySelector('[data-testid=sweep-results]')?.getAttribute('data-status') === 'interrupted');
    expect(await page.locator('[data-testid=resume-banner]').count()).toBe(1); // the row's checkpoint, offered like any run's
    await page.getByRole('button', { name: 'Continue the sweep' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid=sweep-results]')?.getAttribute('data-status') === 'done', null, { timeout: 240_000 });
    expect(await page.locator('[data-testid=sweep-table] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.textContent?.includes('done')))).toEqual([true, true]);
    await screenshot(page, 'experiments-sweep-resumed');
    expect(session.errors).toEqual([]);
  });
});
