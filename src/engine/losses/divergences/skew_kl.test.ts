import { describe, it } from 'vitest';
import { expectAllClose } from '../testing.ts';
import { DIVERGENCES } from './index.ts';
import { divergenceOf, P, Q } from './testing.ts';

const { kl, skew_kl: skewKl } = DIVERGENCES;

describe('skew_kl: KL(p ‖ α p + (1 − α) q)', () => {
  it('matches the hand value for p = [½, ½], q = [0.9, 0.1], α = 0.1', async () => {
    // m = 0.1·[0.5, 0.5] + 0.9·[0.9, 0.1] = [0.86, 0.14]
    // ½·ln(0.5/0.86) + ½·ln(0.5/0.14) = ½·(−0.5423243 + 1.2729657) = 0.3653207
    expectAllClose(await divergenceOf(skewKl, P, Q, { skew_alpha: 0.1 }), [0.3653207]);
  });
  it('is forward KL at α = 0 and 0 at α = 1', async () => {
    expectAllClose(await divergenceOf(skewKl, P, Q, { skew_alpha: 0 }), await divergenceOf(kl, P, Q));
    expectAllClose(await divergenceOf(skewKl, P, Q, { skew_alpha: 1 }), [0], 1e-6);
  });
  it('is 0 for q = p', async () => {
    expectAllClose(await divergenceOf(skewKl, [[0.2, 0.3, 0.5]], [[0.2, 0.3, 0.5]]), [0], 1e-6);
  });
  it('stays bounded by log(1/α) where the student gives 0', async () => {
    // p = [1, 0], q = [0, 1], α = 0.1: m = [0.1, 0.9], KL = 1·ln(1/0.1) = ln 10
    expectAllClose(await divergenceOf(skewKl, [[1, 0]], [[0, 1]], { skew_alpha: 0.1 }), [Math.log(10)]);
  });
});
