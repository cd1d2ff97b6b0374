import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { mergeConfig } from '../config/merge.ts';
import { syntheticLargeVocabSet, syntheticSet } from '../testing/synthetic.ts';
import { createTrainer } from '../trainer.ts';
import type { DistillSet } from '../types.ts';
import { checkStepFits, describeStepEstimate, estimateStep, WASM_HEAP_BUDGET_BYTES } from './step_estimate.ts';

const small = { n_layers: 2, d_model: 32, n_heads: 2, d_ff: 64, eval_every: 0, report_every: 1, steps: 10, trim_vocab: false } as const;

/** tf.profile's peak bytes of the second training step (the first builds the AdamW moments). */
async function measuredPeak(set: DistillSet, overrides: Record<string, unknown>): Promise<number> {
  const trainer = await createTrainer(set, mergeConfig(small, overrides));
  try {
    await trainer.step(1);
    return (await tf.profile(async () => trainer.step(1))).peakBytes;
  } finally {
    trainer.dispose();
  }
}

describe('estimateStep bounds what a real step holds', () => {
  const cases: [string, () => DistillSet, Record<string, unknown>][] = [
    ['top-k teacher, one cached chunk', () => syntheticLargeVocabSet({ vocabSize: 4096, used: 1000, n: 16, seqLen: 32, k: 8, task: 'clm' }), { batch_size: 8, max_len: 32 }],
    ['dense teacher', () => syntheticSet({ task: 'mlm', vocabSize: 2048, n: 16, seqLen: 32 }), { batch_size: 8, max_len: 32, alpha_hard: 1 }],
    ['classification', () => syntheticSet({ task: 'classification', numClasses: 5, n: 16, seqLen: 16 }), { batch_size: 8, max_len: 16 }],
  ];
  if (tf.getBackend() !== 'webgpu') {
    // rows × V over HEAD_CACHE_FLOATS: the head recomputes 3 chunks in the backward pass (too slow on SwiftShader)
    cases.push(['top-k teacher, 3 recomputed chunks of a 140k vocabulary', () => syntheticLargeVocabSet({ vocabSize: 140_000, used: 2000, n: 32, seqLen: 16, k: 8, task: 'mlm' }), { batch_size: 16, max_len: 16 }]);
  }
  for (const [name, make, overrides] of cases) {
    it(`${name} (${tf.getBackend()})`, async () => {
      const set = make();
      const estimate = estimateStep(set, mergeConfig(small, overrides));
      const peak = await measuredPeak(set, overrides);
      console.log(`${name}: estimate ${(estimate.totalBytes / 2 ** 20).toFixed(1)} MiB, measured peak ${(peak / 2 ** 20).toFixed(1)} MiB (${tf.getBackend()})`);
      expect(estimate.totalBytes).toBeGreaterThanOrEqual(peak);
      expect(estimate.totalBytes).toBeLessThan(4 * peak); // an upper bound, not a wild one
    }, 240_000);
  }
});

describe('checkStepFits', () => {
  const xlmr = { task: 'mlm' as const, seqLen: 64, vocabSize: 250_002, teacher: { kind: 'topk' as const, k: 32 } };
  const target = mergeConfig({ d_model: 128, n_layers: 2, batch_size: 16, max_len: 64, trim_vocab: false });
  it("lets the issue's target through on wasm: a 250,002-token top-k set at batch 16 × 64, d_model 128, 2 layers", () => {
    const e = checkStepFits(xlmr, target, 'wasm');
    expect(e.totalBytes).toBeLessThan(WASM_HEAP_BUDGET_BYTES);
    expect(e.headChunk.cached).toBe(false);
    expect(describeStepEstimate(e)).toMatch(/LM head .* \(16 chunks of \[1024, 16384\]\)/);
  });
  it('refuses what cannot fit with the numbers and what to change, trim_vocab first for a vocabulary-bound run', () => {
    const wide = mergeConfig(target, { d_model: 1024, n_heads: 8 });
    expect(() => checkStepFits(xlmr, wide, 'wasm')).toThrow(/one step needs about .* GiB \(\d+ bytes\): weights and AdamW moments .*, more than the 3\.50 GiB a wasm heap can give: .*250,002-token vocabulary .*set trim_vocab to auto or true/);
    expect(() => checkStepFits({ ...xlmr, vocabSize: 2 ** 24 }, target, 'webgpu')).toThrow(/the embedding \[16777216, 128\] of 8\.00 GiB, more than the 2\.00 GiB one tensor may take/);
  });
  it('counts the dense teacher and the batch size in the head (chunks of a fixed size: only the [B·L, V] parts scale)', () => {
    const dense = { task: 'clm' as const, seqLen: 64, vocabSize: 32_768, teacher: { kind: 'dense' as const } };
    const a = estimateStep(dense, mergeConfig({ batch_size: 16 }));
    const b = estimateStep(dense, mergeConfig({ batch_size: 32 }));
    expect(b.headBytes - a.headBytes).toBeGreaterThanOrEqual(4 * 16 * 64 * 32_768); // the teacher's logits double
    expect(b.headChunk.columns).toBe(a.headChunk.columns / 2);
    expect(a.headBytes).toBeGreaterThan(estimateStep({ ...dense, teacher: { kind: 'topk', k: 32 } }, mergeConfig({ batch_size: 16 })).headBytes);
  });
});
