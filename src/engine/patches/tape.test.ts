import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { recordingTape } from './tape.ts';

describe('recordingTape (tfjs-core private state)', () => {
  it('is null outside a gradient and a distinct tape inside each one', () => {
    expect(recordingTape()).toBeNull();
    const seen: unknown[] = [];
    const f = (x: tf.Tensor) => {
      seen.push(recordingTape());
      return x.square().sum();
    };
    const x = tf.tensor1d([1, 2]);
    tf.dispose([tf.grad(f)(x), tf.grad(f)(x)]);
    x.dispose();
    // When these fail, tfjs renamed engine().state.activeTape / gradientDepth / kernelDepth: fix tape.ts.
    expect(Array.isArray(seen[0])).toBe(true);
    expect(seen[1]).not.toBe(seen[0]);
    expect(recordingTape()).toBeNull();
  });
});
