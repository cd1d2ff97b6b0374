/**
 * Starting the student from the teacher's weights, in real headless Chromium: a tiny real BERT teacher
 * (transformers, tools/hf_fixtures.py) exports a dense set; the page takes the set, then the teacher's
 * config.json + model.safetensors in the second drop zone, shapes the form after the teacher, and a student
 * with all the teacher's layers starts where the teacher is (held-out label loyalty 100 % at step 0). A teacher
 * whose vocabulary differs from the set's is refused in place.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { VENV_PYTHON } from '../helpers/venv.ts';
import { OUT, ROOT, openSession, screenshot, type Session } from './browser.ts';

const run = promisify(execFile);
let session: Session;
let page: Page;
const dir = path.join(OUT, 'teacher-init');
const teacher = path.join(dir, 'bert');
const other = path.join(dir, 'gpt2');
const data = path.join(dir, 'bert-set.safetensors');

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  const fixtures = path.join(ROOT, 'tools/hf_fixtures.py');
  await run(VENV_PYTHON, [fixtures, 'bert-mlm', teacher, '--inputs', `${teacher}.jsonl`, '--n', '32']);
  await run(VENV_PYTHON, [fixtures, 'gpt2-clm', other]);
  await run(VENV_PYTHON, [path.join(ROOT, 'tools/export_teacher.py'), teacher, `${teacher}.jsonl`, data, '--max-length', '16', '--dense', '--quiet']);
  session = await openSession();
  page = session.page;
}, 300_000);

afterAll(async () => {
  await session?.close();
});

describe('teacher weights in the page', () => {
  it('shapes the student after the teacher, and with all its layers starts at its logits', async () => {
    // all the teacher's 2 layers; an lr so small the two steps leave the weights where they started
    await page.goto(`${session.server.url}#n_layers=2&dropout=0&steps=2&lr=1e-9&warmup_steps=0&eval_every=0&batch_size=8&backend=wasm`);
    await page.waitForFunction(() => !document.querySelector('[data-testid=backend-info]')?.textContent?.includes('probing'));
    await page.locator('[data-testid=file-input]').setInputFiles(data);
    await page.waitForFunction(() => document.querySelector('[data-testid=data-summary]')?.textContent?.includes('bert-set.safetensors'));
    await page.locator('[data-testid=teacher-input]').setInputFiles([path.join(other, 'config.json'), path.join(other, 'model.safetensors')]);
    await page.locator('[data-testid=teacher-error]').waitFor();
    expect(await page.locator('[data-testid=teacher-error]').innerText()).toMatch(/gpt2|vocabulary|causal/i);
    await page.locator('[data-testid=teacher-input]').setInputFiles([path.join(teacher, 'config.json'), path.join(teacher, 'model.safetensors')]);
    await page.locator('[data-testid=teacher-weights]').waitFor();
    expect(await page.locator('[data-testid=teacher-weights]').innerText()).toMatch(/a bert teacher \(2 layers, d_model 32, 2 heads\) → distilbert student from layers 0;/); // half its depth by default
    expect(await page.locator('input[name=d_model]').inputValue()).toBe('32');
    expect(await page.locator('input[name=d_ff]').inputValue()).toBe('64');
    await page.locator('input[name=n_layers]').fill('2');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.getAttribute('data-status') === 'done', undefined, { timeout: 180_000 });
    await page.getByRole('tab', { name: 'Compare' }).click();
    const table = page.locator('[data-testid=summary-table]');
    await table.waitFor();
    expect(await table.innerText()).toMatch(/label loyalty\s+100 % \(reference\)\s+100\.0 %/);
    await screenshot(page, 'teacher-init');
  });
});
