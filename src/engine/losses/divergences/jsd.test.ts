import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../testing.ts';
import { DIVERGENCES } from './index.ts';
import { divergenceOf, P, PARAMS, Q } from './testing.ts';

const { jsd, kl, rkl } = DIVERGENCES;

describe('jsd: β KL(p ‖ m) + (1 − β) KL(q ‖ m), m = β p + (1 − β) q', () => {
  it('matches the hand value for p = [½, ½], q = [0.9, 0.1], β = ½', async () => {
    // m = [0.7, 0.3]; KL(p‖m) = ½·ln(5/7) + ½·ln(5/3) = 0.0871767; KL(q‖m) = 0.9·ln(9/7) + 0.1·ln(1/3) = 0.1163218
    // JSD = ½·(0.0871767 + 0.1163218) = 0.1017492
    expectAllClose(await divergenceOf(jsd, P, Q, { jsd_beta: 0.5 }), [0.1017492]);
  });
  it('matches the hand value at β = 0.3 (β weights the teacher side, as in GKD)', async () => {
    // m = 0.3·p + 0.7·q = [0.78, 0.22]; 0.3·KL(p‖m) + 0.7·KL(q‖m) = 0.0914057
    expectAllClose(await divergenceOf(jsd, P, Q, { jsd_beta: 0.3 }), [0.0914057]);
  });
  it('is symmetric at β = ½ and bounded by ln 2 (disjoint supports reach it)', async () => {
    expectAllClose(await divergenceOf(jsd, Q, P), await divergenceOf(jsd, P, Q));
    expectAllClose(await divergenceOf(jsd, [[1, 0]], [[0, 1]]), [Math.LN2]);
  });
  it('is 0 for q = p', async () => {
    expectAllClose(await divergenceOf(jsd, [[0.2, 0.3, 0.5]], [[0.2, 0.3, 0.5]], { jsd_beta: 0.3 }), [0], 1e-6);
  });
  it("is forward KL at β = 0 and reverse KL at β = 1 (TRL's endpoints), not the vanishing mixture formula", async () => {
    expectAllClose(await divergenceOf(jsd, P, Q, { jsd_beta: 0 }), await divergenceOf(kl, P, Q));
    expectAllClose(await divergenceOf(jsd, P, Q, { jsd_beta: 1 }), await divergenceOf(rkl, P, Q));
  });
  it('refuses β outside [0, 1]', () => {
    const x = tf.zeros([1, 2]) as tf.Tensor2D;
    expect(() => jsd(x, x, { ...PARAMS, jsd_beta: -0.1 })).toThrow(/jsd_beta/);
    expect(() => jsd(x, x, { ...PARAMS, jsd_beta: 1.5 })).toThrow(/jsd_beta/);
    x.dispose();
  });
});
