/**
 * Which gradient tape tfjs is recording now, read from the engine's private state (tfjs-core 4.x:
 * `engine().state.activeTape`, recorded while `gradientDepth > 0` and outside a kernel). ops/log_softmax.ts
 * keys its cache of log Σ exp results on it, so that a result computed for one tape is never reused by another
 * (it would lose its gradient). Upstream offers no public way to ask.
 */
import * as tf from '@tensorflow/tfjs';

interface EngineState {
  activeTape: unknown;
  gradientDepth: number;
  kernelDepth: number;
}

/** The gradient tape being recorded now, or null (tfjs records when gradientDepth > 0, outside kernels). */
export function recordingTape(): unknown {
  const state = tf.engine().state as unknown as EngineState;
  return state.gradientDepth > 0 && state.kernelDepth === 0 ? state.activeTape : null;
}
