import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { upstreamIdentity } from './wasm_shared_identity.ts';

// The engine suite runs on each backend; this kernel exists on wasm only.
describe.runIf(tf.getBackend() === 'wasm')('wasm shared Identity', () => {
  it('a clone shares its buffer, outlives the original and is freed with the last reference', async () => {
    const backend = tf.backend() as BackendWasm;
    const before = tf.memory();
    const idsBefore = backend.numDataIds();
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const y = x.clone();
    expect(backend.getMemoryOffset(y.dataId)).toBe(backend.getMemoryOffset(x.dataId));
    expect(tf.memory().numDataBuffers - before.numDataBuffers).toBe(1); // one buffer, two tensors
    expect(backend.numDataIds() - idsBefore).toBe(1);
    x.dispose();
    expect(Array.from(await y.data())).toEqual([1, 2, 3, 4, 5, 6]);
    y.dispose();
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
    expect(backend.numDataIds()).toBe(idsBefore);
  });

  it('gradients that save their inputs still see the values they saved', () => {
    const x = tf.tensor1d([0.5, -1, 2]);
    const g = tf.grad((t: tf.Tensor) => t.square().exp().sum())(x); // saves x and exp(x²)
    const expected = [0.5, -1, 2].map((v) => 2 * v * Math.exp(v * v));
    const got = Array.from(g.dataSync());
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
    tf.dispose([x, g]);
  });

  it('upstream: tfjs-backend-wasm\'s own Identity still copies the buffer (it shares: drop this patch)', () => {
    const backend = tf.backend() as BackendWasm;
    const identity = upstreamIdentity();
    expect(identity).toBeDefined();
    const x = tf.tensor1d([1, 2, 3]);
    const out = identity?.({ inputs: { x }, backend, attrs: {} }) as tf.TensorInfo;
    expect(backend.getMemoryOffset(out.dataId)).not.toBe(backend.getMemoryOffset(x.dataId));
    backend.disposeData(out.dataId);
    x.dispose();
  });
});
