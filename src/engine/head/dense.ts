/**
 * The head statistics of a dense teacher (logits t over the whole vocabulary), chunk by chunk:
 *   D_i[p]   = Σ_v f_i(log p_T, log q_T)[p, v]     each requested divergence at temperature T (divergences/)
 *   mse[p]   = (1/V) Σ_v (s_p,v − t_p,v)²          raw logits, no temperature
 *   lse[p]   = log Σ_v exp(s_p,v),  label[p] = s_p,label_p      (T = 1: the hard-label CE is lse − label)
 *   argmax[p] = argmax_v s_p,v                                  (forward only)
 * with log q_T = s/T − lse_T(s) and log p_T = t/T − lse_T(t). Two passes: the first gathers the log-sum-exps
 * (and MSE, labels, argmax), the second the divergences and Σ_v g_i; the backward pass forms, per chunk,
 *   ∂/∂s_v = Σ_i dD_i·(g_i,v − q_v·Σ_u g_i,u)/T + dmse·2(s_v − t_v)/V + dlse·exp(s_v − lse) + dlabel·[v = label]
 * (g = ∂D/∂log q, divergences/types.ts). The chunk logits are kept from pass 1 for pass 2 and the backward pass
 * while they fit HEAD_CACHE_FLOATS, else recomputed.
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { Divergence } from '../config/config.ts';
import { DIVERGENCE_TERMS, type DivergenceParams } from '../losses/divergences/index.ts';
import { LOG_PROB_FLOOR } from '../losses/log_math.ts';
import { addNChunked, concatChunked } from '../ops/chunked.ts';
import { exp } from '../ops/exp.ts';
import { floorAt } from '../ops/floor_at.ts';
import { chunkedHeadOp, chunkRanges, DENSE_HEAD_CHUNK_FLOATS, extendedSlice, foldChunks, headRows, headWidth, HEAD_CACHE_FLOATS, type ChunkLogits, type ChunkRange, type HeadInput, type HeadOptions } from './chunks.ts';

export interface DenseRequest {
  teacher: Tensor2D; // [P, V] teacher logits at T = 1
  temperature: number;
  divergences: readonly { name: Divergence; params: DivergenceParams }[];
  mse?: boolean;
  /** int32 [P] ids in [0, V) (callers map "no label" to any valid id and mask the result). */
  labels?: Tensor1D;
  argmax?: boolean;
  /** The argmax ranges over ids [0, argmaxColumns) only (default V): a trimmed set's dropped-token bucket is not a token. */
  argmaxColumns?: number;
}

export interface DenseStats {
  divergences: Tensor1D[]; // one [P] per requested divergence, nats at T
  mse?: Tensor1D;
  lse?: Tensor1D; // with labels
  labelLogit?: Tensor1D; // with labels
  argmax?: Tensor1D; // int32
}

/**
 * A row log-sum-exp kept as a pair (m, ℓ) with lse = m + ℓ: m the running row max, ℓ = log Σ exp(x − m) ∈
 * [0, log V]. Log-probabilities are then formed as (x − m) − ℓ, never x − fround(m + ℓ): rounding a logsumexp of
 * 12 to float32 moves every log q of the row by up to 5e−7, which the softmax gradient's cancellation over V
 * amplifies (≈ 1e−5 relative in ∂/∂features for a peaked skew_rkl case of the float64 audit; 2e−6 with the pair).
 */
type LsePair = [Tensor1D, Tensor1D];

/** (m, ℓ) of one chunk's rows through the Softmax kernel: m = max(x), ℓ = −log(max(softmax(x))). */
function chunkLse(x: Tensor2D): LsePair {
  return [tf.max(x, 1) as Tensor1D, tf.neg(tf.log(tf.max(tf.softmax(x), 1))) as Tensor1D];
}

/** Combines two (m, ℓ) pairs: m' = max(m₁, m₂), ℓ' = logaddexp(ℓ₁ + m₁ − m', ℓ₂ + m₂ − m'). */
function combineLse([m1, l1]: LsePair, [m2, l2]: LsePair): LsePair {
  const m: Tensor1D = tf.maximum(m1, m2);
  const a: Tensor1D = tf.add(l1, tf.sub(m1, m));
  const b: Tensor1D = tf.add(l2, tf.sub(m2, m));
  const top = tf.maximum(a, b);
  const l: Tensor1D = tf.add(top, tf.log(tf.add(tf.exp(tf.sub(a, top)), tf.exp(tf.sub(b, top)))));
  return [m, l];
}

const col = (x: Tensor1D): Tensor2D => tf.reshape(x, [-1, 1]) as Tensor2D;

/** Indices (row, label − start or the spare column) of the labels in chunk c, and which are in it. */
function labelIndex(labels: Tensor1D, c: ChunkRange) {
  const p = labels.shape[0];
  const local = tf.sub(labels, tf.scalar(c.start, 'int32'));
  const inChunk = tf.logicalAnd(tf.greaterEqual(local, 0), tf.less(local, c.size));
  const target = tf.where(inChunk, local, tf.fill([p], c.size, 'int32'));
  return { idx: tf.stack([tf.range(0, p, 1, 'int32'), target], 1) as Tensor2D, inChunk: tf.cast(inChunk, 'float32') as Tensor1D };
}

/** A chunk's logits with the ids ≥ `columns` at −∞, so that no argmax lands on them (the chunk as is when none are). */
function argmaxCandidates(sExt: Tensor2D, c: ChunkRange, columns: number): Tensor2D {
  const width = sExt.shape[1];
  if (c.start + width <= columns) return sExt;
  const outside = tf.greaterEqual(tf.range(c.start, c.start + width, 1, 'int32'), columns); // [width]
  return tf.where(tf.broadcastTo(outside, sExt.shape), tf.fill(sExt.shape, -Infinity), sExt) as Tensor2D;
}

/** See the file comment. Differentiable with respect to the head. Call inside tf.tidy. */
export function denseHeadStats(head: HeadInput, request: DenseRequest, options: HeadOptions = {}): DenseStats {
  const { teacher, temperature: t, divergences } = request;
  const p = headRows(head);
  const v = headWidth(head);
  if (teacher.shape[0] !== p || teacher.shape[1] !== v) {
    throw new Error(`denseHeadStats: teacher logits [${teacher.shape}] do not match the head [${p}, ${v}]`);
  }
  if (!(t > 0)) throw new Error(`temperature must be > 0, got ${t}`);
  const chunkOptions = { ...options, chunkFloats: options.chunkFloats ?? DENSE_HEAD_CHUNK_FLOATS };
  const chunks = chunkRanges(p, v, chunkOptions.chunkFloats);
  const cache = p * (v + chunks.length) <= (options.cacheFloats ?? HEAD_CACHE_FLOATS);
  const labels = request.labels;
  const n = divergences.length;
  const temper = (x: Tensor2D): Tensor2D => (t === 1 ? x : tf.div(x, t));
  const logProbsOf = (x: Tensor2D, [m, l]: LsePair) => floorAt(tf.sub(tf.sub(temper(x), col(m)), col(l)) as Tensor2D, LOG_PROB_FLOOR);
  const logProbs = (sExt: Tensor2D, tExt: Tensor2D, lseS: LsePair, lseT: LsePair) => ({ lq: logProbsOf(sExt, lseS), lp: logProbsOf(tExt, lseT) });

  const packed = chunkedHeadOp(
    head,
    chunkOptions,
    (logitsOf: ChunkLogits) => {
      const kept: Tensor2D[] = [];
      const sOf = (c: ChunkRange) => (cache ? kept[c.index] : logitsOf(c));
      // pass 1: [(m, ℓ) of lse_T(s), of lse_T(t), of lse_1(s), s_label, Σ(s − t)², best value, best index]
      const empty = (): Tensor[] => [tf.fill([p], -1e30), tf.zeros([p])]; // m = −BIG, ℓ = 0: combines to the other pair
      const init: Tensor[] = [...empty(), ...empty(), ...empty(), tf.zeros([p]), tf.zeros([p]), tf.fill([p], -Infinity), tf.zeros([p], 'int32')];
      const [mS, lS, mT, lT, m1, l1, label, sq, , best] = foldChunks(chunks, init, ([aSm, aSl, aTm, aTl, a1m, a1l, lab, sse, bestV, bestI], c) => {
        const sExt = logitsOf(c);
        if (cache) kept.push(tf.keep(sExt));
        const tExt = extendedSlice(teacher, c);
        const pair = (m: Tensor, l: Tensor): LsePair => [m as Tensor1D, l as Tensor1D];
        const out: Tensor[] = [...combineLse(pair(aSm, aSl), chunkLse(temper(sExt))), ...combineLse(pair(aTm, aTl), chunkLse(temper(tExt)))];
        out.push(...(labels && t !== 1 ? combineLse(pair(a1m, a1l), chunkLse(sExt)) : [a1m, a1l]));
        if (labels) {
          const { idx, inChunk } = labelIndex(labels, c);
          out.push(tf.add(lab, tf.mul(tf.gatherND(sExt, idx), inChunk)));
        } else out.push(lab);
        out.push(request.mse ? tf.add(sse, tf.sum(tf.squaredDifference(sExt, tExt), 1)) : sse);
        if (!request.argmax) return [...out, bestV, bestI];
        const sArg = argmaxCandidates(sExt, c, request.argmaxColumns ?? v);
        const chunkMax = tf.max(sArg, 1);
        const better = tf.greater(chunkMax, bestV); // strict: the earlier chunk keeps a tie
        return [...out, tf.where(better, chunkMax, bestV), tf.where(better, tf.add(tf.argMax(sArg, 1), tf.scalar(c.start, 'int32')), bestI)];
      });
      // pass 2: D_i and Σ_v g_i for every divergence
      const zeros = Array.from({ length: 2 * n }, () => tf.zeros([p]) as Tensor);
      const sums = n === 0 ? [] : foldChunks(chunks, zeros, (acc, c) => {
        const { lq, lp } = logProbs(sOf(c), extendedSlice(teacher, c), [mS, lS] as LsePair, [mT, lT] as LsePair);
        return divergences.flatMap((d, i) => {
          const { f, g } = DIVERGENCE_TERMS[d.name](lp, lq, d.params);
          return [tf.add(acc[2 * i], tf.sum(f, 1)), tf.add(acc[2 * i + 1], tf.sum(g, 1))];
        });
      });
      const columns: Tensor1D[] = divergences.map((_, i) => sums[2 * i] as Tensor1D);
      if (request.mse) columns.push(tf.div(sq, v) as Tensor1D);
      const lse1 = (t === 1 ? tf.add(mS, lS) : tf.add(m1, l1)) as Tensor1D;
      if (labels) columns.push(lse1, label as Tensor1D);
      if (request.argmax) columns.push(tf.cast(best, 'float32') as Tensor1D);
      const gSums = divergences.map((_, i) => sums[2 * i + 1]);
      const saved = [teacher, ...(labels ? [labels] : []), mS, lS, mT, lT, lse1, ...gSums, ...kept];
      // grouped concat: webgpu ops with 8 or more inputs return zeros (ops/chunked.ts)
      return { value: concatChunked(columns.map(col), 1), saved, owned: kept };
    },
    (dy, saved, logitsOf, c) => {
      const teacherT = saved[0] as Tensor2D;
      const labelsT = labels ? (saved[1] as Tensor1D) : undefined;
      const at = labels ? 2 : 1;
      const [mS, lS, mT, lT, lse1] = saved.slice(at, at + 5) as Tensor1D[];
      const gSums = saved.slice(at + 5, at + 5 + n) as Tensor1D[];
      const sExt = cache ? (saved[at + 5 + n + c.index] as Tensor2D) : logitsOf(c);
      const tExt = extendedSlice(teacherT, c);
      const grad = dy as Tensor2D;
      const dCol = (i: number) => tf.slice(grad, [0, i], [p, 1]) as Tensor2D; // [P, 1]
      const terms: Tensor2D[] = [];
      if (n > 0) {
        const { lq, lp } = logProbs(sExt, tExt, [mS, lS], [mT, lT]);
        const q = exp(lq);
        divergences.forEach((d, i) => {
          const { g } = DIVERGENCE_TERMS[d.name](lp, lq, d.params);
          terms.push(tf.mul(tf.sub(g, tf.mul(q, col(gSums[i]))), tf.div(dCol(i), t)));
        });
      }
      let k = n;
      if (request.mse) terms.push(tf.mul(tf.sub(sExt, tExt), tf.mul(dCol(k++), 2 / v)));
      if (labelsT) {
        terms.push(tf.mul(exp(tf.sub(sExt, col(lse1))), dCol(k++)));
        const { idx, inChunk } = labelIndex(labelsT, c);
        const dLabel = tf.reshape(dCol(k++), [p]);
        terms.push(tf.scatterND(idx, tf.mul(dLabel, inChunk), [p, c.size + 1]));
      }
      return addNChunked(terms);
    },
  ) as Tensor2D;

  const column = (i: number) => tf.reshape(tf.slice(packed, [0, i], [p, 1]), [p]) as Tensor1D;
  const out: DenseStats = { divergences: divergences.map((_, i) => column(i)) };
  let k = n;
  if (request.mse) out.mse = column(k++);
  if (labels) {
    out.lse = column(k++);
    out.labelLogit = column(k++);
  }
  if (request.argmax) out.argmax = tf.cast(column(k), 'int32') as Tensor1D;
  return out;
}
