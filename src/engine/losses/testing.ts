/**
 * Test helpers for the loss and metric suites (imported by *.test.ts only): float64 JS references, a
 * central-difference gradient check, and a tensor-leak check. Not part of the engine's API.
 */
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { DEFAULT_CONFIG, type Divergence } from '../config/config.ts';
import type { HeadOptions } from '../head/chunks.ts';
import { computeLosses, type LossConfig } from './combine.ts';
import { LOSS_NAMES, LOSS_WEIGHT_KEYS, type LossName } from './names.ts';
import { teacherTensors, topKTeacherBatch, type TeacherBatch, type TopKTeacherBatch } from './teacher.ts';

/**
 * Runs fn in tf.tidy and reads its tensor back asynchronously (webgpu in Node has no synchronous read:
 * dataSync needs OffscreenCanvas), disposing it after.
 */
export async function values(fn: () => Tensor): Promise<number[]> {
  const t = tf.tidy(fn);
  const data = await t.data();
  t.dispose();
  return Array.from(data);
}

/** values() for several tensors at once (one read each, in order). */
export async function valuesOf(fn: () => Tensor[]): Promise<number[][]> {
  const ts = tf.tidy(fn);
  const out = await Promise.all(ts.map(async (t) => Array.from(await t.data())));
  tf.dispose(ts);
  return out;
}

/** max |a − b| over all elements (a and b of one shape), read asynchronously. */
export async function maxAbsDiff(a: Tensor, b: Tensor): Promise<number> {
  return (await values(() => a.sub(b).abs().max()))[0];
}

/** Disposes every tensor of a teacher batch. */
export function disposeTeacher(teacher: TeacherBatch): void {
  tf.dispose(teacherTensors(teacher));
}

/** |a − e| ≤ atol + rtol·|e| elementwise. */
export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const [a, e] = [actual[i], expected[i]];
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      throw new Error(`element ${i}: got ${a}, expected ${e} (atol ${atol}, rtol ${rtol})\n got  ${Array.from(actual)}\n want ${Array.from(expected)}`);
    }
  }
}

/** Runs fn inside tf.tidy (its result dropped) and asserts the live tensor count is unchanged afterwards. */
export function expectNoLeak(fn: () => unknown): void {
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    fn();
  });
  expect(tf.memory().numTensors).toBe(before);
}

/**
 * Central differences ĝ_i = (f(x + ε e_i) − f(x − ε e_i)) / 2ε in float32 against tf.grad, on a tiny input.
 * Returns ‖ĝ − g‖ / max(‖g‖, ‖ĝ‖, 1e-3), which a correct gradient keeps ≲ 1e-3 at ε = 1e-2 (the tests allow 2e-2
 * so that webgpu's less exact transcendental functions pass).
 */
export async function gradCheck(f: (x: Tensor2D) => Scalar, x0: number[][], eps = 1e-2): Promise<number> {
  const shape: [number, number] = [x0.length, x0[0].length];
  const flat = x0.flat();
  const analytic = await values(() => tf.grad((x: Tensor) => f(x as Tensor2D))(tf.tensor2d(flat, shape)));
  const shifted = (i: number, delta: number): number[] => flat.map((v, j) => (j === i ? v + delta : v));
  // All 2n perturbed losses in one graph and one read-back.
  const losses = await values(() =>
    tf.stack(flat.flatMap((_, i) => [f(tf.tensor2d(shifted(i, eps), shape)), f(tf.tensor2d(shifted(i, -eps), shape))])),
  );
  const numeric = flat.map((_, i) => (losses[2 * i] - losses[2 * i + 1]) / (2 * eps));
  const norm = (v: number[]): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  const diff = norm(analytic.map((a, i) => a - numeric[i]));
  return diff / Math.max(norm(analytic), norm(numeric), 1e-3);
}

/** Tolerance for gradCheck's relative error on every backend. */
export const GRAD_RTOL = 2e-2;

// ---- float64 references ----

export function logSumExpRef(x: readonly number[]): number {
  const m = Math.max(...x);
  return m + Math.log(x.reduce((s, v) => s + Math.exp(v - m), 0));
}

export function softmaxRef(x: readonly number[], temperature = 1): number[] {
  const scaled = x.map((v) => v / temperature);
  const lse = logSumExpRef(scaled);
  return scaled.map((v) => Math.exp(v - lse));
}

/** KL(a ‖ b) in nats, 0·log 0 = 0. */
export function klRef(a: readonly number[], b: readonly number[]): number {
  return a.reduce((s, ai, i) => (ai > 0 ? s + ai * Math.log(ai / b[i]) : s), 0);
}

export function mixRef(a: readonly number[], b: readonly number[], weightA: number): number[] {
  return a.map((ai, i) => weightA * ai + (1 - weightA) * b[i]);
}

/** Each divergence of the registry, in float64, on probability vectors (p teacher, q student). */
export const DIVERGENCE_REFS: Readonly<Record<Divergence, (p: number[], q: number[], param: number) => number>> = {
  kl: (p: number[], q: number[]) => klRef(p, q),
  rkl: (p: number[], q: number[]) => klRef(q, p),
  skew_kl: (p: number[], q: number[], alpha: number) => klRef(p, mixRef(p, q, alpha)),
  skew_rkl: (p: number[], q: number[], alpha: number) => klRef(q, mixRef(p, q, 1 - alpha)),
  jsd: (p: number[], q: number[], beta: number) => {
    if (beta === 0) return klRef(p, q); // TRL's endpoints
    if (beta === 1) return klRef(q, p);
    const m = mixRef(p, q, beta);
    return beta * klRef(p, m) + (1 - beta) * klRef(q, m);
  },
};

// ---- the loss registry on small inputs ----

export interface TermOptions {
  weights?: number[] | Tensor1D;
  labels?: number[];
  studentHidden?: Tensor2D;
  teacherHidden?: Tensor2D;
  tokenWeights?: number[];
  projection?: Tensor | null;
  config?: Partial<LossConfig>;
  headOptions?: HeadOptions;
}

/**
 * One loss component through the registry (computeLosses, the trainer's code path) with only its alpha set, on
 * materialised student logits [P, V] (a 'logits' head, chunked like the LM head: tiny chunks by default).
 */
export function lossTerm(name: LossName, logits: Tensor2D, teacher: TeacherBatch, o: TermOptions = {}): Scalar {
  const p = logits.shape[0];
  const config: LossConfig = { ...DEFAULT_CONFIG, alpha_kd: 0, ...o.config, [LOSS_WEIGHT_KEYS[name]]: 1 };
  for (const other of LOSS_NAMES) if (other !== name) config[LOSS_WEIGHT_KEYS[other]] = 0;
  const weights = o.weights instanceof tf.Tensor ? o.weights : tf.tensor1d(o.weights ?? Array(p).fill(1));
  const out = computeLosses(
    {
      head: { kind: 'logits', logits },
      teacher,
      weights,
      labels: o.labels ? tf.tensor1d(o.labels, 'int32') : undefined,
      studentHidden: o.studentHidden,
      teacherHidden: o.teacherHidden,
      tokenWeights: o.tokenWeights ? tf.tensor1d(o.tokenWeights) : undefined,
      projection: o.projection,
      headOptions: o.headOptions ?? { chunkFloats: 2 * p },
    },
    config,
  );
  return out.components[name] as Scalar;
}

/** A top-k teacher batch taken from full teacher logit rows at `ids` (with the float64 tail when withLse). */
export function topKOfRows(rows: readonly number[][], ids: readonly number[][], withLse: boolean): TopKTeacherBatch {
  const k = ids[0].length;
  return topKTeacherBatch(
    Int32Array.from(ids.flat()),
    Float32Array.from(rows.flatMap((row, p) => ids[p].map((i) => row[i]))),
    k,
    withLse ? Float32Array.from(rows.map(logSumExpRef)) : undefined,
  );
}
