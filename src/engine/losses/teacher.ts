/**
 * The teacher side of one batch as the losses and metrics see it: tensors over P flattened positions
 * (P = B·L for token tasks, P = B for classification). Built by the trainer from a DistillSet's TeacherOutput.
 */
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';

/** Teacher logits over the whole output space (V tokens or C classes): logits [P, V], at T = 1. */
export interface DenseTeacherBatch {
  kind: 'dense';
  logits: Tensor2D; // [P, V] float32
}

/**
 * Teacher truncated to its K most probable entries per position. `ids` must be distinct within a row.
 * `logsumexp` (log Σ_v exp(z_v) over the full vocabulary) makes the tail mass 1 − Σ_k p_k known; without it
 * the top-k is renormalised (see align.ts).
 */
export interface TopKTeacherBatch {
  kind: 'topk';
  ids: Tensor2D; // [P, K] int32, vocabulary ids
  logits: Tensor2D; // [P, K] float32, the teacher's logits z at those ids (T = 1)
  logsumexp?: Tensor1D; // [P] float32
}

export type TeacherBatch = DenseTeacherBatch | TopKTeacherBatch;
