/**
 * The target: with trim_vocab false, a d_model 128, 2-layer student with XLM-R's 250,002-token
 * vocabulary and a top-k teacher trains at batch 16 × 64 positions on wasm, in Node, within 3 GiB peak RSS —
 * measured in a child process (`distill train`, the kernel's own peak: tests/hostile/run_cli.ts). And the same set
 * under trim_vocab auto trims itself and trains in a fraction of that.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticLargeVocabSet } from '../src/engine/testing/synthetic.ts';
import { encodeDistillSet } from '../src/io/index.ts';
import { GiB, MiB, runCli } from './hostile/run_cli.ts';

let dir = '';
let data = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vocab-250k-'));
  data = path.join(dir, 'xlmr_sized.safetensors');
  await writeFile(data, encodeDistillSet(syntheticLargeVocabSet({ vocabSize: 250_002, used: 4000, n: 40, seqLen: 64, k: 32, task: 'mlm', seed: 3 })));
});

async function train(trim: boolean | 'auto', steps: number) {
  const cfg = path.join(dir, `cfg-${String(trim)}.json`);
  await writeFile(cfg, JSON.stringify({ d_model: 128, n_layers: 2, n_heads: 4, d_ff: 512, max_len: 64, batch_size: 16, eval_every: 0, eval_max_examples: 16, report_every: 1, trim_vocab: trim }));
  const out = path.join(dir, `student-${String(trim)}`);
  const run = await runCli(['train', '--data', data, '--config', cfg, '--steps', String(steps), '--backend', 'wasm', '--out', out], { timeoutMs: 30 * 60_000, rssCapBytes: 6 * GiB });
  return { run, out };
}

describe('a 250,002-token vocabulary on wasm', () => {
  it('trains untrimmed at batch 16 × 64 within 3 GiB peak RSS', async () => {
    const { run, out } = await train(false, 2);
    console.log(`250k untrimmed: exit ${run.code}, peak RSS ${(run.peakRssBytes / MiB).toFixed(0)} MiB, ${(run.wallMs / 1000).toFixed(0)} s\n${run.stderr.split('\n').filter((l) => /memory|vocabulary|step 2/.test(l)).join('\n')}`);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/vocabulary kept whole \(trim_vocab false\)/);
    expect(JSON.parse(await readFile(path.join(out, 'config.json'), 'utf8')).vocab_size).toBe(250_002);
    expect(run.peakRssBytes).toBeLessThan(3 * GiB);
  }, 40 * 60_000);
  it('trims itself under auto and trains in a fraction of the memory', async () => {
    const { run, out } = await train('auto', 2);
    console.log(`250k auto: exit ${run.code}, peak RSS ${(run.peakRssBytes / MiB).toFixed(0)} MiB, ${(run.wallMs / 1000).toFixed(0)} s`);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/vocabulary trimmed \(trim_vocab auto: saves at least 20 %\): the set uses [\d,]+ of 250,002 ids/);
    expect(JSON.parse(await readFile(path.join(out, 'config.json'), 'utf8')).vocab_size).toBeLessThan(4200);
    expect(run.peakRssBytes).toBeLessThan(1 * GiB);
  }, 20 * 60_000);
});
