/**
 * The worst classes of the hostile suite (tests/hostile), through the page in real headless Chromium: a JSON
 * array in one jsonl line (the V8 "invalid size" abort class), an npz `<U` metadata array declaring 210M
 * characters, an ignored npz member inflating to 2 GiB, 200k npz members, a tiny set declaring a 6M-token
 * vocabulary. For each: the tab does not crash, the refusal appears in place as one message — the CLI's own
 * words — within the case's time bound, and the set loaded before stays loaded (and trains).
 */
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { HostileCase } from '../hostile/case_kit.ts';
import { READ_CASES } from '../hostile/read_cases.ts';
import { TRAIN_CASES } from '../hostile/train_cases.ts';
import { OUT, openSession, screenshot, type Session } from './browser.ts';
import { writeFixtures, type Fixtures } from './fixtures.ts';

const TINY = 'n_layers=1&d_model=32&n_heads=2&d_ff=64&max_len=16&batch_size=8&steps=20&eval_every=0&report_every=5&backend=wasm';
const IN_PAGE = ['jsonl-long-array', 'npz-unicode-metadata', 'npz-ignored-deflate-bomb', 'npz-200k-members', 'train-vocab-6m'];

const DIR = path.join(OUT, 'fixtures', 'hostile');
let session: Session;
let page: Page;
let files: Fixtures;
let crashed = false;

const caseOf = (id: string): HostileCase => {
  const found = [...READ_CASES, ...TRAIN_CASES].find((c) => c.id === id);
  if (!found) throw new Error(`no hostile case ${id}`);
  return found;
};
/** The trim_vocab a train case gives `distill train` (its cfg.json), so the page runs the same configuration. */
const trimVocabOf = (c: HostileCase, file: string): string => {
  const dir = path.join(DIR, `${c.id}-cfg`);
  mkdirSync(dir, { recursive: true });
  c.args(file, dir);
  const config = JSON.parse(readFileSync(path.join(dir, 'cfg.json'), 'utf8')) as { trim_vocab?: unknown };
  return String(config.trim_vocab ?? 'auto');
};
const upload = (file: string) => page.locator('[data-testid=file-input]').setInputFiles(file);
const summaryNames = (name: string, timeout = 60_000) =>
  page.waitForFunction((n) => document.querySelector('[data-testid=data-summary]')?.textContent?.includes(n), name, { timeout });

beforeAll(async () => {
  files = writeFixtures();
  mkdirSync(DIR, { recursive: true });
  session = await openSession();
  page = session.page;
  page.on('crash', () => (crashed = true));
  await page.goto(`${session.server.url}#${TINY}`);
  await page.waitForFunction(() => !document.querySelector('[data-testid=backend-info]')?.textContent?.includes('probing'));
  await upload(files.mlm);
  await summaryNames('tiny-mlm.safetensors');
});

afterAll(async () => {
  await session?.close();
  rmSync(DIR, { recursive: true, force: true });
});

describe('hostile files in the page', () => {
  for (const id of IN_PAGE) {
    const c = caseOf(id);
    it(`${c.id}: ${c.klass}`, async () => {
      const file = path.join(DIR, c.file);
      await c.write(file);
      // a train case's configuration as the CLI gets it (train-vocab-6m: the full vocabulary, trim_vocab false)
      if (c.kind === 'train') await page.locator('select[name=trim_vocab]').selectOption(trimVocabOf(c, file));
      const t0 = Date.now();
      await upload(file);
      // Wait for the read to settle: a message, or the new set's card.
      await page.waitForFunction(
        (name) => document.querySelector('[data-testid=data-error]')?.textContent?.includes(name) || document.querySelector('[data-testid=data-summary]')?.textContent?.includes(name),
        c.file,
        { timeout: 2 * c.maxSeconds * 1000 },
      );
      const seconds = (Date.now() - t0) / 1000;
      console.log(`${c.id}: ${(statSync(file).size / 2 ** 20).toFixed(1)} MiB file settled in ${seconds.toFixed(1)} s`);
      expect(crashed).toBe(false);
      expect(await page.evaluate(() => 1 + 1)).toBe(2); // the tab answers
      expect(seconds).toBeLessThan(c.maxSeconds);
      const refused = c.kind === 'read' && c.expect.code === 1;
      if (refused) {
        const alerts = page.locator('[data-testid=data-error]');
        expect(await alerts.count()).toBe(1);
        const text = await alerts.innerText();
        expect(text.startsWith(`Could not read ${c.file}: `)).toBe(true);
        expect(text).toMatch(c.expect.code === 1 ? c.expect.error : /^$/);
        expect(text).not.toMatch(/Invalid array length|invalid size|RangeError|out of memory|Aborted/);
        expect(text.length).toBeLessThan(600);
        expect(text).toContain('(still loaded: tiny-mlm.safetensors)');
        // The set loaded before stays: its card, and Train on it.
        expect(await page.locator('[data-testid=data-summary]').innerText()).toContain('tiny-mlm.safetensors');
        expect(await page.getByRole('button', { name: /^Train/ }).first().isEnabled()).toBe(true);
      } else {
        // Read as the contract says (an ignored member is never inflated; a declared vocabulary is only a number).
        expect(await page.locator('[data-testid=data-error]').count()).toBe(0);
        if (c.kind === 'train') {
          // …and then refused before anything is built, with the numbers.
          const refusal = await page.locator('[data-testid=train-refusal]').innerText();
          expect(refusal).toMatch(c.expect.code === 1 ? c.expect.error : /^$/);
          if (c.expect.code === 1 && c.expect.notError) expect(refusal).not.toMatch(c.expect.notError);
          expect(await page.getByRole('button', { name: /^Train/ }).first().isDisabled()).toBe(true);
        }
        await upload(files.mlm);
        await summaryNames('tiny-mlm.safetensors');
        if (c.kind === 'train') await page.locator('select[name=trim_vocab]').selectOption('auto');
      }
      await screenshot(page, `hostile-${c.id}`);
      rmSync(file, { force: true });
    });
  }

  it('after them all, the page trains the set that stayed loaded; nothing crashed or left the origin', async () => {
    await page.getByRole('button', { name: /^Train/ }).first().click();
    await page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.textContent?.includes('saved'), null, { timeout: 120_000 });
    expect(await page.locator('[data-testid=run-status]').getAttribute('data-status')).toBe('done');
    expect(crashed).toBe(false);
    expect(session.errors).toEqual([]);
    expect(session.blocked).toEqual([]);
    expect(await session.cspViolations()).toEqual([]);
  });
});
