/**
 * Identity for the wasm backend that shares the input's buffer (one more reference) instead of copying it.
 *
 * Why: tfjs clones every tensor a gradient saves for the backward pass (Engine.saveTensorsForBackwardMode →
 * clone → Identity), and tfjs-backend-wasm's Identity copies the data: 468 copies a training step at the
 * headline benchmark cell, ≈ 50 ms of a ≈ 1 s step, four of them [2048, 8192] logits-sized. Tensor data are
 * immutable in tfjs (no kernel writes its inputs; Variable.assign swaps in a new buffer), so sharing is what
 * tfjs-backend-cpu's Identity and the wasm backend's own Reshape already do; the buffer is freed when its
 * last reference is disposed (BackendWasm.disposeData counts references).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

function sharedIdentity(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend }): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as { x: tf.TensorInfo };
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

let registered = false;
/** tfjs-backend-wasm's own Identity, kept for string tensors and for the upstream test. */
let upstream: tf.KernelFunc | undefined;

/** tfjs-backend-wasm's own Identity kernel (the one this patch replaced), if it had one. */
export function upstreamIdentity(): tf.KernelFunc | undefined {
  return registered ? upstream : tf.getKernel('Identity', 'wasm')?.kernelFunc;
}

/** Replaces tfjs-backend-wasm's copying Identity (idempotent). String tensors keep the original kernel. */
export function registerWasmSharedIdentity(): void {
  if (registered) return;
  const original = tf.getKernel('Identity', 'wasm');
  const copy = original?.kernelFunc;
  upstream = copy;
  if (original) tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: ((args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }) =>
      (args.inputs.x as tf.TensorInfo).dtype === 'string' && copy ? copy(args) : sharedIdentity(args)) as tf.KernelFunc,
  });
  registered = true;
}
