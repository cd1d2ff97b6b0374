/**
 * xᵀ for a 2-D tensor, through the tiled wasm kernel (patches/wasm_transpose_2d.ts) on wasm and tf.transpose
 * elsewhere. For gradient code (customGrad gradFuncs): the wasm kernel has no gradient.
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor2D } from '@tensorflow/tfjs';
import { requirePatch } from '../patches/index.ts';
import { TRANSPOSE_2D } from '../patches/wasm_transpose_2d.ts';

export function transpose2d(x /* [M, N] */: Tensor2D): Tensor2D /* [N, M] */ {
  if (x.rank !== 2) throw new Error(`transpose2d: expected a 2-D tensor, got shape [${x.shape.join(', ')}]`);
  if (tf.getBackend() !== 'wasm') return tf.transpose(x);
  requirePatch('transpose-2d');
  return tf.engine().runKernel(TRANSPOSE_2D, { x }) as Tensor2D;
}
