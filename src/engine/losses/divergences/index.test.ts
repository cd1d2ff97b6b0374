import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Divergence } from '../../config/config.ts';
import { DIVERGENCE_REFS, expectAllClose, GRAD_RTOL, gradCheck, softmaxRef, values } from '../testing.ts';
import { DIVERGENCES } from './index.ts';
import { PARAMS } from './testing.ts';

const NAMES: Divergence[] = ['kl', 'rkl', 'skew_kl', 'skew_rkl', 'jsd'];
const LOGITS_P = [[0.5, -1, 2, 0.1], [3, 0, 0, -2], [0, 0, 0, 0]];
const LOGITS_Q = [[1, 0.2, -0.3, 0.4], [-1, 2, 0.5, 0], [0.1, -0.1, 0.3, 1]];

describe('DIVERGENCES registry', () => {
  it('has exactly the config enum (and the default is in it)', () => {
    expect(Object.keys(DIVERGENCES).sort()).toEqual([...NAMES].sort());
    expect(NAMES).toContain(DEFAULT_CONFIG.divergence);
  });
  for (const name of NAMES) {
    it(`${name}: D(p ‖ p) = 0 and D(p ‖ q) matches the float64 reference`, async () => {
      const same = await values(() => {
        const logP = tf.logSoftmax(tf.tensor2d(LOGITS_P));
        return DIVERGENCES[name](logP, logP, PARAMS);
      });
      expectAllClose(same, [0, 0, 0], 1e-6);
      const got = await values(() => DIVERGENCES[name](tf.logSoftmax(tf.tensor2d(LOGITS_P)), tf.logSoftmax(tf.tensor2d(LOGITS_Q)), PARAMS));
      const param = name === 'jsd' ? PARAMS.jsd_beta : PARAMS.skew_alpha;
      expectAllClose(got, LOGITS_P.map((row, i) => DIVERGENCE_REFS[name](softmaxRef(row), softmaxRef(LOGITS_Q[i]), param)));
    });
  }
});

describe('DIVERGENCE_TERMS: g is the gradient of Σ f in log q', () => {
  for (const name of NAMES) {
    for (const param of [0, 0.3, 1]) {
      it(`${name} (parameter ${param}), against central differences`, async () => {
        const logP = LOGITS_P.map((row) => { const m = Math.max(...row); const l = m + Math.log(row.reduce((s, x) => s + Math.exp(x - m), 0)); return row.map((x) => x - l); });
        const params = { skew_alpha: param, jsd_beta: param };
        const err = await gradCheck((logQ) => tf.sum(DIVERGENCES[name](tf.tensor2d(logP), logQ, params)), LOGITS_Q.map((r) => r.map((x) => x - 2)), 1e-2);
        expect(err).toBeLessThan(GRAD_RTOL);
      });
    }
  }
});
