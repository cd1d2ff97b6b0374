/** Registration of this folder's wasm kernels. */
import * as tf from '@tensorflow/tfjs';

/**
 * Registers `kernelFunc` as `kernelName` on the wasm backend unless a kernel of that name is there already
 * (idempotent; harmless when a later tfjs ships its own).
 */
export function registerWasmKernelOnce(kernelName: string, kernelFunc: (args: never) => tf.TensorInfo): void {
  if (tf.getKernel(kernelName, 'wasm')) return;
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
}

const originals = new Map<string, tf.KernelFunc>();

/**
 * Puts `ours` in place of tfjs's own wasm kernel `kernelName`, which still serves every case `ours` declines
 * (returns undefined) and stays reachable through upstreamKernel (idempotent; nothing when tfjs has none).
 */
export function overrideWasmKernel<A>(kernelName: string, ours: (args: A) => tf.TensorInfo | tf.TensorInfo[] | undefined): void {
  const original = tf.getKernel(kernelName, 'wasm');
  if (!original || originals.has(kernelName)) return;
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => ours(args as A) ?? original.kernelFunc(args),
  });
  originals.set(kernelName, original.kernelFunc);
}

/** tfjs's own wasm kernel that overrideWasmKernel replaced (the upstream tests time it). */
export function upstreamKernel(kernelName: string): tf.KernelFunc | undefined {
  return originals.get(kernelName);
}
