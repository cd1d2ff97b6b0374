import { describe, it } from 'vitest';
import { expectAllClose } from '../testing.ts';
import { DIVERGENCES } from './index.ts';
import { divergenceOf, P, Q } from './testing.ts';

const { rkl } = DIVERGENCES;

describe('rkl: KL(q ‖ p)', () => {
  it('matches the hand value for p = [½, ½], q = [0.9, 0.1]', async () => {
    // 0.9·ln(0.9/0.5) + 0.1·ln(0.1/0.5) = 0.9·0.5877867 − 0.1·1.6094379 = 0.3680642
    expectAllClose(await divergenceOf(rkl, P, Q), [0.3680642]);
  });
  it('is 0 for q = p', async () => {
    expectAllClose(await divergenceOf(rkl, [[0.2, 0.3, 0.5]], [[0.2, 0.3, 0.5]]), [0], 1e-6);
  });
  it('ignores outcomes the student gives 0 (mode-seeking)', async () => {
    // q = [1, 0], p = [½, ½]: 1·ln(1/½) = ln 2
    expectAllClose(await divergenceOf(rkl, [[0.5, 0.5]], [[1, 0]]), [Math.LN2]);
  });
});
