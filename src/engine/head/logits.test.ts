import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectAllClose, expectNoLeak, valuesOf } from '../losses/testing.ts';
import { headLogitSum, headTopK } from './logits.ts';
import { headTensors, linearHead, randomHead, referenceLogits } from './testing.ts';

const HEAD = randomHead(5, 41, 6, 17);

describe('headTopK and headLogitSum (inference, chunk by chunk)', () => {
  it('equal tf.topk, tf.logSumExp and the sum of the full logits, across chunks', async () => {
    const [values, ids, lse, sum, refValues, refIds, refLse, refSum] = await valuesOf(() => {
      const h = headTensors(HEAD);
      const top = headTopK(linearHead(h), 4, { chunkFloats: 5 * 7 }); // chunks of 7 columns
      const full = referenceLogits(h);
      const ref = tf.topk(full, 4);
      return [top.values, top.indices, top.lse, headLogitSum(linearHead(h), { chunkFloats: 5 * 7 }), ref.values, ref.indices, tf.logSumExp(full, 1), tf.sum(full)];
    });
    expectAllClose(values, refValues, 1e-5, 1e-5);
    expect(ids).toEqual(refIds);
    expectAllClose(lse, refLse, 1e-5, 1e-5);
    expectAllClose(sum, refSum, 1e-4, 1e-5);
  });
  it('leaks no tensor', () => {
    const h = headTensors(HEAD);
    expectNoLeak(() => headTopK(linearHead(h), 3, { chunkFloats: 5 * 7 }));
    expectNoLeak(() => headLogitSum(linearHead(h), { chunkFloats: 5 * 7 }));
    tf.dispose([h.x, h.w, h.b]);
  });
});
