/**
 * tf.tensorScatterUpdate(x, indices, updates) that never writes into x.
 *
 * Why: tfjs-backend-cpu 4.22's TensorScatterUpdate scatters into the input tensor's own values array
 * (bufferSync shares it, and scatterImpl uses that buffer as its output), so x changes too — a tensor that other
 * ops still read (the chunked head gathers from the same logits it masks). wasm and webgpu write a new buffer.
 * On cpu the input is copied first (x + 0 allocates); elsewhere the kernel runs as it is.
 * The test beside this file says whether upstream still mutates.
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs';

export function scatterUpdate<T extends Tensor>(x: T, indices: Tensor2D, updates: Tensor): T {
  const target = tf.getBackend() === 'cpu' ? (tf.add(x, tf.scalar(0, x.dtype)) as T) : x;
  return tf.tensorScatterUpdate(target, indices, updates) as T;
}
