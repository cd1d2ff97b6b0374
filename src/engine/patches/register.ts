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
