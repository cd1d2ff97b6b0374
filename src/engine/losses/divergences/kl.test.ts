import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectAllClose, values } from '../testing.ts';
import { DIVERGENCES } from './index.ts';
import { divergenceOf, P, PARAMS, Q } from './testing.ts';

const { kl } = DIVERGENCES;

describe('kl: KL(p ‖ q)', () => {
  it('matches the hand value for p = [½, ½], q = [0.9, 0.1]', async () => {
    // ½·ln(0.5/0.9) + ½·ln(0.5/0.1) = ½·ln(25/9) = ln(5/3) = 0.5108256
    expectAllClose(await divergenceOf(kl, P, Q), [0.5108256]);
  });
  it('is 0 for q = p', async () => {
    expectAllClose(await divergenceOf(kl, [[0.2, 0.3, 0.5]], [[0.2, 0.3, 0.5]]), [0], 1e-6);
  });
  it('counts outcomes with p = 0 as 0 (0·log 0), also when log p = −∞', async () => {
    // p = [1, 0], q = [½, ½]: 1·ln(1/½) = ln 2
    expectAllClose(await divergenceOf(kl, [[1, 0]], [[0.5, 0.5]]), [Math.LN2]);
  });
  it('has a finite gradient in log q where p = 0', async () => {
    const g = await values(() =>
      tf.grad((logQ: tf.Tensor) => tf.sum(kl(tf.log(tf.tensor2d([[1, 0]])), logQ as tf.Tensor2D, PARAMS)))(tf.log(tf.tensor2d([[0.5, 0.5]]))),
    );
    // ∂/∂log q_m of −Σ p log q = −p_m
    expectAllClose(g, [-1, 0]);
  });
});

describe('kl at log 0', () => {
  it('gives a large finite value, not ∞, where q = 0 but p > 0 (floored logs)', async () => {
    const [v] = await divergenceOf(kl, [[0.5, 0.5]], [[1, 0]]);
    expect(Number.isFinite(v) && v > 1000).toBe(true);
  });
  it('gives 0 where both p and q are 0', async () => {
    expectAllClose(await divergenceOf(kl, [[1, 0]], [[1, 0]]), [0]);
  });
});
