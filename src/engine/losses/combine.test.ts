import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/config.ts';
import { computeLosses, type LossConfig, type LossInputs } from './combine.ts';
import { cosineLoss } from './cosine.ts';
import { hardLoss } from './hard.ts';
import { kdLoss } from './kd.ts';
import { mseLoss } from './mse.ts';
import { expectAllClose, expectNoLeak, valuesOf } from './testing.ts';

const config = (overrides: Partial<LossConfig>): LossConfig => ({ ...DEFAULT_CONFIG, alpha_kd: 0, ...overrides });

function inputs(): LossInputs {
  return {
    studentLogits: tf.tensor2d([[0.3, -0.2, 0.8], [0, 1, -0.5]]),
    teacher: { kind: 'dense', logits: tf.tensor2d([[2, 0.5, -1], [-1, 3, 0.2]]) },
    weights: tf.tensor1d([1, 1]),
    labels: tf.tensor1d([2, -100], 'int32'),
    studentHidden: tf.tensor2d([[1, 0], [0.5, 0.5]]),
    teacherHidden: tf.tensor2d([[1, 2, 0], [0, 1, 1]]),
    projection: tf.tensor2d([[1, 0, 0], [0, 1, 0]]),
  };
}

describe('computeLosses', () => {
  it('computes only the terms whose alpha is > 0', async () => {
    const [names, [total, kd]] = await (async () => {
      let keys: string[] = [];
      const vals = await valuesOf(() => {
        const out = computeLosses(inputs(), config({ alpha_kd: 1 }));
        keys = Object.keys(out.components);
        return [out.total, out.components.kd as tf.Scalar];
      });
      return [keys, vals] as const;
    })();
    expect(names).toEqual(['kd']);
    expect(total).toEqual(kd);
  });
  it('total = Σ alpha_i · loss_i with each component equal to its own loss function', async () => {
    const c = config({ alpha_kd: 5, alpha_hard: 2, alpha_cos: 1, alpha_mse: 0.5, temperature: 2, divergence: 'jsd' });
    const [total, kd, hard, cos, mse, refKd, refHard, refCos, refMse] = await valuesOf(() => {
      const x = inputs();
      const out = computeLosses(x, c);
      const { kd, hard, cos, mse } = out.components as Record<string, tf.Scalar>;
      return [
        out.total, kd, hard, cos, mse,
        kdLoss(x.studentLogits, x.teacher, x.weights, c),
        hardLoss(x.studentLogits, x.labels as tf.Tensor1D),
        cosineLoss(x.studentHidden as tf.Tensor2D, x.teacherHidden as tf.Tensor2D, x.weights, x.projection),
        mseLoss(x.studentLogits, x.teacher, x.weights),
      ];
    });
    expect([kd, hard, cos, mse]).toEqual([refKd, refHard, refCos, refMse]);
    expectAllClose(total, [5 * kd[0] + 2 * hard[0] + 1 * cos[0] + 0.5 * mse[0]]);
  });
  it('names the missing input when a weighted term cannot be computed', () => {
    tf.tidy(() => {
      const x = { ...inputs(), labels: undefined };
      expect(() => computeLosses(x, config({ alpha_hard: 1 }))).toThrow(/"hard".*labels/);
      expect(() => computeLosses({ ...x, studentHidden: undefined }, config({ alpha_cos: 1 }))).toThrow(/"cos".*student hidden/);
    });
  });
  it('is differentiable end to end and leaks no tensor through tf.variableGrads', () => {
    const x = inputs();
    const s = tf.variable(x.studentLogits);
    const proj = tf.variable(x.projection as tf.Tensor2D);
    const c = config({ alpha_kd: 5, alpha_hard: 2, alpha_cos: 1, alpha_mse: 0.5 });
    expectNoLeak(() => {
      const { grads } = tf.variableGrads(() => computeLosses({ ...x, studentLogits: s, projection: proj }, c).total);
      expect(Object.keys(grads)).toHaveLength(2);
    });
    tf.dispose([s, proj, x.studentLogits, x.teacher.logits, x.weights, x.labels as tf.Tensor, x.studentHidden as tf.Tensor, x.teacherHidden as tf.Tensor, x.projection as tf.Tensor]);
  });
});
