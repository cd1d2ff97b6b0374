/**
 * The in-memory DistillSet the readers produce. It is defined once, in src/engine/types.ts (the engine
 * consumes it); io re-exports the types here so the rest of src/io imports from one place.
 * Type-only: erased at compile time, so io keeps no runtime dependency on the engine layer.
 */
export type { DenseTeacher, DistillMetadata, DistillSet, Task, TeacherOutput, TopKTeacher } from '../engine/types.ts';

/** Label value meaning "no label at this position" (PyTorch's ignore_index); equals engine's IGNORE_INDEX. */
export const IGNORE_INDEX = -100;

export const TASKS = ['mlm', 'clm', 'classification'] as const;
