/**
 * Embedding lookup: rows of table [V, D] at ids [N] → [N, D], whose gradient is a scatter-add,
 *   ∂L/∂table[v] = Σ_{i : ids[i] = v} dy[i]   (tf.scatterND sums duplicate indices).
 * Why: tf.gather's gradient is UnsortedSegmentSum. tfjs-backend-wasm 4.22 has none (patches/ registers a loop
 * for it), and tfjs-backend-cpu's compares every id with every segment: O(V · N · D), 9.9 s for V = 2048,
 * N = 512, D = 64 — most of a cpu training step. ScatterNd is O(N · D) on cpu, wasm and webgpu.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradSaveFunc, Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { requirePatch } from '../patches/index.ts';
import { TAKE_ROWS } from '../patches/wasm_take_rows.ts';

/** table[ids]: wasm's GatherV2 is a general strided gather, ≈ 20× slower than row copies (patches/wasm_take_rows.ts). */
function takeRows(table: Tensor2D, ids: Tensor1D): Tensor2D {
  if (tf.getBackend() !== 'wasm') return tf.gather(table, ids);
  requirePatch('take-rows');
  return tf.engine().runKernel(TAKE_ROWS, { table, ids }) as Tensor2D;
}

/**
 * table [V, D] (float32), ids [N] (int32, each in [0, V)) → [N, D], differentiable with respect to table.
 * With `paddingId` (torch's nn.Embedding(padding_idx)) lookups of that id pass no gradient to its row.
 */
export function embeddingLookup(table /* [V, D] */: Tensor2D, ids /* [N] int32 */: Tensor1D, paddingId?: number): Tensor2D {
  if (table.rank !== 2 || ids.rank !== 1) {
    throw new Error(`embeddingLookup: expected table [V, D] and ids [N], got [${table.shape}] and [${ids.shape}]`);
  }
  if (ids.dtype !== 'int32') throw new Error(`embeddingLookup: ids must be int32, got ${ids.dtype}`);
  const shape = table.shape;
  const lookup = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const [t, i, save] = args as [Tensor2D, Tensor1D, GradSaveFunc];
    save([i]);
    return {
      value: takeRows(t, i),
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
        const g = paddingId === undefined ? (dy as Tensor2D) : tf.mul(dy as Tensor2D, tf.notEqual(saved[0], paddingId).cast('float32').expandDims(1));
        return [tf.scatterND(tf.reshape(saved[0], [-1, 1]), g, shape), tf.zerosLike(saved[0])];
      },
    };
  });
  return lookup(table, ids) as Tensor2D;
}
