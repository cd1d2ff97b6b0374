/**
 * The page session: the one place the training session (a worker, or the page's own thread) is bound to the
 * store. Its events become store updates through the metrics buffer and the run machine; the panels' verbs
 * (load, train, pause, export, …) become training calls. It composes the session's parts — URL sync, demo
 * loading, the runs archive, report import, checkpoints, recovery from faults, the interrupted run — and holds
 * no React and no tfjs. main.tsx creates one; components read the store and call these verbs.
 */
import type { ConfusionData, ExampleView, SessionEvent } from '../engine/training/session.ts';
import type { AppStore } from '../store/store.ts';
import type { RunRecord } from '../store/run_record.ts';
import type { TrainingClient } from '../worker/client.ts';
import type { DebugFault } from '../worker/protocol.ts';

export type { DebugFault } from '../worker/protocol.ts';
import { createCheckpointKeeper, type LoadedSet } from './checkpoints.ts';
import { createDemoLoader } from './demo.ts';
import { createInterruptedRun } from './interrupted_run.ts';
import { createMetricsBuffer } from './metrics_buffer.ts';
import { createRecovery } from './recovery.ts';
import { createReportImport } from './report_import.ts';
import type { RunArchive } from './run_archive.ts';
import { finishRun, type EndReason } from './run_end.ts';
import { handoffFor } from './handoff.ts';
import { createTeacherWeights } from './teacher_weights.ts';
import type { HandoffSources } from '../io/handoff_files.ts';
import { runFiles, type DownloadFile, type RunFileKind } from './run_files.ts';
import { createRuns } from './runs.ts';
import { createRunStarter } from './start_run.ts';
import { createStoredRuns, type StoredRuns } from './stored_runs.ts';
import { createSweepRunner, type SweepRunner } from './sweep_runner.ts';
import { createUrlSync } from './url_sync.ts';

export interface PageSessionDeps {
  training: TrainingClient;
  store: AppStore;
  /** Resolves to the run archive, or rejects when IndexedDB is unavailable (runs are then kept in memory). */
  archive: Promise<RunArchive>;
  fetch?: typeof fetch;
  /** The page location (hash read at start, rewritten on config edits). */
  location?: { hash: string };
  replaceHash?: (hash: string) => void;
  /** The page's `?debug` flag: fault simulation is offered (the worker must be started in debug mode too). */
  debug?: boolean;
  /** The worker is pinged every intervalMs while a run trains; no answer within timeoutMs restarts it. */
  watchdog?: { intervalMs: number; timeoutMs: number };
  /** Metrics reach the store at most this often (ms). */
  flushMs?: number;
}

/** Watchdog defaults: generous, since a report window of a big student on a slow backend blocks the worker. */
export const WATCHDOG = { intervalMs: 5_000, timeoutMs: 60_000 } as const;

export interface PageSession {
  init(): Promise<void>;
  loadFile(file: Blob, name: string): Promise<void>;
  loadDemo(): Promise<void>;
  /**
   * Teacher weights to start the student from (a Hugging Face directory's files: config.json +
   * model.safetensors, or the shard index and shards); the form takes the teacher's shape. Refusals (another
   * vocabulary, a family that cannot map) land in the store's teacherWeightsError.
   */
  attachTeacher(files: { name: string; blob: Blob }[]): Promise<void>;
  detachTeacher(): void;
  train(): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
  evaluate(): Promise<void>;
  example(index: number, topk: number): Promise<ExampleView>;
  confusion(maxExamples: number): Promise<ConfusionData>;
  measureLatency(): Promise<void>;
  /** The files of one export of a stored run (report, history, the student in one layout). */
  runFiles(id: string, kind: RunFileKind): Promise<DownloadFile[]>;
  /**
   * "Continue in PyTorch": the run's handoff directory as one .zip (session/handoff.ts), with the Python
   * sources the page bundles (tools/handoff/train.py, distill_losses.py).
   */
  handoffFile(id: string, sources: HandoffSources): Promise<DownloadFile>;
  /** The stored student of a run (null when the run has no weights). */
  runWeights(id: string): Promise<{ safetensors: Uint8Array; configJson: string } | null>;
  deleteRun(id: string): Promise<void>;
  /** Re-imports an exported report.json, optionally with its student.safetensors (+ config.json text). */
  importRun(report: Blob, reportName: string, weights?: { safetensors: Blob; configJson?: string }): Promise<RunRecord>;
  /** Puts a stored run's config back into the form (and the URL). */
  useRunConfig(id: string): void;
  /** Continues the current (failed) run from its last checkpoint. */
  resumeFromCheckpoint(): Promise<void>;
  /** Continues the interrupted run offered at start-up (resume slice). */
  resumeInterrupted(): Promise<void>;
  /** Forgets the interrupted run's checkpoint (and its stored data file). */
  discardInterrupted(): Promise<void>;
  /** The Sweep tab's verbs (sweep_runner.ts); rename / tag / note a stored run, open one in Compare (stored_runs.ts). */
  readonly sweeps: SweepRunner;
  readonly stored: StoredRuns;
  /** Fault simulation (debug pages only). */
  readonly debug: boolean;
  injectFault(fault: DebugFault): Promise<void>;
  dispose(): void;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function createPageSession(deps: PageSessionDeps): PageSession {
  const { training, store } = deps;
  const act = () => store.getState();
  const fail = (err: unknown) => act().runEvent({ type: 'failed', error: message(err) });
  const disposers: (() => void)[] = [];
  let finalizing: Promise<void> | null = null;
  let loadSeq = 0;
  /** The data file in the training session (put back after a restart; stored with checkpoints). */
  let loadedSet: LoadedSet | null = null;
  const teacherWeights = createTeacherWeights({ store });

  const metrics = createMetricsBuffer({ flushMs: deps.flushMs }, { onFlush: (steps, evals) => act().appendMetrics(steps, evals) });
  const runs = createRuns({ store, archive: deps.archive });
  const reports = createReportImport({ runs });
  const demo = createDemoLoader(
    { fetch: deps.fetch ?? ((input, init) => fetch(input, init)) },
    { onStart: (name, bytes) => act().dataLoading(name, bytes), onProgress: (read, total) => act().dataProgress(read, total) },
  );
  const keeper = createCheckpointKeeper({ store, db: deps.archive, currentSet: () => loadedSet });
  const recovery = createRecovery({
    client: training,
    store,
    keeper,
    currentSet: () => loadedSet,
    dropMetrics: () => metrics.drop(),
    failRun: (reason) => endRun('error', reason),
  });
  const interrupted = createInterruptedRun({
    store,
    db: deps.archive,
    keeper,
    recovery,
    loadFile: (blob, name) => loadBlob(blob, name),
    currentSet: () => loadedSet,
    dropMetrics: () => metrics.drop(),
  });

  /** The run ended (done event, or a fault it could not recover from): show it, store it, keep or drop its checkpoint. */
  function endRun(reason: EndReason, error?: string, step = act().run.step) {
    metrics.flush();
    act().runEvent({ type: 'ended', reason, step, error });
    const runId = act().run.runId;
    if (runId) void (reason === 'error' ? keeper.markFailed(runId, error ?? 'failed') : keeper.discard(runId));
    finalizing = finishRun({ training, store, runs }, reason).finally(() => (finalizing = null));
  }

  function onEvent(event: SessionEvent) {
    switch (event.type) {
      case 'progress':
        return act().dataProgress(event.bytesRead, event.totalBytes);
      case 'backend':
        return act().runEvent({ type: 'backend', backend: event.choice });
      case 'steps':
        return metrics.pushSteps(event.records);
      case 'eval':
        return metrics.pushEval(event.record);
      case 'status':
        if (event.status === 'paused') metrics.flush();
        if (event.status === 'running' || event.status === 'paused') act().runEvent({ type: 'status', status: event.status, step: event.step });
        return;
      case 'done':
        metrics.flush();
        if (event.reason === 'error' && event.failure === 'runtime') {
          void recovery.onFault({ kind: 'runtime', message: event.error ?? 'the backend failed' });
        } else {
          endRun(event.reason, event.error, event.step);
        }
        return;
      case 'checkpoint':
        metrics.flush(); // the history up to the checkpoint's step goes with it
        void keeper.save(event.checkpoint);
        return;
      case 'device-lost':
        void recovery.onFault({ kind: 'device-lost', message: event.message });
        return;
      case 'crashed':
        void recovery.onFault({ kind: 'crashed', message: event.message });
        return;
    }
  }

  async function loadBlob(file: Blob, name: string, source: 'demo' | 'file' = 'file') {
    const seq = ++loadSeq;
    act().dataLoading(name, file.size);
    metrics.drop();
    act().resetMetrics();
    act().runEvent({ type: 'reset' });
    loadedSet = null;
    try {
      const loaded = await training.load(file, name);
      if (seq !== loadSeq) return;
      loadedSet = { blob: file, name };
      act().dataLoaded(loaded.summary, loaded.vocab, loaded.labelNames);
      act().dataSource(source);
      // A set longer than max_len cannot train: raise max_len to the set's length (the form shows it).
      if (act().config.values.max_len < loaded.summary.seqLen) act().setConfigValue('max_len', loaded.summary.seqLen);
      await interrupted.checkFile(loadedSet);
      await teacherWeights.replan(); // the teacher must share the new set's vocabulary
    } catch (err) {
      if (seq === loadSeq) act().dataFailed(name, message(err));
    }
  }

  async function loadDemo() {
    act().dataLoading('demo', 0);
    try {
      const { blob, name } = await demo.fetchDemo();
      await loadBlob(blob, name, 'demo');
    } catch (err) {
      act().dataFailed('the demo set', message(err));
    }
  }

  const forgetResumable = () => {
    interrupted.forget();
    void keeper.discardAll();
  };
  const startRun = createRunStarter({ training, store, finalizing: () => finalizing, dropMetrics: () => metrics.drop(), configureOptions: () => teacherWeights.options(), forgetResumable, fail });
  const sweeps = createSweepRunner({ store, archive: deps.archive, startRun, saveRun: (r) => runs.save(r), resumeInterrupted: () => interrupted.resume() });
  const stored = createStoredRuns({ store, training, runs });
  disposers.push(() => sweeps.dispose());

  return {
    async init() {
      disposers.push(training.subscribe(onEvent));
      const sync = createUrlSync(deps);
      disposers.push(sync.dispose);
      const watch = deps.watchdog ?? WATCHDOG;
      disposers.push(recovery.watch(watch.intervalMs, watch.timeoutMs));
      disposers.push(() => metrics.dispose());
      const [capabilities, , checkpoints] = await Promise.allSettled([
        training.probe(),
        runs.load(),
        deps.archive.then((db) => db.listCheckpoints()),
      ]);
      if (capabilities.status === 'fulfilled') act().runEvent({ type: 'capabilities', capabilities: capabilities.value });
      if (checkpoints.status === 'fulfilled' && checkpoints.value[0]) interrupted.offer(checkpoints.value[0]);
      await sweeps.init();
      if (sync.data === 'demo' && act().data.status === 'empty') await loadDemo(); // the link names the demo set
    },
    loadFile: (file, name) => loadBlob(file, name, 'file'),
    attachTeacher: (files) => teacherWeights.attach(files),
    detachTeacher: () => teacherWeights.detach(),
    loadDemo,
    async train() {
      await startRun();
    },
    pause: () => training.pause().catch(fail),
    resume: () => training.resume().catch(fail),
    stop: () => training.stop().catch(fail),
    async evaluate() {
      act().appendEval(await training.evaluate());
    },
    example: (index, topk) => training.example(index, topk),
    confusion: (maxExamples) => training.confusion(maxExamples),
    async measureLatency() {
      act().runEvent({ type: 'latency', msPerExample: (await training.measureLatency()).ms_per_example });
    },
    async runFiles(id, kind) {
      const run = act().runs.list.find((r) => r.id === id);
      if (!run) throw new Error(`no run ${id}`);
      return runFiles(run, kind, () => runs.weights(id));
    },
    handoffFile: (id, sources) => handoffFor({ training, store, runs }, id, sources),
    runWeights: (id) => runs.weights(id),
    deleteRun: (id) => runs.remove(id),
    importRun: (report, reportName, weights) => reports.importRun(report, reportName, weights),
    useRunConfig(id) {
      const run = act().runs.list.find((r) => r.id === id);
      if (run) act().replaceConfig(run.config, null);
    },
    async resumeFromCheckpoint() {
      const { run } = act();
      const record = keeper.latest(run.runId);
      if (!record || !run.config) throw new Error('this run has no checkpoint to resume from');
      if (finalizing) await finalizing;
      act().runEvent({ type: 'recovering', notice: null });
      act().runEvent({ type: 'notice', notice: `Resumed from the checkpoint at step ${record.step}.` });
      try {
        await recovery.resume({ record, config: run.config, backend: run.config.backend });
      } catch (err) {
        fail(err);
      }
    },
    resumeInterrupted: () => interrupted.resume(),
    discardInterrupted: () => interrupted.discard(),
    sweeps,
    stored,
    debug: deps.debug === true,
    async injectFault(fault) {
      if (!deps.debug) throw new Error('fault simulation is for debug pages (?debug)');
      await training.debug(fault);
    },
    dispose() {
      for (const d of disposers.splice(0)) d();
    },
  };
}
