/**
 * The worker's adapter: a protocol.ts request in, one call of the worker's local training session, its answer
 * (or 'error') out; the session's events go out as they come. No training logic here (that is the session's,
 * engine/training/local_session.ts) — only the debug faults that need the worker itself.
 */
import type { LocalSession } from '../engine/training/local_session.ts';
import type { WorkerEvent, WorkerRequest } from './protocol.ts';
import { transferablesOf } from './protocol.ts';

/** What a debug worker does for the faults the session cannot simulate (protocol.ts DebugFault). */
export interface DebugHooks {
  /** Destroys the webgpu backend's GPUDevice (throws when the run is not on webgpu). */
  loseDevice(): void;
  /** Throws an uncaught error in the worker, soon after the answer is posted. */
  crash(): void;
  /** Blocks the worker's event loop for good, soon after the answer is posted. */
  hang(): void;
}

export type Post = (event: WorkerEvent, transfer?: Transferable[]) => void;

export interface WorkerHost {
  handle(request: WorkerRequest): Promise<void>;
  dispose(): void;
}

/** `debug`: present only in a worker started in debug mode (the page's `?debug`). */
export function createWorkerHost(session: LocalSession, post: Post, debug?: DebugHooks): WorkerHost {
  const emit = (event: WorkerEvent) => {
    const transfer = transferablesOf(event);
    post(event, transfer.length > 0 ? transfer : undefined);
  };
  const unsubscribe = session.subscribe(emit);

  async function simulate(req: Extract<WorkerRequest, { type: 'debug' }>) {
    if (!debug) throw new Error("fault simulation needs a worker started in debug mode (the page's ?debug flag)");
    if (req.fault === 'non-finite') await session.poisonWeights();
    else if (req.fault === 'lose-device') debug.loseDevice();
    emit({ type: 'debugged', id: req.id, fault: req.fault });
    if (req.fault === 'crash') debug.crash();
    else if (req.fault === 'hang') debug.hang();
  }

  async function dispatch(req: WorkerRequest): Promise<void> {
    const { id } = req;
    switch (req.type) {
      case 'probe':
        return emit({ type: 'probed', id, capabilities: await session.probe() });
      case 'load':
        return emit({ type: 'loaded', id, ...(await session.load(req.file, req.name)) });
      case 'configure':
        return emit({ type: 'configured', id, ...(await session.configure(req.config, req.options)) });
      case 'start':
      case 'resume':
      case 'pause':
      case 'stop':
        await session[req.type]();
        return emit({ type: 'ack', id, request: req.type });
      case 'restore':
        return emit({ type: 'restored', id, step: await session.restore(req.checkpoint) });
      case 'ping':
        return emit({ type: 'pong', id });
      case 'debug':
        return simulate(req);
      case 'evaluate':
        return emit({ type: 'evaluated', id, record: await session.evaluate(req.indices) });
      case 'predict':
        return emit({ type: 'predicted', id, predictions: await session.predictExamples(req.indices, req.topk) });
      case 'logits':
        return emit({ type: 'logits', id, prediction: await session.predictLogits(req.indices, req.topk) });
      case 'example':
        return emit({ type: 'example', id, example: await session.example(req.index, req.topk) });
      case 'confusion':
        return emit({ type: 'confusion', id, confusion: await session.confusion(req.maxExamples) });
      case 'latency':
        return emit({ type: 'latency', id, latency: await session.measureLatency() });
      case 'export':
        return emit({ type: 'exported', id, files: await session.exportStudent() });
      case 'handoff':
        return emit({ type: 'handoff-recipe', id, recipe: await session.handoffRecipe(req.request) });
      case 'load-student':
        await session.loadStudent(req.tensors);
        return emit({ type: 'student-loaded', id });
    }
  }

  return {
    async handle(req) {
      try {
        await dispatch(req);
      } catch (err) {
        emit({ type: 'error', id: req.id, request: req.type, message: err instanceof Error ? err.message : String(err) });
      }
    },
    dispose() {
      unsubscribe();
      session.dispose();
    },
  };
}
