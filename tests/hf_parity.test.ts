/**
 * The student is a real Hugging Face model: for every task × architecture, a directory written by
 * `distill train` loads with transformers' AutoModelFor….from_pretrained(DIR, dtype=float32) (no
 * trust_remote_code) and gives the logits of `distill predict` within 1e-4 (absolute, float32) at every real
 * position. Runs the real library from the venv `.venv-hf` (made by `npm test`'s prerequisite step).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticSet } from '../src/engine/testing/synthetic.ts';
import type { Task } from '../src/engine/types.ts';
import { encodeDistillSet } from '../src/io/index.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/distill.mjs');
import { VENV_PYTHON } from './helpers/venv.ts';
let dir = '';

const CASES: [Task, 'distilbert' | 'gpt2'][] = [
  ['mlm', 'distilbert'],
  ['classification', 'distilbert'],
  ['clm', 'gpt2'],
  ['classification', 'gpt2'],
];

beforeAll(async () => {
  if (!existsSync(VENV_PYTHON)) throw new Error(`${VENV_PYTHON} is missing: run npm test (its prerequisite step makes the venv)`);
  dir = await mkdtemp(path.join(tmpdir(), 'hf-parity-'));
});

describe('a trained student loads in transformers and gives distill predict\'s logits', () => {
  it.each(CASES)('%s with architecture %s', async (task, architecture) => {
    const data = path.join(dir, `${task}-${architecture}.safetensors`);
    // padded tails (syntheticSet pads up to 2 positions) exercise the attention mask and GPT-2's last-token pooling
    await writeFile(data, encodeDistillSet(syntheticSet({ task, n: 40, seqLen: 12, vocabSize: 50, topk: task === 'classification' ? undefined : 8, hiddenSize: 8, seed: 5 })));
    const config = path.join(dir, `${task}-${architecture}.json`);
    // a large lr for a few steps so the weights are far from their initial values (dropout on while training)
    await writeFile(config, JSON.stringify({ architecture, n_layers: 2, d_model: 32, n_heads: 4, d_ff: 64, max_len: 16, batch_size: 8, lr: 1e-2, warmup_steps: 0, eval_every: 0 }));
    const student = path.join(dir, `student-${task}-${architecture}`);
    const preds = path.join(dir, `preds-${task}-${architecture}.safetensors`);
    await run(process.execPath, [BIN, 'train', '--data', data, '--config', config, '--steps', '30', '--backend', 'wasm', '--out', student]);
    await run(process.execPath, [BIN, 'predict', '--data', data, '--student', student, '--out', preds, '--backend', 'wasm']);
    const { stdout } = await run(VENV_PYTHON, ['tools/hf_student_check.py', '--student', student, '--data', data, '--preds', preds, '--atol', '1e-4']).catch((err) => {
      throw new Error(`hf_student_check failed: ${err.stdout}${err.stderr}`);
    });
    const result = JSON.parse(stdout.trim().split('\n').pop() as string);
    console.log(`parity ${task} ${architecture}: ${result.class} max |Δlogit| ${result.max_abs_diff.toExponential(2)} over ${result.n_compared} rows (logits up to ${result.logit_scale.toFixed(2)})`);
    expect(result.class).toBe({ mlm: 'DistilBertForMaskedLM', clm: 'GPT2LMHeadModel', classification: architecture === 'gpt2' ? 'GPT2ForSequenceClassification' : 'DistilBertForSequenceClassification' }[task]);
    expect(result.logit_scale).toBeGreaterThan(0.5); // trained weights, not a near-zero init
    expect(result.max_abs_diff).toBeLessThan(1e-4);
  }, 180_000);
});
