import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { Divergence } from '../config/config.ts';
import { DIVERGENCES } from '../losses/divergences/index.ts';
import { gatherRows } from '../losses/gather.ts';
import { addNChunked } from '../ops/chunked.ts';
import { expectAllClose, expectNoLeak, valuesOf } from '../losses/testing.ts';
import { denseHeadStats, type DenseRequest } from './dense.ts';
import { headTensors, linearHead, probe, randomHead, referenceLogits } from './testing.ts';

const P = 4;
const V = 19;
const D = 5;
const HEAD = randomHead(P, V, D, 21);
const TEACHER = randomHead(P, V, D, 22, 4);
const LABELS = [3, 0, 18, 7];
const NAMES: Divergence[] = ['kl', 'rkl', 'skew_kl', 'skew_rkl', 'jsd'];
const PARAMS = { skew_alpha: 0.2, jsd_beta: 0.3 };
const TINY = { chunkFloats: P * 5 }; // 4 chunks: 5, 5, 5, 4

/** Every statistic and the gradient of a probe of all of them, chunked and from full logits. */
async function compare(temperature: number, options: { chunkFloats?: number; cacheFloats?: number }) {
  return Promise.all(
    [true, false].map((chunked) =>
      valuesOf(() => {
        const t = headTensors(HEAD);
        const teacher = referenceLogits(headTensors(TEACHER));
        const labels = tf.tensor1d(LABELS, 'int32');
        const f = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => {
          const h = { x: x as tf.Tensor2D, w: w as tf.Tensor2D, b: b as tf.Tensor1D };
          let parts: tf.Tensor1D[];
          if (chunked) {
            const request: DenseRequest = { teacher, temperature, divergences: NAMES.map((name) => ({ name, params: PARAMS })), mse: true, labels };
            const s = denseHeadStats(linearHead(h), request, options);
            parts = [...s.divergences, s.mse, s.lse, s.labelLogit] as tf.Tensor1D[];
          } else {
            const s = referenceLogits(h);
            const logQ = tf.logSoftmax(tf.div(s, temperature)) as tf.Tensor2D;
            const logP = tf.logSoftmax(tf.div(teacher, temperature)) as tf.Tensor2D;
            parts = [
              ...NAMES.map((name) => DIVERGENCES[name](logP, logQ, PARAMS)),
              tf.mean(tf.squaredDifference(s, teacher), 1),
              tf.logSumExp(s, 1),
              tf.reshape(gatherRows(s, tf.reshape(labels, [P, 1])), [P]),
            ] as tf.Tensor1D[];
          }
          return addNChunked(parts.map((x, i) => probe(x, 10 + i))); // webgpu: addN of 8 inputs returns zeros
        };
        const stats = chunked
          ? (() => { const s = denseHeadStats(linearHead(t), { teacher, temperature, divergences: NAMES.map((name) => ({ name, params: PARAMS })), mse: true, labels }, options); return [...s.divergences, s.mse, s.lse, s.labelLogit] as tf.Tensor[]; })()
          : [];
        const { grads } = tf.valueAndGrads(f)([t.x, t.w, t.b]);
        return [...grads, ...stats];
      }),
    ),
  );
}

describe('denseHeadStats', () => {
  for (const temperature of [1, 2]) {
    for (const [name, options] of [['one chunk', {}], ['4 chunks, cached', TINY], ['4 chunks, recomputed', { ...TINY, cacheFloats: 0 }]] as const) {
      it(`T = ${temperature}, ${name}: every divergence, MSE, lse and label logit, and their gradients match full logits`, async () => {
        const [ours, ref] = await compare(temperature, options);
        for (let i = 0; i < 3; i++) expectAllClose(ours[i], ref[i], 1e-5, 1e-4);
      });
    }
  }
  it('its values equal the full-logit ones', async () => {
    const [values, refs] = await Promise.all([
      valuesOf(() => {
        const s = denseHeadStats(linearHead(headTensors(HEAD)), { teacher: referenceLogits(headTensors(TEACHER)), temperature: 2, divergences: [{ name: 'jsd', params: PARAMS }], mse: true, labels: tf.tensor1d(LABELS, 'int32'), argmax: true }, TINY);
        return [s.divergences[0], s.mse, s.lse, s.labelLogit, s.argmax] as tf.Tensor[];
      }),
      valuesOf(() => {
        const s = referenceLogits(headTensors(HEAD));
        const teacher = referenceLogits(headTensors(TEACHER));
        return [
          DIVERGENCES.jsd(tf.logSoftmax(tf.div(teacher, 2)) as tf.Tensor2D, tf.logSoftmax(tf.div(s, 2)) as tf.Tensor2D, PARAMS),
          tf.mean(tf.squaredDifference(s, teacher), 1),
          tf.logSumExp(s, 1),
          tf.reshape(gatherRows(s, tf.tensor2d(LABELS.map((l) => [l]), undefined, 'int32')), [P]),
          tf.argMax(s, 1),
        ];
      }),
    ]);
    for (let i = 0; i < 4; i++) expectAllClose(values[i], refs[i], 1e-5, 1e-5);
    expect(values[4]).toEqual(refs[4]);
  });
  it('leaks no tensor, forward and backward', () => {
    const t = headTensors(HEAD);
    const teacher = referenceLogits(headTensors(TEACHER));
    const labels = tf.tensor1d(LABELS, 'int32');
    for (const options of [TINY, { ...TINY, cacheFloats: 0 }]) {
      const request: DenseRequest = { teacher, temperature: 2, divergences: [{ name: 'kl', params: PARAMS }], mse: true, labels };
      expectNoLeak(() => tf.grads((x: tf.Tensor) => {
        const s = denseHeadStats({ kind: 'linear', features: x as tf.Tensor2D, weight: t.w, bias: t.b }, request, options);
        return tf.addN([tf.sum(s.divergences[0]), tf.sum(s.mse as tf.Tensor), tf.sum(s.lse as tf.Tensor)]);
      })([t.x]));
    }
    tf.dispose([t.x, t.w, t.b, teacher, labels]);
  });
});
