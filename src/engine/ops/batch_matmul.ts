/**
 * Batched matrix product c[i] = op(a[i]) · op(b[i]) over equal leading batch axes (attention's [B, H, L, ·]
 * products), op = transpose of the last two axes when its flag is set.
 *
 * On wasm both the value and the gradients go through patches/wasm_batch_matmul.ts (XNNPACK per batch index;
 * tfjs's own BatchMatMul runs batched products on a scalar loop). The gradients, for c = op(a)·op(b):
 *   c = a·b     da = dc·bᵀ      db = aᵀ·dc
 *   c = a·bᵀ    da = dc·b       db = dcᵀ·a
 *   c = aᵀ·b    da = b·dcᵀ      db = a·dc
 *   c = aᵀ·bᵀ   da = bᵀ·dcᵀ     db = dcᵀ·aᵀ
 * Other backends use tf.matMul with its flags. Same values up to float32 summation order.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradSaveFunc, Tensor } from '@tensorflow/tfjs';
import { requirePatch } from '../patches/index.ts';
import { BATCH_MATMUL } from '../patches/wasm_batch_matmul.ts';

function kernel(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): Tensor {
  const attrs = { transposeA, transposeB };
  return tf.engine().runKernel(BATCH_MATMUL, { a, b }, attrs as unknown as tf.NamedAttrMap) as Tensor;
}

function wasmBatchMatMul(transposeA: boolean, transposeB: boolean) {
  return tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const [a, b, save] = args as [Tensor, Tensor, GradSaveFunc];
    save([a, b]);
    return {
      value: kernel(a, b, transposeA, transposeB),
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
        const dc = dy as Tensor;
        const [sa, sb] = saved as [Tensor, Tensor];
        if (!transposeA && !transposeB) return [kernel(dc, sb, false, true), kernel(sa, dc, true, false)];
        if (!transposeA && transposeB) return [kernel(dc, sb, false, false), kernel(dc, sa, true, false)];
        if (transposeA && !transposeB) return [kernel(sb, dc, false, true), kernel(sa, dc, false, false)];
        return [kernel(sb, dc, true, true), kernel(dc, sa, true, true)];
      },
    };
  });
}

const variants = new Map<string, ReturnType<typeof wasmBatchMatMul>>();

/** a [..., M, K] (or [..., K, M] with transposeA) @ b [..., K, N] (or [..., N, K]) → [..., M, N]. */
export function batchMatMul(a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor {
  if (tf.getBackend() !== 'wasm' || a.rank < 3) return tf.matMul(a, b, transposeA, transposeB);
  if (a.rank !== b.rank || a.shape.slice(0, -2).some((d, i) => d !== b.shape[i])) {
    throw new Error(`batchMatMul: equal batch axes expected, got [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`);
  }
  requirePatch('batch-matmul');
  const key = `${transposeA}/${transposeB}`;
  let op = variants.get(key);
  if (!op) {
    op = wasmBatchMatMul(transposeA, transposeB);
    variants.set(key, op);
  }
  return op(a, b);
}
