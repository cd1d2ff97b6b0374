/**
 * The one training surface the CLI and the page both drive: a TrainingSession holds one distillation set and
 * at most one trainer, and streams what the run does as SessionEvents. Two implementations:
 * - in-thread, createLocalSession (local_session.ts): the CLI, tests, and the page when no worker can start;
 * - worker-backed, the page's training client (src/worker/client.ts), which sends each call as a protocol.ts
 *   request to a worker that runs a local session.
 * Payloads are plain numbers, strings and typed arrays, so they cross the worker boundary unchanged.
 */
import type { BackendChoice } from '../backend.ts';
import type { DistillConfig } from '../config/config.ts';
import type {
  EvalRecord,
  ExamplePrediction,
  LogitsPrediction,
  NamedArray,
  StepRecord,
  TrainerCheckpoint,
  TrainerStatus,
} from '../trainer_types.ts';
import type { HandoffRecipe } from '../handoff/recipe.ts';
import type { ArchitectureName } from '../model/architectures/types.ts';
import type { Task } from '../types.ts';
import type { TrimDecision } from '../data/trim_vocab.ts';

/** The report.json `data` block: the file and its inspect summary (io's inspectDistillSet) + teacher facts. */
export interface DatasetSummary {
  file: string;
  task: Task;
  n: number;
  seq_len: number;
  vocab_size: number;
  num_classes: number | null;
  teacher: 'dense' | 'topk';
  k: number | null;
  has_labels: boolean;
  has_hidden: boolean;
  hidden_size: number | null;
  has_logsumexp: boolean;
  langs: string[] | null;
  /** Every metadata key found in the file, sorted (absent in reports written before it was added). */
  metadata_keys?: string[];
  teacher_name: string | null;
  teacher_params: number | null;
}

/** What the data card shows about a loaded distillation set (io/summary.ts computes it, once, on load). */
export interface SetSummary {
  fileName: string;
  fileBytes: number;
  task: Task;
  /** Number of examples N. */
  examples: number;
  /** Positions per example L. */
  seqLen: number;
  vocabSize: number;
  numClasses?: number;
  teacherKind: 'dense' | 'topk';
  /** k of a top-k teacher. */
  topk?: number;
  /** The top-k teacher ships log Σ exp over the full vocabulary (exact probabilities of the kept ids). */
  hasLogsumexp: boolean;
  hasLabels: boolean;
  /** Positions with a label (token tasks) or labelled examples (classification). */
  labelledPositions: number;
  /** Non-pad positions over all examples. */
  realTokens: number;
  /** Teacher hidden size H when hidden states ship (enables the cosine loss). */
  hiddenSize?: number;
  teacherName?: string;
  teacherParams?: number;
  teacherMsPerExample?: number;
  /** Examples per language tag, when the set has `langs`. */
  langs?: Record<string, number>;
  /** Examples tagged "eval" by the exporter, when the set has a fixed split. */
  evalExamples?: number;
  /**
   * Ids a trimmed student would keep (data/trim_vocab.ts keptIds: inputs ∪ labels ∪ teacher top-k ∪ specials ∪ the
   * tokenizer's required ids); set by the training session on load, absent for a classifier. The page's step
   * check decides trim_vocab from it before the run, as the session does at configure.
   */
  usedVocabulary?: number;
  formatVersion: string;
  /** The same set as report.json's `data` block. */
  dataset: DatasetSummary;
}

/** A set the session has loaded: its summary and the strings the page shows tokens and classes with. */
export interface LoadedSet {
  summary: SetSummary;
  vocab?: string[];
  labelNames?: string[];
}

/** What a session can run on, probed once (before any backend is initialised). */
export interface Capabilities {
  webgpu: boolean;
  /** GPU adapter description (vendor / architecture / device / description). */
  adapter?: string;
  webgpuReason?: string;
  webgl: boolean;
  wasm: boolean;
  /** SharedArrayBuffer available (COOP/COEP). */
  crossOriginIsolated: boolean;
  /** Threads the wasm backend is set up with: > 1 needs cross-origin isolation and the worker's consent. */
  wasmThreads: number;
  hardwareConcurrency: number;
}

/** The trainer a configure call built. */
export interface Configured {
  paramCount: number;
  config: DistillConfig;
  backend: BackendChoice;
  /** The vocabulary decision, when the session decided trim_vocab (the page's sessions; its reason has the numbers). */
  vocabulary?: TrimDecision;
}

export interface HandoffRequest {
  /** The run's name (recipe.json, the README). */
  name: string;
  parityBatches?: number;
  /** Steps the student has taken, when the trainer was configured from a stored directory. */
  stepsDone?: number;
}

export interface ConfigureOptions {
  /** Examples to evaluate on instead of the held-out split (`distill eval --split all`). */
  evalIndices?: number[];
  /** The student's family when it is not the config's (a 0.1 run directory: legacy). */
  architecture?: ArchitectureName;
  /** Starting weights in model.safetensors layout, any subset (copied from the teacher: --init-from). */
  initialWeights?: NamedArray[];
  /** A backend already selected (the CLI calibrates before it configures); else the session selects one. */
  backend?: BackendChoice;
  /**
   * Start from a teacher's weights (model/teacher_init.ts): its Hugging Face directory's files (config.json +
   * model.safetensors, or the shard index and shards) and the config keys the person set (`n_layers`,
   * `max_len`, …: a width or head count other than the teacher's is refused). Only the needed tensors are read.
   */
  teacher?: { files: { name: string; blob: Blob }[]; explicit: string[] };
}

/** One example as the example browser needs it; teacher top-k computed in plain JS from the set's arrays. */
export interface ExampleView {
  index: number;
  /** int32 [L]. */
  inputIds: Int32Array;
  /** uint8 [L]. */
  attentionMask: Uint8Array;
  /** int32 [L] for token tasks, [1] for classification; absent without labels. */
  labels?: Int32Array;
  lang?: string;
  split?: string;
  /** int32 [P, k] ids and float32 [P, k] probabilities (T = 1); P = L, or 1 for classification. */
  teacherTopIds: Int32Array;
  teacherTopProbs: Float32Array;
  k: number;
  positions: number;
  /** The student's top-k at the same positions, when a trainer exists. */
  student?: ExamplePrediction;
}

/** Teacher-vs-student argmax counts over examples (classification). */
export interface ConfusionData {
  numClasses: number;
  /** int32 [C, C]: row = teacher class, column = student class. */
  counts: Int32Array;
  examples: number;
  /** Which examples were counted, in words (e.g. "held-out split (40 examples)"). */
  scope: string;
}

/** The trained student as files, bytes ready to save (io/student_files.ts writes them). */
export interface StudentFiles {
  /** Every file of the Hugging Face model directory (io/student_files.ts): config.json, model.safetensors, … */
  files: { name: string; bytes: Uint8Array }[];
  /** model.safetensors: the family's torch names and layout. */
  safetensors: Uint8Array;
  /** config.json text: the family's transformers config + `distill` (the resolved DistillConfig) + the backend. */
  configJson: string;
  paramCount: number;
}

/** Why a run failed: a NaN/Inf loss or gradient (numbers), or anything else the backend threw (runtime). */
export type RunFailure = 'non_finite' | 'runtime';

/** What a session streams as its run goes (no request answers: those are the methods' results). */
export type SessionEvent =
  /** Bytes of the file read so far (at most ~20 a second). */
  | { type: 'progress'; bytesRead: number; totalBytes: number }
  /** The backend a configure call selected, before the trainer is built. */
  | { type: 'backend'; choice: BackendChoice }
  | { type: 'status'; status: TrainerStatus; step: number }
  /** A batch of step records (report_every steps), in order. */
  | { type: 'steps'; records: StepRecord[] }
  | { type: 'eval'; record: EvalRecord }
  | { type: 'done'; reason: 'completed' | 'stopped' | 'error'; step: number; error?: string; failure?: RunFailure }
  /**
   * A resumable snapshot of the running trainer (weights, AdamW moments, step, seeded stream positions), taken
   * between report windows every checkpoint_every steps / checkpoint_seconds, and when the run is paused.
   * Never holds a non-finite value. Its tensors are Blobs: posted to the page as handles (nothing to transfer,
   * no copy on either side), stored in IndexedDB as they are.
   */
  | { type: 'checkpoint'; checkpoint: TrainerCheckpoint }
  /** The GPU device behind the webgpu backend was lost: this session's tfjs state is unusable. */
  | { type: 'device-lost'; message: string; step: number }
  /**
   * The worker behind a worker-backed session crashed (its 'error' event) — never sent by a local session.
   * Pending calls have been rejected.
   */
  | { type: 'crashed'; message: string };

export type SessionListener = (event: SessionEvent) => void;

export interface TrainingSession {
  probe(): Promise<Capabilities>;
  /**
   * Reads a distillation set (an ArrayBuffer is transferred to a worker). Once it is read it replaces the
   * loaded set and any trainer; a file that fails to read leaves both as they were.
   */
  load(file: Blob | ArrayBuffer, name: string): Promise<LoadedSet>;
  /** Builds a trainer for the loaded set (selects the backend; disposes any previous trainer). */
  configure(config: DistillConfig, options?: ConfigureOptions): Promise<Configured>;
  /** Runs the trainer (resolves once it took the request; the run reports through events, ending with 'done'). */
  start(): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
  /** Evaluates on the held-out split (or the configured evalIndices, or `indices`: a parity batch) now. */
  evaluate(indices?: number[]): Promise<EvalRecord>;
  /** The student's top-k at every position of these examples (T = 1). */
  predictExamples(indices: number[], topk: number): Promise<ExamplePrediction[]>;
  /** The student's raw logits for these examples: dense, or the top-k layout with the full logsumexp. */
  predictLogits(indices: number[], topk?: number): Promise<LogitsPrediction>;
  /** One example with the teacher's (and, with a trainer, the student's) top-k per position. */
  example(index: number, topk: number): Promise<ExampleView>;
  /** Teacher-vs-student classes over the held-out split (classification). */
  confusion(maxExamples: number): Promise<ConfusionData>;
  /** Student forward latency: median ms per example at the run's batch size. */
  measureLatency(): Promise<{ ms_per_example: number }>;
  exportStudent(): Promise<StudentFiles>;
  /**
   * recipe.json of a PyTorch handoff for the configured trainer (engine/handoff): the resolved recipe and the
   * engine's loss components on the first training batches, dropout off (train.py --check-parity).
   */
  handoffRecipe(options: HandoffRequest): Promise<HandoffRecipe>;
  /** Replaces the student's weights with exported ones (`distill eval` / `predict` of a trained student). */
  loadStudent(tensors: NamedArray[]): Promise<void>;
  /** Restores a checkpoint into the configured trainer; resolves with the step it continues from. */
  restore(checkpoint: TrainerCheckpoint): Promise<number>;
  subscribe(listener: SessionListener): () => void;
  dispose(): void;
}
