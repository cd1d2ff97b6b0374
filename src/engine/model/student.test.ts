import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { mergeConfig } from '../config/merge.ts';
import { parameterShapes, studentParamCount, studentSpec, type StudentSpec } from './spec.ts';
import { createStudent, isDecayed, type Student } from './student.ts';

const base = mergeConfig({ n_layers: 2, d_model: 16, n_heads: 2, d_ff: 32, max_len: 8, dropout: 0 });
const mlmSpec: StudentSpec = studentSpec(base, 'mlm', 11);
const created: Student[] = [];
function make(spec: StudentSpec, seed = 0): Student {
  const s = createStudent(spec, seed);
  created.push(s);
  return s;
}
afterEach(() => created.splice(0).forEach((s) => s.dispose()));

describe('student parameter count', () => {
  it('matches the closed form for a tied-head MLM student', () => {
    const [v, d, f, l, n] = [11, 16, 32, 8, 2];
    // embeddings + positions + per layer (2 LN + qkv + out + 2 LN + fc_in + fc_out) + final LN + lm bias
    const perLayer = 2 * d + (d * 3 * d + 3 * d) + (d * d + d) + 2 * d + (d * f + f) + (f * d + d);
    expect(studentParamCount(mlmSpec)).toBe(v * d + l * d + n * perLayer + 2 * d + v);
  });
  it('equals the sum of the created variables', () => {
    const s = make(mlmSpec);
    const total = [...s.params.values()].reduce((a, v) => a + v.size, 0);
    expect(total).toBe(s.paramCount);
  });
  it('classification replaces the LM bias with a classifier', () => {
    const spec = studentSpec(base, 'classification', 11, 3);
    const names = parameterShapes(spec).map(([n]) => n);
    expect(names).toContain('classifier.weight');
    expect(names).not.toContain('lm_head.bias');
  });
});

describe('student forward', () => {
  const ids = () => tf.tensor2d([[1, 2, 3, 4, 0, 0], [5, 6, 7, 8, 9, 10]], [2, 6], 'int32');
  const mask = () => tf.tensor2d([[1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1]]);

  it('gives [B, L, V] logits and [B, L, D] hidden for token tasks', () => {
    const s = make(mlmSpec);
    const shapes = tf.tidy(() => {
      const out = s.forward(ids(), mask(), { training: false });
      return [out.logits.shape, out.hidden.shape];
    });
    expect(shapes).toEqual([[2, 6, 11], [2, 6, 16]]);
  });

  it('gives [B, C] logits for classification', () => {
    const s = make(studentSpec(base, 'classification', 11, 3));
    const shape = tf.tidy(() => s.forward(ids(), mask(), { training: false }).logits.shape);
    expect(shape).toEqual([2, 3]);
  });

  it('ignores the ids at padding positions (key mask)', async () => {
    const s = make(mlmSpec);
    const diff = tf.tidy(() => {
      const a = s.forward(ids(), mask(), { training: false }).logits.slice([0, 0, 0], [1, 4, 11]);
      const other = tf.tensor2d([[1, 2, 3, 4, 7, 9], [5, 6, 7, 8, 9, 10]], [2, 6], 'int32');
      const b = s.forward(other, mask(), { training: false }).logits.slice([0, 0, 0], [1, 4, 11]);
      return a.sub(b).abs().max();
    });
    expect((await diff.data())[0]).toBeLessThan(1e-5);
    diff.dispose();
  });

  it('is causal for clm: a later token does not change earlier logits', async () => {
    const s = make(studentSpec(base, 'clm', 11));
    const full = tf.tensor2d([[1, 2, 3, 4, 5, 6]], [1, 6], 'int32');
    const ones = tf.ones([1, 6]) as tf.Tensor2D;
    const diffs = tf.tidy(() => {
      const a = s.forward(full, ones, { training: false }).logits.slice([0, 0, 0], [1, 3, 11]);
      const changed = tf.tensor2d([[1, 2, 3, 9, 9, 9]], [1, 6], 'int32');
      const b = s.forward(changed, ones, { training: false }).logits.slice([0, 0, 0], [1, 3, 11]);
      const after = s.forward(changed, ones, { training: false }).logits.slice([0, 3, 0], [1, 1, 11]);
      const before = s.forward(full, ones, { training: false }).logits.slice([0, 3, 0], [1, 1, 11]);
      return tf.stack([a.sub(b).abs().max(), after.sub(before).abs().max()]);
    });
    full.dispose();
    ones.dispose();
    const diff = await diffs.data();
    diffs.dispose();
    expect(diff[0]).toBeLessThan(1e-5);
    expect(diff[1]).toBeGreaterThan(1e-6); // the changed position itself does see its new token
  });

  it('is reproducible from the seed and differs across seeds', async () => {
    const w = async (seed: number) => Array.from((await make(mlmSpec, seed).params.get('encoder.layer.0.attention.qkv.weight')!.data()).slice(0, 8));
    expect(await w(3)).toEqual(await w(3));
    expect(await w(3)).not.toEqual(await w(4));
  });

  it('refuses sequences longer than max_len', () => {
    const s = make(mlmSpec);
    expect(() =>
      tf.tidy(() => {
        s.forward(tf.zeros([1, 9], 'int32') as tf.Tensor2D, tf.ones([1, 9]) as tf.Tensor2D, { training: false });
      }),
    ).toThrow(/max_len/);
  });

  it('leaves no tensor behind when called inside tf.tidy', () => {
    const s = make(mlmSpec);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      s.forward(ids(), mask(), { training: true, dropoutSeed: 1 });
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('weight decay selection', () => {
  it('decays matrices only', () => {
    expect(isDecayed('encoder.layer.0.mlp.fc_in.weight')).toBe(true);
    expect(isDecayed('encoder.layer.0.mlp.fc_in.bias')).toBe(false);
    expect(isDecayed('encoder.layer.0.ln_1.weight')).toBe(false);
    expect(isDecayed('final_ln.weight')).toBe(false);
    expect(isDecayed('embeddings.word_embeddings.weight')).toBe(false);
  });
});
