/**
 * The head statistics of a top-k teacher, cut-cross-entropy style: for every position only
 *   gathered[p, j] = s_p,ids[p, j]                          the logits at J requested ids (teacher top-k, label)
 *   tail[p]        = log Σ_{v ∉ ids[p, 0:K]} exp(s_p,v)      log-sum-exp over the vocabulary outside the first K ids
 * (K = `exclude`; K = 0 gives the full log-sum-exp) and, on request, argmax_v s_p,v. Everything the top-k KD
 * terms, hard-label CE, top-k MSE and the metrics need follows from these on [P, K + 1] tensors.
 *
 * The tail is summed from the logits outside the K ids, chunk by chunk — never as the difference of two float32
 * log-sum-exps, which loses a tail below float32 resolution (and tempering then magnifies the error). Per chunk:
 *   xm = the chunk's logits with the K ids set to −BIG,  lse_c = max(xm) − log(max(softmax(xm)))
 *   tail = logaddexp over chunks of lse_c
 * (softmax runs on the backend's Softmax kernel: on wasm XNNPACK's vectorised one, ~3× faster than Exp.)
 *
 * Gradient: ∂tail/∂s_v = exp(s_v − tail)·[v ∉ ids] = softmax(xm)_v · exp(lse_c − tail), and ∂gathered[p, j]/∂s_v
 * = [v = ids[p, j]]: per chunk ds = dTail·softmax(xm)·exp(lse_c − tail) + scatter(dGathered), the chunk's softmax
 * recomputed unless the forward pass could keep it (HEAD_CACHE_FLOATS).
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { scaleRowsScatterAdd } from '../ops/scale_rows_scatter_add.ts';
import { scatterUpdate } from '../ops/scatter_update.ts';
import { sliceColumns } from '../ops/slice_columns.ts';
import { BIG, chunkedHeadOp, chunkRanges, foldChunks, headRows, headWidth, HEAD_CACHE_FLOATS, type ChunkRange, type HeadInput, type HeadOptions } from './chunks.ts';

export interface GatherRequest {
  /** [P, J] int32 vocabulary ids, each in [0, V); the first `exclude` columns are distinct within a row. */
  ids: Tensor2D;
  /** How many leading columns of `ids` the tail leaves out (the teacher's top-k: K; 0 for a full log-sum-exp). */
  exclude: number;
  /** Also return argmax_v s_p,v (forward only: evaluation). */
  argmax?: boolean;
}

export interface GatheredStats {
  gathered: Tensor2D; // [P, J]
  /** [P]; ≈ −BIG when nothing is left outside the excluded ids (K = V). */
  tail: Tensor1D;
  argmax?: Tensor1D; // [P] int32, first index on ties
}

/**
 * Per-chunk indices of the requested ids, (row, column) pairs [P·J, 2] in row-major order of ids; entries outside
 * the chunk point at their row's −BIG column C. Built from same-shape [P·J] ops and float32 broadcasts: on
 * tfjs-wasm, stacking the pairs (Pack, or an int32 Concat), tiling the rows (Tile), int32 broadcasts and a 3-D
 * Slice each ran a slow generic loop (≈ 60 ms a headline step together). 2-D indices into the chunk itself,
 * not flat ones into a 1-D view of it: tfjs counts a reshaped view's bytes again, and the step estimate
 * (memory/step_estimate.ts) bounds what tfjs counts.
 */
function chunkIndices(ids: Tensor2D, c: ChunkRange): { idx: Tensor2D; inChunk: Tensor2D } {
  const [p, j] = ids.shape;
  const local = tf.sub(tf.reshape(ids, [p * j]), tf.scalar(c.start, 'int32'));
  const inside = tf.logicalAnd(tf.greaterEqual(local, 0), tf.less(local, c.size)); // [P·J] bool
  const target = tf.where(inside, local, tf.fill([p * j], c.size, 'int32'));
  const row = tf.floorDiv(tf.range(0, p * j, 1, 'int32'), tf.scalar(j, 'int32'));
  // (row, target) = row·[1, 0] + target·[0, 1], in float32 (exact: both < 2^24) and cast once
  const column = (x: Tensor, unit: number[]) => tf.mul(tf.reshape(tf.cast(x, 'float32'), [p * j, 1]), tf.tensor2d([unit]));
  const idx = tf.cast(tf.add(column(row, [1, 0]), column(target, [0, 1])), 'int32') as Tensor2D;
  return { idx, inChunk: tf.reshape(inside, [p, j]) as Tensor2D };
}

/** The chunk's logits with the first `exclude` ids set to −BIG (and the indices, for the gathers). */
function maskedChunk(sExt: Tensor2D, ids: Tensor2D, exclude: number, c: ChunkRange) {
  const { idx, inChunk } = chunkIndices(ids, c);
  if (exclude === 0) return { xm: sExt, idx, inChunk };
  const [p, j] = ids.shape;
  const excluded = exclude === j ? idx : chunkIndices(sliceColumns(ids, 0, exclude), c).idx;
  // every write is −BIG, so the duplicates aimed at the spare column cannot conflict
  const xm = scatterUpdate(sExt, excluded, tf.fill([p * exclude], -BIG));
  return { xm, idx, inChunk };
}

/** log(exp(a) + exp(b)) for [P] vectors (finite stand-ins for −∞ stay finite). */
function logAddExpRows(a: Tensor1D, b: Tensor1D): Tensor1D {
  const m = tf.maximum(a, b);
  return tf.add(m, tf.log(tf.add(tf.exp(tf.sub(a, m)), tf.exp(tf.sub(b, m)))));
}

/** See the file comment. Differentiable with respect to the head (not the ids). Call inside tf.tidy. */
export function gatheredHeadStats(head: HeadInput, request: GatherRequest, options: HeadOptions = {}): GatheredStats {
  const { ids, exclude } = request;
  const [p, j] = ids.shape;
  if (p !== headRows(head)) throw new Error(`gatheredHeadStats: ids have ${p} rows, the head ${headRows(head)}`);
  if (ids.dtype !== 'int32') throw new Error(`gatheredHeadStats: ids must be int32, got ${ids.dtype}`);
  if (!(exclude >= 0 && exclude <= j)) throw new Error(`gatheredHeadStats: exclude ${exclude} outside [0, ${j}]`);
  const width = headWidth(head);
  const cache = p * (width + chunkRanges(p, width, options.chunkFloats).length) <= (options.cacheFloats ?? HEAD_CACHE_FLOATS);
  const withArgmax = request.argmax === true;

  const packed = chunkedHeadOp(
    head,
    options,
    (logitsOf, chunks) => {
      const softmaxes: Tensor2D[] = [];
      const chunkLse: Tensor1D[] = [];
      const init: Tensor[] = [tf.zeros([p, j]), tf.fill([p], -BIG), tf.fill([p], -Infinity), tf.zeros([p], 'int32')];
      const [gathered, tail, , best] = foldChunks(chunks, init, ([g, t, bestValue, bestIndex], c) => {
        const sExt = logitsOf(c);
        const { xm, idx, inChunk } = maskedChunk(sExt, ids, exclude, c);
        const picked = tf.mul(tf.reshape(tf.gatherND(sExt, idx), [p, j]), tf.cast(inChunk, 'float32'));
        const sm = tf.softmax(xm) as Tensor2D;
        const lse = tf.sub(tf.max(xm, 1), tf.log(tf.max(sm, 1))) as Tensor1D;
        if (cache) softmaxes.push(tf.keep(sm));
        chunkLse.push(tf.keep(lse));
        const out: Tensor[] = [tf.add(g, picked), logAddExpRows(t as Tensor1D, lse)]; // logaddexp(−BIG, x) = x
        if (!withArgmax) return [...out, bestValue, bestIndex];
        const chunkMax = tf.max(sExt, 1);
        const better = tf.greater(chunkMax, bestValue); // strict: an earlier chunk wins a tie (first index)
        const chunkArg = tf.add(tf.argMax(sExt, 1), tf.scalar(c.start, 'int32'));
        return [...out, tf.where(better, chunkMax, bestValue), tf.where(better, chunkArg, bestIndex)];
      });
      const parts = [gathered as Tensor2D, tf.reshape(tail, [p, 1]) as Tensor2D];
      if (withArgmax) parts.push(tf.reshape(tf.cast(best, 'float32'), [p, 1]) as Tensor2D);
      const value = tf.concat2d(parts, 1);
      return { value, saved: [ids, tail, ...chunkLse, ...softmaxes], owned: [...chunkLse, ...softmaxes] };
    },
    (dy, saved, logitsOf, c) => {
      const [sIds, tail] = saved as [Tensor2D, Tensor1D];
      const nChunks = chunkRanges(p, width, options.chunkFloats).length;
      const lse = saved[2 + c.index] as Tensor1D;
      const grad = dy as Tensor2D;
      const dGathered = tf.slice(grad, [0, 0], [p, j]);
      const dTail = tf.reshape(tf.slice(grad, [0, j], [p, 1]), [p]);
      const { xm, idx, inChunk } = cache ? { xm: null, ...chunkIndices(sIds, c) } : maskedChunk(logitsOf(c), sIds, exclude, c);
      const sm = cache ? (saved[2 + nChunks + c.index] as Tensor2D) : (tf.softmax(xm as Tensor2D) as Tensor2D);
      // a tail that is empty (≈ −BIG) has no gradient: every entry of its chunk softmax is a masked one
      const live = tf.greater(tail, -BIG / 2);
      const factor = tf.where(live, tf.mul(dTail, tf.exp(tf.sub(lse, tail))), tf.zerosLike(dTail));
      // softmax · factor + the ids' terms, duplicates summed (a label that is also a top-k id gets both)
      const fromIds = tf.reshape(tf.mul(dGathered, tf.cast(inChunk, 'float32')), [p * j]) as Tensor1D;
      return scaleRowsScatterAdd(sm, factor as Tensor1D, idx, fromIds);
    },
  ) as Tensor2D;

  const gathered = tf.slice(packed, [0, 0], [p, j]);
  const tail = tf.reshape(tf.slice(packed, [0, j], [p, 1]), [p]) as Tensor1D;
  if (!withArgmax) return { gathered, tail };
  const argmax = tf.cast(tf.reshape(tf.slice(packed, [0, j + 1], [p, 1]), [p]), 'int32') as Tensor1D;
  return { gathered, tail, argmax };
}
