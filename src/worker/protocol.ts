/**
 * The whole page ↔ training-worker protocol: requests the page sends, events the worker posts back.
 * Discriminated unions on `type`; payloads are plain numbers, strings and typed arrays (never tensors), so
 * both sides narrow by `type` and nothing is cast.
 *
 * Every request carries an `id`; the event that answers it repeats the id (`RESPONSE_TYPE` says which event
 * answers which request). Streaming events (`steps`, `eval`, `status`, `done`) carry no id.
 */
import type { DistillConfig } from '../engine/config/config.ts';
import type { BackendChoice } from '../engine/backend.ts';
import type { Task } from '../engine/types.ts';
import type { EvalRecord, ExamplePrediction, StepRecord, TrainerCheckpoint, TrainerStatus } from '../engine/trainer_types.ts';

// ---------------------------------------------------------------------------------------------------------
// Plain payloads
// ---------------------------------------------------------------------------------------------------------

/** What the data card shows about a loaded distillation set. */
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
  formatVersion: string;
}

/** What the worker can run on, probed once at start-up (before any backend is initialised). */
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

/** The student exported in three layouts, each as bytes ready to save. */
export interface ExportFiles {
  /** student.safetensors (HF-style names, metadata holds the config). */
  safetensors: Uint8Array;
  /** config.json text. */
  configJson: string;
  /** tfjs weights-manifest model.json text and its weights.bin (see export_tfjs.ts). */
  tfjsModelJson: string;
  tfjsWeights: Uint8Array;
  paramCount: number;
}

/**
 * Faults a debug worker can be asked to simulate (tests; the page's `?debug` flag):
 * - `lose-device`: destroys the webgpu backend's GPUDevice, so `device.lost` fires as on a driver reset;
 * - `crash`: throws an uncaught error in the worker (the page sees the Worker's 'error' event);
 * - `hang`: blocks the worker's event loop for good (only the page's watchdog can tell);
 * - `non-finite`: writes a NaN into one student weight, so the next steps' loss is NaN.
 */
export type DebugFault = 'lose-device' | 'crash' | 'hang' | 'non-finite';

/** Why a run failed: a NaN/Inf loss or gradient (numbers), or anything else the backend threw (runtime). */
export type RunFailure = 'non_finite' | 'runtime';

// ---------------------------------------------------------------------------------------------------------
// Requests (page → worker)
// ---------------------------------------------------------------------------------------------------------

export type WorkerRequest =
  | { type: 'probe'; id: number }
  /** Parse a file in the worker; Blob is cloned cheaply, an ArrayBuffer is transferred. */
  | { type: 'load'; id: number; file: Blob | ArrayBuffer; name: string }
  /** Build a trainer for the loaded set (selects the backend; disposes any previous trainer). */
  | { type: 'configure'; id: number; config: DistillConfig }
  | { type: 'start'; id: number }
  | { type: 'pause'; id: number }
  | { type: 'resume'; id: number }
  | { type: 'stop'; id: number }
  | { type: 'evaluate'; id: number }
  | { type: 'predict'; id: number; indices: number[]; topk: number }
  | { type: 'example'; id: number; index: number; topk: number }
  | { type: 'confusion'; id: number; maxExamples: number }
  | { type: 'latency'; id: number }
  | { type: 'export'; id: number }
  /** Puts a checkpoint of this run (same config and data) into the configured trainer; training continues from it. */
  | { type: 'restore'; id: number; checkpoint: TrainerCheckpoint }
  /** Liveness: answered with 'pong' as soon as the worker's event loop is free (the page's watchdog). */
  | { type: 'ping'; id: number }
  /** Simulates a fault; refused unless the worker was started in debug mode. */
  | { type: 'debug'; id: number; fault: DebugFault };

export type RequestType = WorkerRequest['type'];

/** A request without its id (the client assigns ids). Distributes over the union. */
export type RequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

// ---------------------------------------------------------------------------------------------------------
// Events (worker → page)
// ---------------------------------------------------------------------------------------------------------

export type WorkerEvent =
  | { type: 'probed'; id: number; capabilities: Capabilities }
  | { type: 'progress'; id: number; bytesRead: number; totalBytes: number }
  | { type: 'loaded'; id: number; summary: SetSummary; vocab?: string[]; labelNames?: string[] }
  | { type: 'backend'; id: number; choice: BackendChoice }
  | { type: 'configured'; id: number; paramCount: number; config: DistillConfig; backend: BackendChoice }
  /** Acknowledges start / pause / resume / stop once the trainer took it. */
  | { type: 'ack'; id: number; request: 'start' | 'pause' | 'resume' | 'stop' }
  | { type: 'status'; status: TrainerStatus; step: number }
  /** A batch of step records (report_every steps), in order. */
  | { type: 'steps'; records: StepRecord[] }
  | { type: 'eval'; record: EvalRecord }
  | { type: 'done'; reason: 'completed' | 'stopped' | 'error'; step: number; error?: string; failure?: RunFailure }
  /**
   * A resumable snapshot of the running trainer (weights, AdamW moments, step, seeded stream positions), taken
   * between report windows every checkpoint_every steps / checkpoint_seconds, and when the run is paused.
   * Never holds a non-finite value.
   */
  | { type: 'checkpoint'; checkpoint: TrainerCheckpoint }
  /** The GPU device behind the webgpu backend was lost: this worker's tfjs state is unusable. */
  | { type: 'device-lost'; message: string; step: number }
  /**
   * Never posted by the worker: the client emits it when the Worker fires 'error' (an uncaught error, a
   * crash) or stops answering pings. Pending requests have been rejected.
   */
  | { type: 'crashed'; message: string }
  | { type: 'evaluated'; id: number; record: EvalRecord }
  | { type: 'predicted'; id: number; predictions: ExamplePrediction[] }
  | { type: 'example'; id: number; example: ExampleView }
  | { type: 'confusion'; id: number; confusion: ConfusionData }
  | { type: 'latency'; id: number; msPerExample: number }
  | { type: 'exported'; id: number; files: ExportFiles }
  | { type: 'restored'; id: number; step: number }
  | { type: 'pong'; id: number }
  | { type: 'debugged'; id: number; fault: DebugFault }
  /** A request failed (`id` set) or something failed outside a request. */
  | { type: 'error'; id?: number; request?: RequestType; message: string };

export type EventType = WorkerEvent['type'];
export type EventOf<T extends EventType> = Extract<WorkerEvent, { type: T }>;

/** Which event answers which request. */
export const RESPONSE_TYPE = {
  probe: 'probed',
  load: 'loaded',
  configure: 'configured',
  start: 'ack',
  pause: 'ack',
  resume: 'ack',
  stop: 'ack',
  evaluate: 'evaluated',
  predict: 'predicted',
  example: 'example',
  confusion: 'confusion',
  latency: 'latency',
  export: 'exported',
  restore: 'restored',
  ping: 'pong',
  debug: 'debugged',
} as const satisfies Record<RequestType, EventType>;

/** Type guard narrowing an event by its type (keeps the client free of casts). */
export function isEvent<T extends EventType>(event: WorkerEvent, type: T): event is EventOf<T> {
  return event.type === type;
}

/** The buffers of an event worth transferring instead of copying. */
export function transferablesOf(event: WorkerEvent): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  const add = (a: ArrayBufferView | undefined) => {
    if (a && a.buffer instanceof ArrayBuffer && !out.includes(a.buffer)) out.push(a.buffer);
  };
  if (event.type === 'exported') {
    add(event.files.safetensors);
    add(event.files.tfjsWeights);
  }
  return out;
}
