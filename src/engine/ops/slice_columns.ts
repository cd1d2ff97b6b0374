/**
 * Columns [start, start + size) of a 2-D tensor, optionally with one more column of `fill` appended: through the
 * row-copy wasm kernel (patches/wasm_slice_columns.ts) on wasm, tf.slice (+ tf.concat) elsewhere. For the chunked
 * ops' forward code and gradient code (inside customGrad): the wasm kernel has no gradient.
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor2D } from '@tensorflow/tfjs';
import { requirePatch } from '../patches/index.ts';
import { SLICE_COLUMNS } from '../patches/wasm_slice_columns.ts';

export function sliceColumns(x /* [R, N] */: Tensor2D, start: number, size: number, fill?: number): Tensor2D /* [R, size (+ 1)] */ {
  if (x.rank !== 2) throw new Error(`sliceColumns: expected a 2-D tensor, got shape [${x.shape.join(', ')}]`);
  const rows = x.shape[0];
  if (tf.getBackend() !== 'wasm') {
    const part = start === 0 && size === x.shape[1] ? x : tf.slice(x, [0, start], [rows, size]);
    return fill === undefined ? part : tf.concat2d([part, tf.fill([rows, 1], fill, x.dtype)], 1);
  }
  requirePatch('slice-columns');
  return tf.engine().runKernel(SLICE_COLUMNS, { x }, { start, size, ...(fill === undefined ? {} : { fill }) } as unknown as tf.NamedAttrMap) as Tensor2D;
}
