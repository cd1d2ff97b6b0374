import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type DistillConfig } from '../config/config.ts';
import { studentParamCount, studentSpec } from '../model/spec.ts';
import { syntheticSet } from '../testing/synthetic.ts';
import { createTrainer } from '../trainer.ts';
import { checkStepFits, describeStepEstimate, estimateStep, LOGITS_COPIES, WASM_HEAP_BUDGET_BYTES, type StepShape } from './step_estimate.ts';

const config = (over: Partial<DistillConfig>): DistillConfig => ({ ...DEFAULT_CONFIG, steps: 4, eval_every: 0, report_every: 1, ...over });
const topk = (vocabSize: number, seqLen = 4): StepShape => ({ task: 'clm', seqLen, vocabSize, teacher: { kind: 'topk' } });

describe('estimateStep', () => {
  it('adds up weights, update, activations and logits from the spec, worked out by hand', () => {
    const cfg = config({ d_model: 8, n_layers: 1, n_heads: 2, d_ff: 16, max_len: 4, batch_size: 2 });
    const e = estimateStep(topk(10), cfg);
    const p = studentParamCount(studentSpec(cfg, 'clm', { vocabSize: 10 }));
    expect(e.params).toBe(p);
    expect(e.heldBytes).toBe(12 * p);
    expect(e.updateBytes).toBe(80 * p);
    // per layer 120·B·L·D + 32·B·L·F + 12·B·H·L², plus 24·B·L·D outside the layers; float32
    expect(e.activationBytes).toBe(4 * (120 * 8 * 8 + 32 * 8 * 16 + 12 * 2 * 2 * 16 + 24 * 8 * 8));
    expect(e.logitsBytes).toBe(4 * LOGITS_COPIES.topk * 8 * 10);
    expect(e.totalBytes).toBe(e.heldBytes + e.updateBytes + e.activationBytes + e.logitsBytes);
    expect(describeStepEstimate(e)).toMatch(/^about [\d.]+ MiB \(\d+ bytes\): weights and AdamW moments .* logits .* \(10 copies of \[8, 10\]\)/);
  });
  it('counts the cosine projection and the teacher hidden states only when alpha_cos > 0', () => {
    const shape = { ...topk(10), teacherHidden: { size: 12 } };
    const off = estimateStep(shape, config({ d_model: 8, n_heads: 2 }));
    const on = estimateStep(shape, config({ d_model: 8, n_heads: 2, alpha_cos: 1 }));
    expect(on.params - off.params).toBe(8 * 12);
    expect(on.hiddenBytes).toBeGreaterThan(0);
    expect(off.hiddenBytes).toBe(0);
  });
});

describe('checkStepFits', () => {
  it('refuses a 6M-token vocabulary before anything is allocated, naming the embedding, never a top-k teacher', () => {
    const run = () => checkStepFits(topk(6_000_000), config({ batch_size: 2 }), 'cpu', 64 * 2 ** 30);
    expect(run).toThrow(/embedding \[6000000, 128\] of 2\.86 GiB, more than the 2\.00 GiB one tensor may take: the 6,000,000-token vocabulary/);
    expect(run).not.toThrow(/top-k/);
  });
  it('refuses against the wasm heap and the caller\'s budget, with the numbers and what to change', () => {
    const cfg = config({ batch_size: 16 });
    expect(() => checkStepFits(topk(1_000_000, 2), cfg, 'wasm')).toThrow(/one step needs about [\d.]+ GiB .* more than the 3\.50 GiB a wasm heap can give: the 1,000,000-token vocabulary .*lower d_model .*or train on a backend with more memory/);
    expect(() => checkStepFits(topk(1_000_000, 2), cfg, 'cpu', 64 * 2 ** 30)).not.toThrow();
    expect(() => checkStepFits(topk(1_000_000, 2), cfg, 'cpu', 2 ** 30)).toThrow(/more than the 1\.00 GiB memory budget of cpu/);
    const dense: StepShape = { task: 'mlm', seqLen: 128, vocabSize: 32_768, teacher: { kind: 'dense' } };
    expect(() => checkStepFits(dense, cfg, 'wasm')).toThrow(/logits .*lower batch_size \(now 16\); export a top-k teacher/);
    expect(() => checkStepFits({ ...dense, teacher: { kind: 'topk' } }, cfg, 'wasm')).not.toThrow(/top-k teacher/);
    expect(WASM_HEAP_BUDGET_BYTES).toBeLessThan(4 * 2 ** 30);
  });
});

describe('the estimate bounds what a step holds (tf.profile peak, this backend)', () => {
  const cells = {
    'parameter-bound': { set: { vocabSize: 8192, seqLen: 4, topk: 4 }, cfg: { d_model: 32, n_layers: 1, n_heads: 2, d_ff: 64, batch_size: 2 } },
    'activation-bound': { set: { vocabSize: 32, seqLen: 32, topk: 4 }, cfg: { d_model: 32, n_layers: 2, n_heads: 4, d_ff: 128, batch_size: 8 } },
    'logits-bound, dense': { set: { vocabSize: 2048, seqLen: 16 }, cfg: { d_model: 16, n_layers: 1, n_heads: 2, d_ff: 32, batch_size: 8 } },
  };
  for (const [name, { set: shape, cfg: over }] of Object.entries(cells)) {
    it(name, async () => {
      const set = syntheticSet({ n: 8, ...shape, withLogsumexp: true });
      const cfg = config({ ...over, max_len: shape.seqLen });
      const before = tf.memory().numBytes;
      const trainer = await createTrainer(set, cfg);
      await trainer.step(1);
      const profile = await tf.profile(() => trainer.step(1));
      trainer.dispose();
      const measured = profile.peakBytes - before;
      const estimate = estimateStep(set, cfg).totalBytes;
      console.info(`${tf.getBackend()} ${name}: measured ${measured} B, estimated ${estimate} B (${(estimate / measured).toFixed(2)}×)`);
      expect(estimate).toBeGreaterThanOrEqual(measured);
      expect(estimate).toBeLessThan(3 * measured);
    });
  }
});
