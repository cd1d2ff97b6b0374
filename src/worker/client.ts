/**
 * The page's typed handle on the training worker: one method per request, each resolving with the event that
 * answers it (or rejecting with the worker's error message). Streaming events (steps, eval, status, done,
 * progress, backend, checkpoint, device-lost) go to `subscribe` listeners; the page binds them to the store in
 * one place.
 *
 * A worker that fails (the Worker's 'error' event) rejects every pending request and reaches listeners as a
 * `crashed` event. `restart()` replaces the worker with a fresh one (listeners stay subscribed; events of the
 * old one are ignored from then on), so the page survives a crash or a lost GPU device.
 */
import type { DistillConfig } from '../engine/config/config.ts';
import type { EvalRecord, ExamplePrediction, TrainerCheckpoint } from '../engine/trainer_types.ts';
import {
  RESPONSE_TYPE,
  isEvent,
  type Capabilities,
  type ConfusionData,
  type DebugFault,
  type EventOf,
  type EventType,
  type ExampleView,
  type ExportFiles,
  type RequestBody,
  type WorkerEvent,
  type WorkerRequest,
} from './protocol.ts';

/** What the client reads of a Worker's 'error' event (an ErrorEvent in browsers). */
export interface WorkerErrorEvent {
  readonly message: string;
  preventDefault(): void;
}

/** The slice of the Worker interface the client uses (a real Worker, or an in-memory port in tests). */
export interface WorkerPort {
  postMessage(message: WorkerRequest, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<WorkerEvent>) => void): void;
  addEventListener(type: 'error', listener: (e: WorkerErrorEvent) => void): void;
  terminate?(): void;
}

export type Listener = (event: WorkerEvent) => void;

export interface TrainingClient {
  probe(): Promise<Capabilities>;
  /** Sends the file to the worker (an ArrayBuffer is transferred) and resolves with the parsed summary. */
  load(file: Blob | ArrayBuffer, name: string): Promise<EventOf<'loaded'>>;
  configure(config: DistillConfig): Promise<EventOf<'configured'>>;
  start(): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
  evaluate(): Promise<EvalRecord>;
  predict(indices: number[], topk: number): Promise<ExamplePrediction[]>;
  example(index: number, topk: number): Promise<ExampleView>;
  confusion(maxExamples: number): Promise<ConfusionData>;
  measureLatency(): Promise<number>;
  exportStudent(): Promise<ExportFiles>;
  /** Restores a checkpoint into the configured trainer; resolves with the step it continues from. */
  restore(checkpoint: TrainerCheckpoint): Promise<number>;
  /** True when the worker answers within `timeoutMs` (its event loop is alive). */
  ping(timeoutMs: number): Promise<boolean>;
  /** Simulates a fault (a debug worker only). */
  debug(fault: DebugFault): Promise<void>;
  /** Terminates the worker and starts a fresh one: pending requests reject, listeners stay. */
  restart(): void;
  subscribe(listener: Listener): () => void;
  dispose(): void;
}

interface Pending {
  expect: EventType;
  resolve: (event: WorkerEvent) => void;
  reject: (error: Error) => void;
}

/**
 * `source`: the worker port, or a function that starts one (needed for `restart()`; a plain port cannot be
 * restarted).
 */
export function createTrainingClient(source: WorkerPort | (() => WorkerPort)): TrainingClient {
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const listeners = new Set<Listener>();
  const spawn = typeof source === 'function' ? source : null;
  let port: WorkerPort = typeof source === 'function' ? source() : source;

  const emit = (event: WorkerEvent) => {
    for (const listener of listeners) listener(event);
  };
  const rejectAll = (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };

  function attach(p: WorkerPort) {
    const current = () => p === port;
    p.addEventListener('message', (e: MessageEvent<WorkerEvent>) => {
      if (!current()) return; // a replaced worker's last words
      const event = e.data;
      emit(event);
      if (!('id' in event) || event.id === undefined) return;
      const waiting = pending.get(event.id);
      if (!waiting) return;
      if (event.type === 'error') {
        pending.delete(event.id);
        waiting.reject(new Error(event.message));
      } else if (event.type === waiting.expect) {
        pending.delete(event.id);
        waiting.resolve(event);
      }
    });
    p.addEventListener('error', (e: WorkerErrorEvent) => {
      if (!current()) return;
      e.preventDefault(); // handled here: not an uncaught page error
      const message = `the training worker crashed: ${e.message || 'unknown error'}`;
      rejectAll(new Error(message));
      emit({ type: 'crashed', message });
    });
  }
  attach(port);

  function call<T extends EventType>(body: RequestBody, expect: T, transfer?: Transferable[]): Promise<EventOf<T>> {
    const id = nextId++;
    return new Promise<EventOf<T>>((resolve, reject) => {
      pending.set(id, {
        expect,
        resolve: (event) => (isEvent(event, expect) ? resolve(event) : reject(new Error(`unexpected ${event.type}`))),
        reject,
      });
      port.postMessage({ ...body, id }, transfer);
    });
  }

  const control = (type: 'start' | 'pause' | 'resume' | 'stop') => call({ type }, RESPONSE_TYPE[type]).then(() => undefined);

  return {
    probe: () => call({ type: 'probe' }, 'probed').then((e) => e.capabilities),
    load: (file, name) => call({ type: 'load', file, name }, 'loaded', file instanceof ArrayBuffer ? [file] : undefined),
    configure: (config) => call({ type: 'configure', config: { ...config } }, 'configured'),
    start: () => control('start'),
    pause: () => control('pause'),
    resume: () => control('resume'),
    stop: () => control('stop'),
    evaluate: () => call({ type: 'evaluate' }, 'evaluated').then((e) => e.record),
    predict: (indices, topk) => call({ type: 'predict', indices, topk }, 'predicted').then((e) => e.predictions),
    example: (index, topk) => call({ type: 'example', index, topk }, 'example').then((e) => e.example),
    confusion: (maxExamples) => call({ type: 'confusion', maxExamples }, 'confusion').then((e) => e.confusion),
    measureLatency: () => call({ type: 'latency' }, 'latency').then((e) => e.msPerExample),
    exportStudent: () => call({ type: 'export' }, 'exported').then((e) => e.files),
    restore: (checkpoint) => call({ type: 'restore', checkpoint }, 'restored').then((e) => e.step),
    ping(timeoutMs) {
      const answered = call({ type: 'ping' }, 'pong').then(
        () => true,
        () => false,
      );
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
      return Promise.race([answered, late]).finally(() => clearTimeout(timer));
    },
    debug: (fault) => call({ type: 'debug', fault }, 'debugged').then(() => undefined),
    restart() {
      if (!spawn) throw new Error('this training client cannot restart its worker');
      const old = port;
      port = spawn();
      rejectAll(new Error('the training worker was restarted'));
      old.terminate?.();
      attach(port);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      rejectAll(new Error('training worker closed'));
      listeners.clear();
      port.terminate?.();
    },
  };
}

/**
 * Starts the real training worker (Vite bundles it as a module worker), restartable. `debug`: the worker
 * honours fault simulation requests (its name carries the flag; the page passes its `?debug`).
 */
export function spawnTrainingClient(opts: { debug?: boolean } = {}): TrainingClient {
  const name = opts.debug ? 'distill-training debug' : 'distill-training';
  return createTrainingClient(() => new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module', name }));
}
