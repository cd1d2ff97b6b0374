import * as tf from '@tensorflow/tfjs';
import { describe, it } from 'vitest';
import { expectAllClose, values } from '../losses/testing.ts';
import { DIVERGENCES } from '../losses/divergences/index.ts';
import { probLoyalty } from './prob_loyalty.ts';

const loyalty = (p: number[][], q: number[][]): Promise<number[]> =>
  values(() => probLoyalty(DIVERGENCES.jsd(tf.log(tf.tensor2d(p)), tf.log(tf.tensor2d(q)), { skew_alpha: 0, jsd_beta: 0.5 })));

describe('probLoyalty: 1 − √JS(p ‖ q) in bits', () => {
  it('is 1 for identical distributions', async () => {
    expectAllClose(await loyalty([[0.2, 0.3, 0.5], [1, 0, 0]], [[0.2, 0.3, 0.5], [1, 0, 0]]), [1, 1], 1e-3);
  });
  it('is 0 for disjoint supports (JS = ln 2 nats = 1 bit)', async () => {
    expectAllClose(await loyalty([[1, 0], [0.5, 0.5]], [[0, 1], [0.5, 0.5]]), [0, 1], 1e-3);
  });
  it('matches the hand value for p = [½, ½], q = [0.9, 0.1]', async () => {
    // JS = 0.1017492 nats (see divergences/jsd.test.ts) = 0.1467936 bits; 1 − √0.1467936 = 0.6168641
    expectAllClose(await loyalty([[0.5, 0.5]], [[0.9, 0.1]]), [0.6168641]);
  });
});
