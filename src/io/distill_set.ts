/**
 * The in-memory DistillSet the readers produce. It is defined once, in src/engine/types.ts (the engine
 * consumes it); io re-exports the types here so the rest of src/io imports from one place.
 * Type-only: erased at compile time, so io keeps no runtime dependency on the engine layer.
 */
export type { DenseTeacher, DistillMetadata, DistillSet, Task, TeacherOutput, TopKTeacher } from '../engine/types.ts';

/** Label value meaning "no label at this position" (PyTorch's ignore_index); equals engine's IGNORE_INDEX. */
export const IGNORE_INDEX = -100;

export const TASKS = ['mlm', 'clm', 'classification'] as const;

/**
 * The tensors the contract reads, and the type each is decoded to (int32 ids, 0/1 byte masks, float32 floats).
 * Every other tensor in a file is ignored: readDistillSet neither reads nor inflates it.
 */
export const CONTRACT_DTYPES = Object.freeze({
  input_ids: 'i32',
  attention_mask: 'u8',
  labels: 'i32',
  teacher_logits: 'f32',
  teacher_topk_ids: 'i32',
  teacher_topk_logits: 'f32',
  teacher_logsumexp: 'f32',
  teacher_hidden: 'f32',
} as const);

export const CONTRACT_TENSORS: readonly string[] = Object.freeze(Object.keys(CONTRACT_DTYPES));
