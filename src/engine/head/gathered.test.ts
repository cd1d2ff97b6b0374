import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectAllClose, expectNoLeak, valuesOf } from '../losses/testing.ts';
import { gatherRows } from '../losses/gather.ts';
import { gatheredHeadStats } from './gathered.ts';
import { distinctIds, headTensors, linearHead, probe, randomHead, referenceLogits, referenceTail } from './testing.ts';

const P = 5;
const V = 23;
const D = 6;
const K = 3;
const ARRAYS = randomHead(P, V, D, 11);
// the teacher's K ids, then a label column (which may repeat one of them)
const IDS = distinctIds(P, V, K, 3).map((row, p) => [...row, p === 1 ? row[0] : (row[0] + 7) % V]);
const TINY = { chunkFloats: P * 4 }; // chunks of 4 columns: 6 chunks, the last one of 3

/** Values and gradients of probe(gathered) + probe(tail) through the chunked op and through full logits. */
async function compare(exclude: number, options: { chunkFloats?: number; cacheFloats?: number }, withBias = true) {
  const [ours, ref] = await Promise.all(
    [true, false].map((chunked) =>
      valuesOf(() => {
        const t = headTensors(ARRAYS);
        const ids = tf.tensor2d(IDS, undefined, 'int32');
        const f = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => {
          const h = { x: x as tf.Tensor2D, w: w as tf.Tensor2D, b: b as tf.Tensor1D };
          if (chunked) {
            const s = gatheredHeadStats(linearHead(h, withBias), { ids, exclude }, options);
            return tf.add(probe(s.gathered, 1), probe(s.tail, 2));
          }
          const logits = referenceLogits(h, withBias);
          const gathered = gatherRows(logits, ids);
          return tf.add(probe(gathered, 1), probe(referenceTail(logits, ids, exclude), 2));
        };
        if (withBias) {
          const { value, grads } = tf.valueAndGrads(f)([t.x, t.w, t.b]);
          return [value, ...grads];
        }
        const { value, grads } = tf.valueAndGrads((x: tf.Tensor, w: tf.Tensor) => f(x, w, t.b))([t.x, t.w]);
        return [value, ...grads];
      }),
    ),
  );
  return { ours, ref };
}

describe('gatheredHeadStats', () => {
  for (const [name, options] of [['one chunk', {}], ['6 chunks, cached', TINY], ['6 chunks, recomputed', { ...TINY, cacheFloats: 0 }]] as const) {
    it(`${name}: gathered logits, the tail outside the top-k and their gradients match full logits`, async () => {
      const { ours, ref } = await compare(K, options);
      expectAllClose(ours[0], ref[0], 1e-4, 1e-5);
      for (let i = 1; i < 4; i++) expectAllClose(ours[i], ref[i], 1e-5, 1e-4);
    });
  }
  it('exclude 0 gives the full log-sum-exp; a head without bias', async () => {
    const { ours, ref } = await compare(0, TINY, false);
    expectAllClose(ours[0], ref[0], 1e-4, 1e-5);
    expectAllClose(ours[1], ref[1], 1e-5, 1e-4);
    expectAllClose(ours[2], ref[2], 1e-5, 1e-4);
  });
  it('sums a tail far below float32 resolution of the full log-sum-exp exactly', async () => {
    // row: one logit at 0, the K - 1 = 1 other top id at 0, the rest at −40: tail = log(21) − 40,
    // while lse_all − lse_top-k in float32 would be 0 (e^−40 ≈ 4e−18 ≪ 2^−24)
    const v = 23;
    const logits = Array.from({ length: v }, (_, i) => (i < 2 ? 0 : -40));
    const [tail] = await valuesOf(() => [gatheredHeadStats({ kind: 'logits', logits: tf.tensor2d([logits]) }, { ids: tf.tensor2d([[0, 1]], undefined, 'int32'), exclude: 2 }, { chunkFloats: 4 }).tail]);
    expectAllClose(tail, [Math.log(21) - 40], 0, 1e-6);
  });
  it('argmax over the whole vocabulary, first index on ties across chunks', async () => {
    const row = Array.from({ length: 9 }, (_, i) => (i === 2 || i === 6 ? 5 : i % 3));
    const [arg] = await valuesOf(() => [gatheredHeadStats({ kind: 'logits', logits: tf.tensor2d([row, row.map((x) => -x)]) }, { ids: tf.tensor2d([[0], [1]], undefined, 'int32'), exclude: 1, argmax: true }, { chunkFloats: 8 }).argmax as tf.Tensor]);
    expect(arg).toEqual([2, 0]);
  });
  it('K = V: the tail is empty (≈ −BIG) and gets no gradient', async () => {
    const ids = [[2, 0, 1]];
    const [tail, grad] = await valuesOf(() => {
      const logits = tf.tensor2d([[0.5, -1, 2]]);
      const f = (s: tf.Tensor) => {
        const st = gatheredHeadStats({ kind: 'logits', logits: s as tf.Tensor2D }, { ids: tf.tensor2d(ids, undefined, 'int32'), exclude: 3 }, { chunkFloats: 2 });
        return tf.add(tf.sum(st.gathered), tf.mul(tf.sum(tf.maximum(st.tail, -100)), 1));
      };
      const st = gatheredHeadStats({ kind: 'logits', logits }, { ids: tf.tensor2d(ids, undefined, 'int32'), exclude: 3 });
      return [st.tail, tf.grad(f)(logits)];
    });
    expect(tail[0]).toBeLessThan(-1e29);
    expect(grad).toEqual([1, 1, 1]);
  });
  it('leaks no tensor, forward and backward', () => {
    const t = headTensors(ARRAYS);
    const ids = tf.tensor2d(IDS, undefined, 'int32');
    for (const options of [TINY, { ...TINY, cacheFloats: 0 }]) {
      expectNoLeak(() => tf.grads((x: tf.Tensor, w: tf.Tensor) => {
        const s = gatheredHeadStats({ kind: 'linear', features: x as tf.Tensor2D, weight: w as tf.Tensor2D }, { ids, exclude: K }, options);
        return tf.add(tf.sum(s.gathered), tf.sum(s.tail));
      })([t.x, t.w]));
      expectNoLeak(() => gatheredHeadStats(linearHead(t), { ids, exclude: K, argmax: true }, options));
    }
    tf.dispose([t.x, t.w, t.b, ids]);
  });
});
