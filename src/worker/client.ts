/**
 * The page's typed handle on the training worker: one method per request, each resolving with the event that
 * answers it (or rejecting with the worker's error message). Streaming events (steps, eval, status, done,
 * progress, backend) go to `subscribe` listeners; the page binds them to the store in one place.
 */
import type { DistillConfig } from '../engine/config/config.ts';
import type { EvalRecord, ExamplePrediction } from '../engine/trainer_types.ts';
import {
  RESPONSE_TYPE,
  isEvent,
  type Capabilities,
  type ConfusionData,
  type EventOf,
  type EventType,
  type ExampleView,
  type ExportFiles,
  type RequestBody,
  type WorkerEvent,
  type WorkerRequest,
} from './protocol.ts';

/** The slice of the Worker interface the client uses (a real Worker, or an in-memory port in tests). */
export interface WorkerPort {
  postMessage(message: WorkerRequest, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<WorkerEvent>) => void): void;
  addEventListener(type: 'error', listener: (e: ErrorEvent) => void): void;
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
  subscribe(listener: Listener): () => void;
  dispose(): void;
}

interface Pending {
  expect: EventType;
  resolve: (event: WorkerEvent) => void;
  reject: (error: Error) => void;
}

export function createTrainingClient(port: WorkerPort): TrainingClient {
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const listeners = new Set<Listener>();

  port.addEventListener('message', (e: MessageEvent<WorkerEvent>) => {
    const event = e.data;
    for (const listener of listeners) listener(event);
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
  port.addEventListener('error', (e: ErrorEvent) => {
    const error = new Error(`training worker failed: ${e.message || 'unknown error'}`);
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    for (const listener of listeners) listener({ type: 'error', message: error.message });
  });

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
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      for (const p of pending.values()) p.reject(new Error('training worker closed'));
      pending.clear();
      listeners.clear();
      port.terminate?.();
    },
  };
}

/** Starts the real training worker (Vite bundles it as a module worker). */
export function spawnTrainingClient(): TrainingClient {
  const worker = new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module', name: 'distill-training' });
  return createTrainingClient(worker);
}
