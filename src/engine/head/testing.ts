/**
 * Test helpers for the chunked head (imported by *.test.ts only): a seeded random head, its materialised
 * logits, and the reference statistics computed from those logits with tfjs's own ops and autodiff.
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { createRng } from '../rng.ts';
import type { HeadInput } from './chunks.ts';

export interface HeadArrays {
  p: number;
  v: number;
  d: number;
  features: number[]; // [P, D]
  weight: number[]; // [V, D]
  bias: number[]; // [V]
}

/** A random head whose logits spread over a few nats (scale ≈ `scale`). */
export function randomHead(p: number, v: number, d: number, seed: number, scale = 2): HeadArrays {
  const rng = createRng(seed);
  const normal = () => {
    const u = Math.max(rng.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  };
  const s = scale / Math.sqrt(d);
  return {
    p,
    v,
    d,
    features: Array.from({ length: p * d }, normal),
    weight: Array.from({ length: v * d }, () => normal() * s),
    bias: Array.from({ length: v }, () => normal() * 0.5),
  };
}

/** Distinct random ids per row: [P, k] int32 values in [0, V). */
export function distinctIds(p: number, v: number, k: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: p }, () => {
    const pool = Array.from({ length: v }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = i + rng.int(v - i);
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool.slice(0, k);
  });
}

export interface HeadTensors {
  x: Tensor2D;
  w: Tensor2D;
  b: Tensor1D;
}

export function headTensors(a: HeadArrays): HeadTensors {
  return { x: tf.tensor2d(a.features, [a.p, a.d]), w: tf.tensor2d(a.weight, [a.v, a.d]), b: tf.tensor1d(a.bias) };
}

export function linearHead(t: HeadTensors, withBias = true): HeadInput {
  return { kind: 'linear', features: t.x, weight: t.w, bias: withBias ? t.b : undefined };
}

/** X·Wᵀ + b through tfjs's plain ops: the reference logits [P, V]. */
export function referenceLogits(t: HeadTensors, withBias = true): Tensor2D {
  const s: Tensor2D = tf.matMul(t.x, t.w, false, true);
  return withBias ? tf.add<Tensor2D>(s, t.b) : s;
}

/** log Σ_{v ∉ ids[p, 0:exclude]} exp(s_p,v) from full logits (tfjs ops, differentiable). */
export function referenceTail(s: Tensor2D, ids: Tensor2D, exclude: number): Tensor1D {
  if (exclude === 0) return tf.logSumExp(s, 1);
  const [p, v] = s.shape;
  const excluded = tf.reshape(tf.slice(ids, [0, 0], [p, exclude]), [p * exclude]);
  const rows = tf.reshape(tf.tile(tf.reshape(tf.range(0, p, 1, 'int32'), [p, 1]), [1, exclude]), [p * exclude]);
  // [P, V] 1 at excluded ids (not tf.oneHot: wasm's and webgpu's return garbage for float32 or int32 output)
  const mask = tf.scatterND(tf.stack([rows, excluded], 1), tf.ones([p * exclude]), [p, v]);
  return tf.logSumExp(tf.sub(s, tf.mul(mask, 1e30)), 1);
}

/** Σ a·x: a fixed random linear functional of x, to compare full gradients in one backward pass. */
export function probe(x: Tensor, seed: number): tf.Scalar {
  const rng = createRng(seed);
  const a = tf.tensor(Array.from({ length: x.size }, () => rng.next() - 0.5), x.shape);
  return tf.sum(tf.mul(x, a));
}
