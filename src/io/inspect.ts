/**
 * inspectDistillSet: the summary `distill inspect FILE` prints as JSON (and the page shows after upload).
 * Key order is fixed; fields that do not apply are null, never absent.
 */
import type { DistillSet, Task } from './distill_set.ts';

export interface InspectSummary {
  task: Task;
  n: number;
  seq_len: number;
  vocab_size: number;
  /** C for classification; null for token tasks. */
  num_classes: number | null;
  teacher: 'dense' | 'topk';
  /** K for a top-k teacher; null for dense. */
  k: number | null;
  has_labels: boolean;
  has_hidden: boolean;
  hidden_size: number | null;
  has_logsumexp: boolean;
  /** Distinct language tags, sorted; null when the file has no `langs`. */
  langs: string[] | null;
  /** Every metadata key found in the file, sorted (known and unknown). */
  metadata_keys: string[];
}

export function inspectDistillSet(set: DistillSet): InspectSummary {
  const t = set.teacher;
  return {
    task: set.task,
    n: set.n,
    seq_len: set.seqLen,
    vocab_size: set.vocabSize,
    num_classes: set.task === 'classification' ? (set.numClasses ?? null) : null,
    teacher: t.kind,
    k: t.kind === 'topk' ? t.k : null,
    has_labels: set.labels !== undefined,
    has_hidden: set.teacherHidden !== undefined,
    hidden_size: set.teacherHidden?.size ?? null,
    has_logsumexp: t.kind === 'topk' && t.logsumexp !== undefined,
    langs: set.metadata.langs ? [...new Set(set.metadata.langs)].sort() : null,
    metadata_keys: Object.keys(set.rawMetadata).sort(),
  };
}
