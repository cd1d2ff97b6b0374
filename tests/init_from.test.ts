/**
 * `distill train --init-from DIR` with real Hugging Face teachers (tiny, random, built by tools/hf_fixtures.py
 * under the venv): a student with all the teacher's layers reproduces the teacher's logits (BERT: token type 0
 * folded into the positions; GPT-2), a half-depth student reads only its layers (from a sharded checkpoint),
 * and what cannot map is refused with one line before training.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { openAsBlob } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors } from '../src/io/index.ts';
import { VENV_PYTHON } from './helpers/venv.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/distill.mjs');
let dir = '';
const distill = (...args: string[]) => run(process.execPath, [BIN, ...args], { maxBuffer: 64 * 2 ** 20 });
const python = (...args: string[]) => run(VENV_PYTHON, args, { maxBuffer: 64 * 2 ** 20 });

/** A teacher directory, its JSONL inputs and a dense f32 set exported from it. */
async function teacher(kind: string, task: string, extra: string[] = []): Promise<{ model: string; data: string }> {
  const model = path.join(dir, kind + extra.join(''));
  const inputs = `${model}.jsonl`;
  await python('tools/hf_fixtures.py', kind, model, '--inputs', inputs, '--n', '32', ...extra);
  const data = `${model}.safetensors`;
  await python('tools/export_teacher.py', model, inputs, data, '--task', task, '--max-length', '24', '--dense', '--quiet');
  return { model, data };
}

async function maxDiffToTeacher(data: string, student: string): Promise<number> {
  const preds = path.join(dir, `${path.basename(student)}-preds.safetensors`);
  await distill('predict', '--data', data, '--student', student, '--out', preds, '--backend', 'wasm');
  const set = await readSafetensors(await openAsBlob(data));
  const teacherLogits = set.tensors.get('teacher_logits')!.data as Float32Array;
  const mask = set.tensors.get('attention_mask')!.data as Uint8Array;
  const got = (await readSafetensors(await openAsBlob(preds))).tensors.get('student_logits')!.data as Float32Array;
  const v = teacherLogits.length / mask.length;
  let max = 0;
  for (let p = 0; p < mask.length; p++) {
    if (!mask[p]) continue;
    for (let j = 0; j < v; j++) max = Math.max(max, Math.abs(got[p * v + j] - teacherLogits[p * v + j]));
  }
  return max;
}

let bert: { model: string; data: string };
let gpt2: { model: string; data: string };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'init-from-'));
  [bert, gpt2] = await Promise.all([teacher('bert-mlm', 'mlm', ['--layers', '4', '--max-shard-size', '60KB']), teacher('gpt2-clm', 'clm')]);
  await writeFile(path.join(dir, 'all4.json'), JSON.stringify({ n_layers: 4, dropout: 0 }));
  await writeFile(path.join(dir, 'all2.json'), JSON.stringify({ n_layers: 2, dropout: 0 }));
  await writeFile(path.join(dir, 'all4-trim.json'), JSON.stringify({ n_layers: 4, dropout: 0, trim_vocab: true }));
}, 240_000);

describe('distill train --init-from', () => {
  it('with all of a BERT teacher\'s layers reproduces its logits at step 0 (sharded checkpoint)', async () => {
    const student = path.join(dir, 'bert-all');
    const { stderr } = await distill('train', '--data', bert.data, '--init-from', bert.model, '--config', path.join(dir, 'all4.json'), '--steps', '0', '--backend', 'wasm', '--out', student);
    expect(stderr).toMatch(/teacher bert \(4 layers, d 32\) → distilbert student with layers 0, 1, 2, 3/);
    expect(stderr).toMatch(/eval @0: label_loyalty 1\.0000/);
    expect(await maxDiffToTeacher(bert.data, student)).toBeLessThan(1e-4);
  }, 120_000);

  it('trimmed (trim_vocab true, dense teacher) still starts where the teacher is: label loyalty 1 at step 0', async () => {
    const student = path.join(dir, 'bert-all-trimmed');
    const { stderr } = await distill('train', '--data', bert.data, '--init-from', bert.model, '--config', path.join(dir, 'all4-trim.json'), '--steps', '0', '--backend', 'wasm', '--out', student);
    expect(stderr).toMatch(/vocabulary trimmed \(trim_vocab true\)/);
    expect(stderr).toMatch(/eval @0: label_loyalty 1\.0000 {2}masked_label_loyalty 1\.0000 {2}prob_loyalty 0\.9\d+ {2}kl 0\.0\d+/); // the pooled bucket: near, not exact
  }, 120_000);

  it('with all of a GPT-2 teacher\'s layers reproduces its logits at step 0', async () => {
    const student = path.join(dir, 'gpt2-all');
    await distill('train', '--data', gpt2.data, '--init-from', gpt2.model, '--config', path.join(dir, 'all2.json'), '--steps', '0', '--backend', 'wasm', '--out', student);
    expect(await maxDiffToTeacher(gpt2.data, student)).toBeLessThan(1e-4);
  }, 120_000);

  it('defaults to half the depth, DistilBERT-style, reading only those layers, and trains', async () => {
    const student = path.join(dir, 'bert-half');
    const { stderr } = await distill('train', '--data', bert.data, '--init-from', bert.model, '--steps', '3', '--backend', 'wasm', '--out', student);
    expect(stderr).toMatch(/student with layers 0, 3; reading 42 of 74 tensors/);
    expect(stderr).toMatch(/step 3\/3/);
  }, 120_000);

  it('refuses what cannot map with exactly one error line, before training', async () => {
    const cases: [string[], RegExp][] = [
      [['--data', gpt2.data, '--init-from', bert.model], /a bert teacher is bidirectional: it cannot initialise a clm student/],
      [['--data', bert.data, '--init-from', gpt2.model], /vocabulary \(\d+ tokens\) differs from the set's|GPT-2 teacher is causal/],
      [['--data', bert.data, '--init-from', path.join(dir, 'nowhere')], /not a directory/],
    ];
    await writeFile(path.join(dir, 'wide.json'), JSON.stringify({ d_model: 64, n_heads: 2 }));
    cases.push([['--data', bert.data, '--init-from', bert.model, '--config', path.join(dir, 'wide.json')], /d_model 64 differs from the teacher's width 32/]);
    for (const [args, pattern] of cases) {
      const err = await distill('train', ...args, '--steps', '1', '--backend', 'wasm', '--out', path.join(dir, 'refused')).catch((e) => e);
      expect(err.code).toBe(1);
      const lines = err.stderr.trim().split('\n').filter((l: string) => l.startsWith('error:'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(pattern);
      expect(err.stderr).not.toMatch(/step 1\/1/);
    }
  }, 120_000);
});
