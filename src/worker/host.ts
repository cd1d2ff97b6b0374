/**
 * The training worker's logic, with its dependencies injected so it runs (and is tested) without a real
 * Worker: `handle(request)` in, `post(event)` out. The worker owns the DistillSet and the Trainer (driven,
 * checkpoints included, by run_driver.ts); the page only ever sees plain payloads (protocol.ts). A lost GPU
 * device stops the run where it is (`deviceLost`): the page restarts the worker and resumes elsewhere.
 */
import type { BackendName, DistillConfig } from '../engine/config/config.ts';
import type { BackendChoice } from '../engine/backend.ts';
import type { DistillSet } from '../engine/types.ts';
import type { NamedArray, Trainer, TrainerCallbacks } from '../engine/trainer_types.ts';
import type { Capabilities, ConfusionData, ExampleView, WorkerEvent, WorkerRequest } from './protocol.ts';
import { transferablesOf } from './protocol.ts';
import { createRunDriver, type RunDriver } from './run_driver.ts';
import { summarizeSet } from './summary.ts';
import { teacherClasses, teacherTopK } from './teacher_topk.ts';
import { toTfjsWeights } from './export_tfjs.ts';
import { splitExamples } from '../engine/data/split.ts';

export interface ReadOptions {
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  signal?: AbortSignal;
}

export interface HostDeps {
  readDistillSet(blob: Blob, name: string, opts?: ReadOptions): Promise<DistillSet>;
  selectBackend(preference: BackendName): Promise<BackendChoice>;
  createTrainer(
    set: DistillSet,
    config: Readonly<DistillConfig>,
    callbacks: TrainerCallbacks,
    options?: { backend?: BackendChoice },
  ): Promise<Trainer>;
  encodeSafetensors(tensors: readonly NamedArray[], metadata: Record<string, string>): Uint8Array;
  probe(): Promise<Capabilities>;
  /** Fault simulation, present only in a worker started in debug mode (the page's `?debug`). */
  debug?: DebugHooks;
  /** Clock for the checkpoint cadence (ms); Date.now by default. */
  now?: () => number;
  /** Resolves once a failed run's cause is known (the worker waits briefly for a GPU device loss to surface). */
  settleFailure?: () => Promise<void>;
}

/** What a debug worker does for the faults it cannot simulate from inside the host (protocol.ts DebugFault). */
export interface DebugHooks {
  /** Destroys the webgpu backend's GPUDevice (throws when the run is not on webgpu). */
  loseDevice(): void;
  /** Throws an uncaught error in the worker, soon after the answer is posted. */
  crash(): void;
  /** Blocks the worker's event loop for good, soon after the answer is posted. */
  hang(): void;
}

export type Post = (event: WorkerEvent, transfer?: Transferable[]) => void;

/** Examples per predictExamples call when counting the confusion matrix. */
const PREDICT_CHUNK = 64;

export interface WorkerHost {
  handle(request: WorkerRequest): Promise<void>;
  /** The GPU device under the webgpu backend was lost: stop queueing work and tell the page. */
  deviceLost(message: string): void;
  dispose(): void;
}

export function createWorkerHost(deps: HostDeps, post: Post): WorkerHost {
  let set: DistillSet | null = null;
  let run: RunDriver | null = null;
  let loadAbort: AbortController | null = null;
  const emit = (event: WorkerEvent) => post(event, transferList(event));

  const requireSet = (): DistillSet => {
    if (!set) throw new Error('no data set is loaded');
    return set;
  };
  const requireRun = (): RunDriver => {
    if (!run) throw new Error('no run is configured: press Train first');
    return run;
  };
  const requireTrainer = (): Trainer => requireRun().trainer;
  const disposeTrainer = () => {
    if (!run) return;
    run.dispose();
    run.trainer.stop();
    run.trainer.dispose();
    run = null;
  };

  async function load(req: Extract<WorkerRequest, { type: 'load' }>) {
    loadAbort?.abort();
    const abort = new AbortController();
    loadAbort = abort;
    disposeTrainer();
    set = null;
    const blob = req.file instanceof Blob ? req.file : new Blob([req.file]);
    let lastPost = 0;
    const loaded = await deps.readDistillSet(blob, req.name, {
      signal: abort.signal,
      onProgress: (bytesRead, totalBytes) => {
        const now = Date.now();
        if (now - lastPost < 50 && bytesRead < totalBytes) return; // at most ~20 progress events a second
        lastPost = now;
        emit({ type: 'progress', id: req.id, bytesRead, totalBytes });
      },
    });
    if (abort.signal.aborted) return;
    set = loaded;
    emit({
      type: 'loaded',
      id: req.id,
      summary: summarizeSet(loaded, req.name, blob.size),
      vocab: loaded.metadata.vocab,
      labelNames: loaded.metadata.labelNames,
    });
  }

  async function configure(req: Extract<WorkerRequest, { type: 'configure' }>) {
    const data = requireSet();
    disposeTrainer();
    const backend = await deps.selectBackend(req.config.backend);
    emit({ type: 'backend', id: req.id, choice: backend });
    const driver = createRunDriver(emit, { now: deps.now, settleFailure: deps.settleFailure });
    const created = await deps.createTrainer(data, req.config, driver.callbacks, { backend });
    driver.attach(created);
    run = driver;
    emit({ type: 'configured', id: req.id, paramCount: created.paramCount, config: { ...created.config }, backend: created.backend });
  }

  /** Writes a NaN into the first student weight (debug fault 'non-finite'): the next steps' loss is NaN. */
  async function poisonWeights(t: Trainer) {
    const { tensors } = await t.exportStudent();
    const [first, ...rest] = tensors;
    const data = Float32Array.from(first.data);
    data[0] = Number.NaN;
    t.loadStudent([{ ...first, dtype: 'F32', data }, ...rest]);
  }

  async function debug(req: Extract<WorkerRequest, { type: 'debug' }>) {
    const hooks = deps.debug;
    if (!hooks) throw new Error("fault simulation needs a worker started in debug mode (the page's ?debug flag)");
    if (req.fault === 'non-finite') await poisonWeights(requireTrainer());
    else if (req.fault === 'lose-device') hooks.loseDevice();
    emit({ type: 'debugged', id: req.id, fault: req.fault });
    if (req.fault === 'crash') hooks.crash();
    else if (req.fault === 'hang') hooks.hang();
  }

  async function example(req: Extract<WorkerRequest, { type: 'example' }>) {
    const data = requireSet();
    const top = teacherTopK(data, req.index, req.topk);
    const L = data.seqLen;
    const labels = data.labels
      ? data.task === 'classification'
        ? data.labels.slice(req.index, req.index + 1)
        : data.labels.slice(req.index * L, (req.index + 1) * L)
      : undefined;
    const student = run ? (await run.trainer.predictExamples([req.index], req.topk))[0] : undefined;
    const view: ExampleView = {
      index: req.index,
      inputIds: data.inputIds.slice(req.index * L, (req.index + 1) * L),
      attentionMask: data.attentionMask.slice(req.index * L, (req.index + 1) * L),
      labels,
      lang: data.metadata.langs?.[req.index],
      split: data.metadata.split?.[req.index],
      teacherTopIds: top.ids,
      teacherTopProbs: top.probs,
      k: top.k,
      positions: top.positions,
      student,
    };
    emit({ type: 'example', id: req.id, example: view });
  }

  async function confusion(req: Extract<WorkerRequest, { type: 'confusion' }>) {
    const data = requireSet();
    const t = requireTrainer();
    if (data.task !== 'classification' || !data.numClasses) throw new Error('the confusion matrix is for classification sets');
    // The same held-out examples the trainer evaluates on (metadata split, or the seeded one).
    const indices = splitExamples(data, t.config.eval_fraction, t.config.seed).eval.slice(0, req.maxExamples);
    const C = data.numClasses;
    const counts = new Int32Array(C * C);
    const teacher = teacherClasses(data, indices);
    for (let start = 0; start < indices.length; start += PREDICT_CHUNK) {
      const chunk = indices.slice(start, start + PREDICT_CHUNK);
      const predictions = await t.predictExamples(chunk, 1);
      predictions.forEach((p, j) => {
        counts[teacher[start + j] * C + p.topIds[0]]++;
      });
    }
    const result: ConfusionData = { numClasses: C, counts, examples: indices.length, scope: `held-out split (${indices.length} examples)` };
    emit({ type: 'confusion', id: req.id, confusion: result });
  }

  async function exportStudent(req: Extract<WorkerRequest, { type: 'export' }>) {
    const t = requireTrainer();
    const student = await t.exportStudent();
    const configJson = JSON.stringify(student.config, null, 2);
    const safetensors = deps.encodeSafetensors(student.tensors, { format: 'pt', config: JSON.stringify(student.config) });
    const tfjs = toTfjsWeights(student.tensors, student.config);
    emit({
      type: 'exported',
      id: req.id,
      files: {
        safetensors,
        configJson,
        tfjsModelJson: JSON.stringify(tfjs.modelJson, null, 2),
        tfjsWeights: tfjs.weights,
        paramCount: t.paramCount,
      },
    });
  }

  async function dispatch(req: WorkerRequest): Promise<void> {
    switch (req.type) {
      case 'probe':
        return emit({ type: 'probed', id: req.id, capabilities: await deps.probe() });
      case 'load':
        return load(req);
      case 'configure':
        return configure(req);
      case 'start':
      case 'resume': {
        const r = requireRun();
        emit({ type: 'ack', id: req.id, request: req.type });
        if (r.start()) emit({ type: 'status', status: 'running', step: r.trainer.currentStep() });
        return;
      }
      case 'pause':
        requireRun().pause();
        return emit({ type: 'ack', id: req.id, request: 'pause' });
      case 'stop':
        requireRun().stop();
        return emit({ type: 'ack', id: req.id, request: 'stop' });
      case 'restore':
        requireRun().restore(req.checkpoint);
        return emit({ type: 'restored', id: req.id, step: requireTrainer().currentStep() });
      case 'ping':
        return emit({ type: 'pong', id: req.id });
      case 'debug':
        return debug(req);
      case 'evaluate':
        return emit({ type: 'evaluated', id: req.id, record: await requireTrainer().evaluate() });
      case 'predict':
        return emit({ type: 'predicted', id: req.id, predictions: await requireTrainer().predictExamples(req.indices, req.topk) });
      case 'example':
        return example(req);
      case 'confusion':
        return confusion(req);
      case 'latency':
        return emit({ type: 'latency', id: req.id, msPerExample: (await requireTrainer().measureLatency()).ms_per_example });
      case 'export':
        return exportStudent(req);
    }
  }

  return {
    async handle(req) {
      try {
        await dispatch(req);
      } catch (err) {
        emit({ type: 'error', id: req.id, request: req.type, message: message(err) });
      }
    },
    deviceLost(reason) {
      const step = run?.trainer.currentStep() ?? 0;
      // Nothing computed on a lost device can be trusted (no checkpoint, no more steps): the page restarts
      // the worker and resumes from its last checkpoint.
      run?.dispose();
      run?.trainer.pause();
      emit({ type: 'device-lost', message: reason, step });
    },
    dispose() {
      loadAbort?.abort();
      disposeTrainer();
      set = null;
    },
  };
}

function transferList(event: WorkerEvent): Transferable[] | undefined {
  const list = transferablesOf(event);
  return list.length > 0 ? list : undefined;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
