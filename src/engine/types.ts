/**
 * The in-memory distillation set: what every reader (src/io) produces and what the engine consumes.
 * Plain typed arrays only (no tensors), so it can cross a worker boundary and be built without tfjs.
 *
 * Shapes use N examples, L positions, V vocabulary, K top-k, C classes, H teacher hidden size.
 * The on-disk contract is docs/format.md; this is its decoded, validated form.
 */

export type Task = 'mlm' | 'clm' | 'classification';

/** Teacher output with the full distribution: logits [N, L, V] for token tasks or [N, C] for classification. */
export interface DenseTeacher {
  kind: 'dense';
  /** float32, row-major [N, L, width] (token tasks) or [N, width] (classification). */
  logits: Float32Array;
  /** V for token tasks, C for classification. */
  width: number;
  /**
   * A trimmed set's (data/trim_vocab.ts): the last column is log Σ exp over the teacher ids the student dropped,
   * one outcome for the divergences; label loyalty's argmax leaves it out on both sides (it is not a token).
   */
  droppedColumn?: boolean;
}

/** Teacher output truncated to its k most probable entries per position (token tasks only). */
export interface TopKTeacher {
  kind: 'topk';
  k: number;
  /** int32 [N, L, K]: vocabulary ids of the top-k entries. */
  ids: Int32Array;
  /** float32 [N, L, K]: the teacher's logits at those ids (T = 1). */
  logits: Float32Array;
  /** float32 [N, L]: log Σ_v exp(logit_v) over the full vocabulary, when the exporter provided it. */
  logsumexp?: Float32Array;
}

export type TeacherOutput = DenseTeacher | TopKTeacher;

/** Parsed metadata; every field optional on disk, filled with documented defaults by the reader. */
export interface DistillMetadata {
  task: Task;
  vocabSize: number;
  padId: number;
  maskId?: number;
  bosId?: number;
  eosId?: number;
  /** The teacher's fast-tokenizer files as JSON text (tokenizer.json, tokenizer_config.json), when exported. */
  tokenizerJson?: string;
  tokenizerConfig?: string;
  /** Token strings by id, when the file ships a vocabulary. */
  vocab?: string[];
  labelNames?: string[];
  teacherName?: string;
  teacherParams?: number;
  teacherMsPerExample?: number;
  /** One language tag per example. */
  langs?: string[];
  /** One split tag per example ("train" | "eval"), when the exporter fixed a held-out part. */
  split?: string[];
  formatVersion: string;
}

export interface DistillSet {
  task: Task;
  /** Number of examples N. */
  n: number;
  /** Positions per example L. */
  seqLen: number;
  /** Input vocabulary size V (ids in input_ids are < V). */
  vocabSize: number;
  /** Number of classes C (classification only). */
  numClasses?: number;
  /** int32 [N, L]. */
  inputIds: Int32Array;
  /** uint8 [N, L]: 1 = real token, 0 = padding. */
  attentionMask: Uint8Array;
  /**
   * int32 labels aligned with the teacher logits: [N, L] for token tasks (-100 = no label) or [N] for
   * classification. For clm, labels[n, t] is the token that position t predicts (input_ids[n, t+1]).
   */
  labels?: Int32Array;
  teacher: TeacherOutput;
  /** float32 [N, L, H] teacher last hidden states, for the cosine loss. */
  teacherHidden?: { data: Float32Array; size: number };
  metadata: DistillMetadata;
  /** The metadata string map exactly as found in the file. */
  rawMetadata: Record<string, string>;
}

/** Label value meaning "no label at this position" (PyTorch's ignore_index). */
export const IGNORE_INDEX = -100;
