/**
 * The whole page ↔ training-worker protocol: requests the page sends, events the worker posts back.
 * Discriminated unions on `type`; payloads are plain numbers, strings and typed arrays (never tensors), so
 * both sides narrow by `type` and nothing is cast.
 *
 * Every request carries an `id`; the event that answers it repeats the id (`RESPONSE_TYPE` says which event
 * answers which request). The session's own events (engine/training/session.ts SessionEvent: steps, eval,
 * status, done, progress, …) carry no id.
 */
import type { DistillConfig } from '../engine/config/config.ts';
import type { HandoffRecipe } from '../engine/handoff/recipe.ts';
import type { EvalRecord, ExamplePrediction, LogitsPrediction, NamedArray, TrainerCheckpoint } from '../engine/trainer_types.ts';
import type {
  Capabilities,
  Configured,
  ConfigureOptions,
  ConfusionData,
  ExampleView,
  HandoffRequest,
  LoadedSet,
  SessionEvent,
  StudentFiles,
} from '../engine/training/session.ts';

// The payloads are the training session's (engine/training/session.ts): the worker runs a local session and this
// protocol carries its calls, answers and events.

/**
 * Faults a debug worker can be asked to simulate (tests; the page's `?debug` flag):
 * - `lose-device`: destroys the webgpu backend's GPUDevice, so `device.lost` fires as on a driver reset;
 * - `crash`: throws an uncaught error in the worker (the page sees the Worker's 'error' event);
 * - `hang`: blocks the worker's event loop for good (only the page's watchdog can tell);
 * - `non-finite`: writes a NaN into one student weight, so the next steps' loss is NaN.
 */
export type DebugFault = 'lose-device' | 'crash' | 'hang' | 'non-finite';

// ---------------------------------------------------------------------------------------------------------
// Requests (page → worker)
// ---------------------------------------------------------------------------------------------------------

export type WorkerRequest =
  | { type: 'probe'; id: number }
  /** Parse a file in the worker; Blob is cloned cheaply, an ArrayBuffer is transferred. */
  | { type: 'load'; id: number; file: Blob | ArrayBuffer; name: string }
  /** Build a trainer for the loaded set (selects the backend; disposes any previous trainer). */
  | { type: 'configure'; id: number; config: DistillConfig; options?: ConfigureOptions }
  | { type: 'start'; id: number }
  | { type: 'pause'; id: number }
  | { type: 'resume'; id: number }
  | { type: 'stop'; id: number }
  | { type: 'evaluate'; id: number; indices?: number[] }
  | { type: 'predict'; id: number; indices: number[]; topk: number }
  | { type: 'logits'; id: number; indices: number[]; topk?: number }
  | { type: 'example'; id: number; index: number; topk: number }
  | { type: 'confusion'; id: number; maxExamples: number }
  | { type: 'latency'; id: number }
  | { type: 'export'; id: number }
  | { type: 'load-student'; id: number; tensors: NamedArray[] }
  /** recipe.json of a PyTorch handoff of the configured trainer (with its parity batches). */
  | { type: 'handoff'; id: number; request: HandoffRequest }
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
  | SessionEvent
  | { type: 'probed'; id: number; capabilities: Capabilities }
  | ({ type: 'loaded'; id: number } & LoadedSet)
  | ({ type: 'configured'; id: number } & Configured)
  /** Acknowledges start / pause / resume / stop once the trainer took it. */
  | { type: 'ack'; id: number; request: 'start' | 'pause' | 'resume' | 'stop' }
  | { type: 'evaluated'; id: number; record: EvalRecord }
  | { type: 'predicted'; id: number; predictions: ExamplePrediction[] }
  | { type: 'logits'; id: number; prediction: LogitsPrediction }
  | { type: 'example'; id: number; example: ExampleView }
  | { type: 'confusion'; id: number; confusion: ConfusionData }
  | { type: 'latency'; id: number; latency: { ms_per_example: number } }
  | { type: 'exported'; id: number; files: StudentFiles }
  | { type: 'student-loaded'; id: number }
  | { type: 'handoff-recipe'; id: number; recipe: HandoffRecipe }
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
  logits: 'logits',
  example: 'example',
  confusion: 'confusion',
  latency: 'latency',
  export: 'exported',
  'load-student': 'student-loaded',
  handoff: 'handoff-recipe',
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
  // every file's buffer (model.safetensors is one of them; the AdamW state is the largest): moved, not copied
  if (event.type === 'exported') for (const f of event.files.files) add(f.bytes);
  if (event.type === 'logits') {
    add(event.prediction.logits);
    if (event.prediction.kind === 'topk') {
      add(event.prediction.ids);
      add(event.prediction.logsumexp);
    }
  }
  return out;
}
