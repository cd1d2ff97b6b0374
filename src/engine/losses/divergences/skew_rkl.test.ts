import { describe, it } from 'vitest';
import { expectAllClose } from '../testing.ts';
import { DIVERGENCES } from './index.ts';
import { divergenceOf, P, Q } from './testing.ts';

const { rkl, skew_rkl: skewRkl } = DIVERGENCES;

describe('skew_rkl: KL(q ‖ (1 − α) p + α q)', () => {
  it('matches the hand value for p = [½, ½], q = [0.9, 0.1], α = 0.1', async () => {
    // m = 0.9·[0.5, 0.5] + 0.1·[0.9, 0.1] = [0.54, 0.46]
    // 0.9·ln(0.9/0.54) + 0.1·ln(0.1/0.46) = 0.9·0.5108256 − 0.1·1.5260563 = 0.3071374
    expectAllClose(await divergenceOf(skewRkl, P, Q, { skew_alpha: 0.1 }), [0.3071374]);
  });
  it('is reverse KL at α = 0 and 0 at α = 1', async () => {
    expectAllClose(await divergenceOf(skewRkl, P, Q, { skew_alpha: 0 }), await divergenceOf(rkl, P, Q));
    expectAllClose(await divergenceOf(skewRkl, P, Q, { skew_alpha: 1 }), [0], 1e-6);
  });
  it('is 0 for q = p', async () => {
    expectAllClose(await divergenceOf(skewRkl, [[0.2, 0.3, 0.5]], [[0.2, 0.3, 0.5]]), [0], 1e-6);
  });
});
