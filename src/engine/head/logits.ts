/**
 * The head's logits for inference (distill predict, the compare view, latency): training and evaluation never
 * build them (gathered.ts, dense.ts).
 *   headLogits   the whole [P, V] (dense predictions), through the ops the tied head always used
 *                (ops/linear.ts, ops/matmul.ts), so the values match transformers' as before
 *   headTopK     the k largest logits per row and the row's log-sum-exp, one vocabulary chunk at a time:
 *                O(P·(k + C)) memory, so a 250k-token student's compare view and top-k predictions never hold [P, V]
 *   headLogitSum Σ of every logit, chunk by chunk: the latency probe's full forward pass without a [P, V] tensor
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { linearTransposedWeight } from '../ops/linear.ts';
import { matMul2dTransposeB } from '../ops/matmul.ts';
import { sliceColumns } from '../ops/slice_columns.ts';
import { chunkRanges, headRows, headWidth, type ChunkRange, type HeadInput, type HeadOptions } from './chunks.ts';

export function headLogits(head: HeadInput): Tensor2D {
  if (head.kind === 'logits') return head.logits;
  return head.bias ? linearTransposedWeight(head.features, head.weight, head.bias) : matMul2dTransposeB(head.features, head.weight);
}

/** Logits of columns [start, start + C) (no gradient: inference only). */
function chunkOf(head: HeadInput, c: ChunkRange): Tensor2D {
  if (head.kind === 'logits') return sliceColumns(head.logits, c.start, c.size);
  const w = tf.slice(head.weight, [c.start, 0], [c.size, head.weight.shape[1]]);
  const logits = matMul2dTransposeB(head.features, w); // wasm: explicit transpose (ops/matmul.ts)
  return head.bias ? tf.add<Tensor2D>(logits, tf.slice(head.bias, [c.start], [c.size])) : logits;
}

/** The k largest logits per row (values descending, their vocabulary ids) and each row's log-sum-exp. */
export function headTopK(head: HeadInput, k: number, options: HeadOptions = {}): { values: Tensor2D; indices: Tensor2D; lse: Tensor1D } {
  const rows = headRows(head);
  const chunks = chunkRanges(rows, headWidth(head), options.chunkFloats);
  let values: Tensor2D | null = null;
  let indices: Tensor2D | null = null;
  let lse: Tensor1D | null = null;
  for (const c of chunks) {
    const next = tf.tidy(() => {
      const s = chunkOf(head, c);
      const top = tf.topk(s, Math.min(k, c.size));
      const ids = tf.add(top.indices, tf.scalar(c.start, 'int32')) as Tensor2D;
      const chunkLse = tf.logSumExp(s, 1) as Tensor1D;
      if (!values || !indices || !lse) return { values: top.values as Tensor2D, indices: ids, lse: chunkLse };
      const both = tf.concat2d([values, top.values as Tensor2D], 1);
      const merged = tf.topk(both, Math.min(k, both.shape[1]));
      const bothIds = tf.concat2d([indices, ids], 1);
      const m = tf.maximum(lse, chunkLse);
      return {
        values: merged.values as Tensor2D,
        indices: tf.reshape(tf.gatherND(bothIds, tf.stack([tf.tile(tf.reshape(tf.range(0, rows, 1, 'int32'), [rows, 1]), [1, merged.indices.shape[1]]), merged.indices], 2)), merged.indices.shape) as Tensor2D,
        lse: tf.add(m, tf.log(tf.add(tf.exp(tf.sub(lse, m)), tf.exp(tf.sub(chunkLse, m))))) as Tensor1D,
      };
    });
    tf.dispose([values, indices, lse].filter((t): t is Tensor2D | Tensor1D => t !== null));
    ({ values, indices, lse } = next);
  }
  return { values: values as Tensor2D, indices: indices as Tensor2D, lse: lse as Tensor1D };
}

/** Σ_p Σ_v s_p,v, chunk by chunk (a scalar). */
export function headLogitSum(head: HeadInput, options: HeadOptions = {}): tf.Scalar {
  let total = tf.scalar(0);
  for (const c of chunkRanges(headRows(head), headWidth(head), options.chunkFloats)) {
    const next = tf.tidy(() => tf.add(total, tf.sum(chunkOf(head, c)))) as tf.Scalar;
    total.dispose();
    total = next;
  }
  return total;
}
