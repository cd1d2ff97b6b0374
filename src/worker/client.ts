/**
 * The worker-backed TrainingSession (engine/training/session.ts): each call is one protocol.ts request to the
 * training worker, resolving with the event that answers it (or rejecting with the worker's error message);
 * the session's events (steps, eval, status, done, progress, backend, checkpoint, device-lost) go to
 * `subscribe` listeners, which the page binds to the store in one place (src/session).
 *
 * A worker that fails (the Worker's 'error' event) rejects every pending request and reaches listeners as a
 * `crashed` event. `restart()` replaces the worker with a fresh one (listeners stay subscribed; events of the
 * old one are ignored from then on), so the page survives a crash or a lost GPU device.
 */
import type { SessionEvent, SessionListener, TrainingSession } from '../engine/training/session.ts';
import {
  RESPONSE_TYPE,
  isEvent,
  type DebugFault,
  type EventOf,
  type EventType,
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

/** The page's training session: the shared surface, plus what only a worker needs (restart, ping, faults). */
export interface TrainingClient extends TrainingSession {
  /** True when the worker answers within `timeoutMs` (its event loop is alive). */
  ping(timeoutMs: number): Promise<boolean>;
  /** Simulates a fault (a debug worker only). */
  debug(fault: DebugFault): Promise<void>;
  /** Terminates the worker and starts a fresh one: pending requests reject, listeners stay. */
  restart(): void;
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
  const listeners = new Set<SessionListener>();
  const spawn = typeof source === 'function' ? source : null;
  let port: WorkerPort = typeof source === 'function' ? source() : source;

  /** Answers go to their pending call; everything else is a session event, for the listeners. */
  const emit = (event: WorkerEvent) => {
    if (!isSessionEvent(event)) return;
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
      for (const listener of listeners) listener({ type: 'crashed', message });
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
    load: (file, name) =>
      call({ type: 'load', file, name }, 'loaded', file instanceof ArrayBuffer ? [file] : undefined).then(({ summary, vocab, labelNames }) => ({ summary, vocab, labelNames })),
    configure: (config, options) =>
      call({ type: 'configure', config: { ...config }, options }, 'configured').then(({ paramCount, config: c, backend, vocabulary }) => ({ paramCount, config: c, backend, ...(vocabulary ? { vocabulary } : {}) })),
    start: () => control('start'),
    pause: () => control('pause'),
    resume: () => control('resume'),
    stop: () => control('stop'),
    evaluate: (indices) => call({ type: 'evaluate', indices }, 'evaluated').then((e) => e.record),
    predictExamples: (indices, topk) => call({ type: 'predict', indices, topk }, 'predicted').then((e) => e.predictions),
    predictLogits: (indices, topk) => call({ type: 'logits', indices, topk }, 'logits').then((e) => e.prediction),
    example: (index, topk) => call({ type: 'example', index, topk }, 'example').then((e) => e.example),
    confusion: (maxExamples) => call({ type: 'confusion', maxExamples }, 'confusion').then((e) => e.confusion),
    measureLatency: () => call({ type: 'latency' }, 'latency').then((e) => e.latency),
    exportStudent: () => call({ type: 'export' }, 'exported').then((e) => e.files),
    handoffRecipe: (request) => call({ type: 'handoff', request }, 'handoff-recipe').then((e) => e.recipe),
    loadStudent: (tensors) => call({ type: 'load-student', tensors }, 'student-loaded').then(() => undefined),
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

/** How the real training worker starts (Vite bundles it as a module worker, from this exact expression). */
function workerFactory(debug: boolean): () => WorkerPort {
  // `debug`: the worker honours fault simulation requests (its name carries the flag; the page passes its `?debug`).
  const name = debug ? 'distill-training debug' : 'distill-training';
  return () => new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module', name });
}

/** Starts the real training worker, restartable. */
export function spawnTrainingClient(opts: { debug?: boolean } = {}): TrainingClient {
  return createTrainingClient(workerFactory(opts.debug === true));
}

/** The training client the page uses, and whether it had to train in the page's own thread (and why). */
export interface StartedClient {
  client: TrainingClient;
  /** Why no worker could start; null when the worker runs. */
  inThread: string | null;
}

/**
 * The training worker, or — when none can start (no Worker in this browser, or its construction is refused)
 * — a session in the page's own thread with the same surface (in_thread.ts, loaded only then: tfjs stays out
 * of the page's own bundle otherwise).
 */
export async function startTrainingClient(opts: { debug?: boolean } = {}): Promise<StartedClient> {
  const spawn = workerFactory(opts.debug === true);
  let first: WorkerPort | null;
  try {
    first = spawn();
  } catch (err) {
    const [{ createInThreadClient }, { createBrowserSession }] = await Promise.all([import('./in_thread.ts'), import('./browser_session.ts')]);
    // One wasm thread: the thread pool is made of workers too.
    return { client: createInThreadClient(() => createBrowserSession(1).session), inThread: err instanceof Error ? err.message : String(err) };
  }
  const client = createTrainingClient(() => {
    const port = first ?? spawn();
    first = null;
    return port;
  });
  return { client, inThread: null };
}

/** The event types a session streams (the rest answer a call); the `satisfies` keeps the list complete. */
const SESSION_EVENTS: ReadonlySet<string> = new Set(
  Object.keys({
    progress: true, backend: true, status: true, steps: true, eval: true, done: true, checkpoint: true, 'device-lost': true, crashed: true,
  } satisfies Record<SessionEvent['type'], true>),
);

function isSessionEvent(event: WorkerEvent): event is SessionEvent {
  return SESSION_EVENTS.has(event.type);
}
