/**
 * Variadic ops (stack / concat / addN) in groups of at most MAX_INPUTS tensors.
 *
 * Why: tfjs-backend-webgpu 4.22 binds every input as a storage buffer and requests the device with the
 * default limit of 8 storage buffers per shader stage, but sizes its own splitting by the adapter's (larger)
 * limit; with 8 or more inputs the shader fails validation and the op silently returns zeros (seen on Dawn +
 * SwiftShader, where the adapter allows 12). Grouping by 6 keeps every shader within the default limit.
 */
import * as tf from '@tensorflow/tfjs';

export const MAX_INPUTS = 6;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** tf.concat along `axis`, grouped. */
export function concatChunked<T extends tf.Tensor>(tensors: readonly T[], axis = 0): T {
  if (tensors.length === 0) throw new Error('concatChunked needs at least one tensor');
  if (tensors.length === 1) return tensors[0].clone() as T;
  if (tensors.length <= MAX_INPUTS) return tf.concat(tensors as T[], axis) as T;
  return tf.tidy(() => concatChunked(chunks(tensors, MAX_INPUTS).map((group) => concatChunked(group, axis)), axis)) as T;
}

/** tf.stack along a new axis 0, grouped. */
export function stackChunked(tensors: readonly tf.Tensor[]): tf.Tensor {
  return tf.tidy(() => concatChunked(tensors.map((t) => t.expandDims(0)), 0));
}

/** tf.addN, grouped: Σ tensors. */
export function addNChunked<T extends tf.Tensor>(tensors: readonly T[]): T {
  if (tensors.length === 0) throw new Error('addNChunked needs at least one tensor');
  if (tensors.length === 1) return tensors[0].clone() as T;
  if (tensors.length <= MAX_INPUTS) return tf.addN(tensors as T[]) as T;
  return tf.tidy(() => addNChunked(chunks(tensors, MAX_INPUTS).map((group) => addNChunked(group)))) as T;
}
