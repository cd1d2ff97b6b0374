/**
 * Run directories written by Distill Playground 0.1 (student.safetensors with [in, out] weights, config.json
 * model_type "distill-playground-student") still load into `distill eval` and `distill predict`. The fixtures
 * in tests/fixtures/legacy_0.1 were written by the 0.1 CLI (commit a5c3fb8) together with its own eval output.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { openAsBlob } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../src/io/index.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/distill.mjs');
const FIXTURES = path.resolve('tests/fixtures/legacy_0.1');

describe.each(['mlm', 'clm', 'classification'])('a 0.1 %s run directory', (task) => {
  const dir = path.join(FIXTURES, task);
  const data = path.join(dir, 'set.safetensors');

  it('evaluates to the metrics 0.1 computed for it', async () => {
    const { stdout } = await run(process.execPath, [BIN, 'eval', '--data', data, '--student', dir, '--backend', 'cpu']);
    const got = JSON.parse(stdout);
    const expected = JSON.parse(await readFile(path.join(dir, 'eval_0.1.json'), 'utf8'));
    for (const key of ['label_loyalty', 'prob_loyalty', 'kl', 'student_accuracy', 'n_positions']) expect(got[key]).toBeCloseTo(expected[key], 5);
  }, 60_000);

  it('predicts with its own architecture', async () => {
    const out = path.join(await mkdtemp(path.join(tmpdir(), 'legacy-')), 'preds.safetensors');
    await run(process.execPath, [BIN, 'predict', '--data', data, '--student', dir, '--out', out, '--backend', 'cpu']);
    const preds = await readSafetensors(await openAsBlob(out));
    expect(preds.tensors.get('student_logits')?.shape).toEqual(task === 'classification' ? [16, 3] : [16, 8, 20]);
  }, 60_000);
});
