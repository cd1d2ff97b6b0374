import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/config.ts';
import { computeLosses, LOSS_TERMS, type LossConfig, type LossInputs } from './combine.ts';
import { LOSS_NAMES } from './names.ts';
import { expectAllClose, expectNoLeak, lossTerm, valuesOf } from './testing.ts';

const config = (overrides: Partial<LossConfig>): LossConfig => ({ ...DEFAULT_CONFIG, alpha_kd: 0, ...overrides });

function inputs(): LossInputs {
  return {
    head: { kind: 'logits', logits: tf.tensor2d([[0.3, -0.2, 0.8], [0, 1, -0.5]]) },
    teacher: { kind: 'dense', logits: tf.tensor2d([[2, 0.5, -1], [-1, 3, 0.2]]) },
    weights: tf.tensor1d([1, 1]),
    labels: tf.tensor1d([2, -100], 'int32'),
    studentHidden: tf.tensor2d([[1, 0], [0.5, 0.5]]),
    teacherHidden: tf.tensor2d([[1, 2, 0], [0, 1, 1]]),
    tokenWeights: tf.tensor1d([1, 0]),
    projection: tf.tensor2d([[1, 0, 0], [0, 1, 0]]),
  };
}

describe('computeLosses: the one objective', () => {
  it('the registry has exactly the loss names, in the order of the trainer\'s loss vector', () => {
    expect(Object.keys(LOSS_TERMS)).toEqual([...LOSS_NAMES]);
  });
  it('computes only the terms whose alpha is > 0', async () => {
    let keys: string[] = [];
    const [total, kd] = await valuesOf(() => {
      const out = computeLosses(inputs(), config({ alpha_kd: 1 }));
      keys = Object.keys(out.components);
      return [out.total, out.components.kd as tf.Scalar];
    });
    expect(keys).toEqual(['kd']);
    expect(total).toEqual(kd);
  });
  it('total = Σ alpha_i · loss_i, each component equal to its term alone', async () => {
    const c = config({ alpha_kd: 5, alpha_hard: 2, alpha_cos: 1, alpha_mse: 0.5, temperature: 2, divergence: 'jsd' });
    const [total, kd, hard, cos, mse, ...refs] = await valuesOf(() => {
      const x = inputs();
      const out = computeLosses(x, c);
      const { kd, hard, cos, mse } = out.components as Record<string, tf.Scalar>;
      const s = (x.head as { logits: tf.Tensor2D }).logits;
      const opts = { labels: [2, -100], studentHidden: x.studentHidden, teacherHidden: x.teacherHidden, tokenWeights: [1, 0], projection: x.projection, config: c };
      return [out.total, kd, hard, cos, mse, ...LOSS_NAMES.map((n) => lossTerm(n, s, x.teacher, opts))];
    });
    expectAllClose([...kd, ...hard, ...cos, ...mse], refs.flat(), 1e-6);
    expectAllClose(total, [5 * kd[0] + 2 * hard[0] + 1 * cos[0] + 0.5 * mse[0]]);
  });
  it('averages each term over its own positions: hard over labelled, cos over non-pad tokens, kd and mse over distilled', async () => {
    const [cosBoth, cosFirst] = await valuesOf(() => [
      computeLosses({ ...inputs(), tokenWeights: tf.tensor1d([1, 1]) }, config({ alpha_cos: 1 })).components.cos as tf.Scalar,
      computeLosses({ ...inputs(), weights: tf.tensor1d([0, 1]) }, config({ alpha_cos: 1 })).components.cos as tf.Scalar, // weights do not matter
    ]);
    const [cosAlone] = await valuesOf(() => [computeLosses(inputs(), config({ alpha_cos: 1 })).components.cos as tf.Scalar]);
    expect(cosFirst).toEqual(cosAlone);
    expect(cosBoth[0]).not.toBeCloseTo(cosAlone[0], 3);
  });
  it('names the missing input when a weighted term cannot be computed', () => {
    tf.tidy(() => {
      const x = { ...inputs(), labels: undefined };
      expect(() => computeLosses(x, config({ alpha_hard: 1 }))).toThrow(/"hard".*labels/);
      expect(() => computeLosses({ ...x, studentHidden: undefined }, config({ alpha_cos: 1 }))).toThrow(/"cos".*student hidden/);
      expect(() => computeLosses({ ...x, tokenWeights: undefined }, config({ alpha_cos: 1 }))).toThrow(/"cos".*token weights/);
    });
  });
  it('is differentiable end to end and leaks no tensor through tf.variableGrads', () => {
    const x = inputs();
    const s = tf.variable((x.head as { logits: tf.Tensor2D }).logits);
    const proj = tf.variable(x.projection as tf.Tensor2D);
    const c = config({ alpha_kd: 5, alpha_hard: 2, alpha_cos: 1, alpha_mse: 0.5 });
    expectNoLeak(() => {
      const { grads } = tf.variableGrads(() => computeLosses({ ...x, head: { kind: 'logits', logits: s }, projection: proj }, c).total);
      expect(Object.keys(grads)).toHaveLength(2);
    });
    tf.dispose([s, proj, (x.head as { logits: tf.Tensor2D }).logits, x.teacher.logits, x.weights, x.labels as tf.Tensor, x.studentHidden as tf.Tensor, x.teacherHidden as tf.Tensor, x.tokenWeights as tf.Tensor, x.projection as tf.Tensor]);
  });
});
