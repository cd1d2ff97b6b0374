import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { hardLoss } from './hard.ts';
import { expectAllClose, expectNoLeak, GRAD_RTOL, gradCheck, values } from './testing.ts';

const LOGITS = [
  [1, 2, 3],
  [1, 1, 1],
  [0, 0, 5],
];

async function hard(logits: number[][], labels: number[]): Promise<number> {
  const [v] = await values(() => hardLoss(tf.tensor2d(logits), tf.tensor1d(labels, 'int32')));
  return v;
}

describe('hardLoss', () => {
  it('is the mean cross-entropy over labelled positions, matching hand values', async () => {
    // row 0, label 2: log(e + e² + e³) − 3 = log(1 + e⁻¹ + e⁻²) = 0.4076060
    // row 2, label 0: log(2 + e⁵) − 0 = 5.0133859;  row 1 is −100.  mean = 2.7104959
    expectAllClose([await hard(LOGITS, [2, -100, 0])], [2.7104959]);
  });
  it('ignores −100 positions whatever their logits', async () => {
    const changed = [LOGITS[0], [50, -50, 7], LOGITS[2]];
    expect(await hard(changed, [2, -100, 0])).toBe(await hard(LOGITS, [2, -100, 0]));
  });
  it('is 0 when no position is labelled', async () => {
    expect(await hard(LOGITS, [-100, -100, -100])).toBe(0);
  });
  it('passes a finite-difference gradient check', async () => {
    const labels = tf.tensor1d([3, -100], 'int32');
    expect(await gradCheck((s) => hardLoss(s, labels), [[0.3, -0.2, 0.8, 0.1, -1], [0, 1, -0.5, 0.7, 0.2]])).toBeLessThan(GRAD_RTOL);
    labels.dispose();
  });
  it('refuses a label count that differs from the positions', () => {
    const [s, l] = [tf.zeros([2, 3]) as tf.Tensor2D, tf.tensor1d([0], 'int32')];
    expect(() => hardLoss(s, l)).toThrow(/1 labels for 2 positions/);
    tf.dispose([s, l]);
  });
  it('leaks no tensor through tf.variableGrads', () => {
    const s = tf.variable(tf.tensor2d(LOGITS));
    const labels = tf.tensor1d([2, -100, 0], 'int32');
    expectNoLeak(() => tf.variableGrads(() => hardLoss(s, labels)));
    tf.dispose([s, labels]);
  });
});
