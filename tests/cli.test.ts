/**
 * The CLI as a person runs it: `distill inspect | train | eval | predict` on a small set, checking the public
 * outputs (stdout JSON, report.json, config.json, the predictions file).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { openAsBlob } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticSet } from '../src/engine/testing/synthetic.ts';
import { encodeDistillSet, readSafetensors } from '../src/io/index.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/distill.mjs');
let dir = '';
let data = '';
let student = '';

async function distill(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [BIN, ...args], { maxBuffer: 64 * 1024 * 1024 });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'distill-cli-'));
  data = path.join(dir, 'set.safetensors');
  const langs = Array.from({ length: 64 }, (_, i) => (i % 3 === 0 ? 'de' : 'en'));
  await writeFile(data, encodeDistillSet(syntheticSet({ n: 64, seqLen: 8, vocabSize: 24, topk: 6, hiddenSize: 8, langs })));
  await writeFile(path.join(dir, 'cfg.json'), JSON.stringify({ n_layers: 1, d_model: 16, n_heads: 2, d_ff: 32, max_len: 8, batch_size: 8, eval_every: 10 }));
  student = path.join(dir, 'student');
}, 60_000);

describe('distill CLI', () => {
  it('inspect prints the summary JSON', async () => {
    const { stdout } = await distill('inspect', data);
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({ task: 'mlm', n: 64, seq_len: 8, vocab_size: 24, teacher: 'topk', k: 6, has_labels: true, has_hidden: true, hidden_size: 8 });
    expect(summary.metadata_keys).toContain('langs');
  });

  it('train writes a Hugging Face model directory (DistilBERT for mlm) and a per-step report', async () => {
    const { stderr } = await distill('train', '--data', data, '--preset', 'distilbert', '--config', path.join(dir, 'cfg.json'), '--steps', '20', '--backend', 'wasm', '--seed', '3', '--out', student);
    expect(stderr).toMatch(/step 20\/20/);
    const config = JSON.parse(await readFile(path.join(student, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model_type: 'distilbert', architectures: ['DistilBertForMaskedLM'], dim: 16, n_layers: 1, n_heads: 2, hidden_dim: 32, vocab_size: 24, max_position_embeddings: 8, dtype: 'float32', pad_token_id: 0 });
    expect(config.distill).toMatchObject({ architecture: 'distilbert', batch_size: 8, alpha_kd: 5, alpha_hard: 2, alpha_cos: 1, temperature: 2, seed: 3, steps: 20 });
    const report = JSON.parse(await readFile(path.join(student, 'report.json'), 'utf8'));
    expect(report.history).toHaveLength(20);
    // the one report format (io/report.ts), as the page writes it
    expect(Object.keys(report)).toEqual([
      'tool', 'started_at', 'wall_seconds', 'data', 'config', 'backend', 'student', 'history', 'evals', 'initial_metrics', 'final_metrics',
      'name', 'status', 'student_ms_per_example', 'vocabulary',
    ]);
    expect(report.vocabulary).toMatchObject({ trim: false, mode: 'auto', teacherVocab: 24 }); // a 24-token set the student fills
    expect(report).toMatchObject({ status: 'done', name: expect.stringMatching(/^distilbert · seed 3 · /), student_ms_per_example: expect.any(Number) });
    expect(report.data).toMatchObject({ task: 'mlm', metadata_keys: expect.any(Array), teacher_name: expect.toBeOneOf([expect.any(String), null]) });
    for (const entry of report.history) {
      for (const key of ['step', 'total', 'kd', 'hard', 'cos', 'lr', 'tokens_per_s', 'ms_per_step']) expect(entry[key]).toEqual(expect.any(Number));
    }
    expect(report.evals.map((e: { step: number }) => e.step)).toEqual([0, 10, 20]);
    expect(report.evals[2].metrics.per_lang).toHaveProperty('de');
    const weights = await readSafetensors(await openAsBlob(path.join(student, 'model.safetensors')));
    expect(weights.metadata).toEqual({ format: 'pt' });
    expect(weights.tensors.get('distilbert.embeddings.word_embeddings.weight')?.shape).toEqual([24, 16]);
    expect(weights.tensors.get('distilbert.transformer.layer.0.ffn.lin1.weight')?.shape).toEqual([32, 16]); // torch [out, in]
    expect(weights.tensors.has('vocab_projector.weight')).toBe(false); // tied, as save_pretrained leaves it out
    const projection = await readSafetensors(await openAsBlob(path.join(student, 'hidden_projection.safetensors')));
    expect(projection.tensors.get('distill.hidden_projection.weight')?.shape).toEqual([16, 8]);
  }, 120_000);

  it('eval prints the loyalty metrics of the trained student', async () => {
    const { stdout } = await distill('eval', '--data', data, '--student', student, '--backend', 'wasm');
    const metrics = JSON.parse(stdout);
    for (const key of ['label_loyalty', 'prob_loyalty', 'kl', 'teacher_accuracy', 'student_accuracy', 'n_positions']) {
      expect(metrics[key]).toEqual(expect.any(Number));
    }
    expect(Object.keys(metrics.per_lang).sort()).toEqual(['de', 'en']);
    expect(metrics.prob_loyalty).toBeGreaterThan(0);
    expect(metrics.prob_loyalty).toBeLessThanOrEqual(1);
  }, 60_000);

  it('predict writes dense logits, or top-k with the logsumexp', async () => {
    const dense = path.join(dir, 'dense.safetensors');
    const topk = path.join(dir, 'topk.safetensors');
    await distill('predict', '--data', data, '--student', student, '--out', dense, '--backend', 'wasm');
    await distill('predict', '--data', data, '--student', student, '--out', topk, '--topk', '3', '--backend', 'wasm');
    const d = await readSafetensors(await openAsBlob(dense));
    expect(d.tensors.get('student_logits')?.shape).toEqual([64, 8, 24]);
    const t = await readSafetensors(await openAsBlob(topk));
    expect(t.tensors.get('student_topk_ids')?.shape).toEqual([64, 8, 3]);
    expect(t.tensors.get('student_topk_logits')?.shape).toEqual([64, 8, 3]);
    expect(t.tensors.get('student_logsumexp')?.shape).toEqual([64, 8]);
    // The top-1 of the top-k file is the argmax of the dense file, and lse ≥ every logit.
    const logits = d.tensors.get('student_logits')!.data as Float32Array;
    const ids = t.tensors.get('student_topk_ids')!.data as Int32Array;
    const lse = t.tensors.get('student_logsumexp')!.data as Float32Array;
    for (const p of [0, 17, 200]) {
      const row = Array.from(logits.subarray(p * 24, (p + 1) * 24));
      expect(ids[p * 3]).toBe(row.indexOf(Math.max(...row)));
      expect(lse[p]).toBeGreaterThanOrEqual(Math.max(...row));
    }
  }, 60_000);

  it('refuses an unknown config key with exit code 1 and one error line', async () => {
    await writeFile(path.join(dir, 'bad.json'), JSON.stringify({ learnig_rate: 1 }));
    const err = await distill('train', '--data', data, '--config', path.join(dir, 'bad.json'), '--out', path.join(dir, 'x')).catch((e) => e);
    expect(err.code).toBe(1);
    expect(err.stderr.trim()).toBe('error: unknown config key "learnig_rate"');
  });
});
