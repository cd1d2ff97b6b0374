/**
 * The page session: the one place the training session (a worker, or the page's own thread) is bound to the
 * store. Its events become store updates through the metrics buffer and the run machine; the panels' verbs
 * (load, train, pause, export, …) become training calls. It composes the session's parts — URL sync, demo
 * loading, the runs archive, report import, checkpoints, recovery from faults, the interrupted run — and holds
 * no React and no tfjs. main.tsx creates one; components read the store and call these verbs.
 */
import type { SessionEvent } from '../engine/training/session.ts';

export type { DebugFault } from '../worker/protocol.ts';
export { WATCHDOG, type PageSession, type PageSessionDeps } from './page_session_api.ts';
import { WATCHDOG, type PageSession, type PageSessionDeps } from './page_session_api.ts';
import { createCheckpointKeeper, type LoadedSet } from './checkpoints.ts';
import { createDemoLoader } from './demo.ts';
import { createInterruptedRun } from './interrupted_run.ts';
import { createMetricsBuffer } from './metrics_buffer.ts';
import { createRecovery } from './recovery.ts';
import { createReportImport } from './report_import.ts';
import { createRunControls } from './run_controls.ts';
import { createRunEnd } from './run_end.ts';
import { handoffFor } from './handoff.ts';
import { createTeacherWeights } from './teacher_weights.ts';
import { runFiles } from './run_files.ts';
import { createRuns } from './runs.ts';
import { createStoredRuns } from './stored_runs.ts';
import { createSweepRunner } from './sweep_runner.ts';
import { createUrlSync } from './url_sync.ts';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function createPageSession(deps: PageSessionDeps): PageSession {
  const { training, store } = deps;
  const act = () => store.getState();
  const fail = (err: unknown) => act().runEvent({ type: 'failed', error: message(err) });
  const disposers: (() => void)[] = [];
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
  const ends = createRunEnd({ training, store, runs, keeper, flushMetrics: () => metrics.flush() });
  const recovery = createRecovery({
    client: training,
    store,
    keeper,
    currentSet: () => loadedSet,
    dropMetrics: () => metrics.drop(),
    failRun: (reason) => ends.end('error', reason),
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

  const controls = createRunControls({
    training,
    store,
    finishing: () => ends.finishing(),
    beforeRun() {
      metrics.drop();
      act().resetMetrics();
      // A new run replaces any resumable one (the interrupted run's record stays in the runs table if it had one).
      interrupted.forget();
      void keeper.discardAll();
    },
    configureOptions: () => teacherWeights.options(),
    restartWorker: () => recovery.restartWorker(),
    recovering: () => recovery.busy(),
    stopGraceMs: deps.stopGraceMs,
  });

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
          ends.end(event.reason, event.error, event.step);
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

  /**
   * Reads a file into the training session; resolves true once it is the loaded set. Until then the set
   * loaded before stays — in the worker and on the card — and a file that fails leaves only its message.
   */
  async function loadBlob(file: Blob, name: string, source: 'demo' | 'file' = 'file'): Promise<boolean> {
    const seq = ++loadSeq;
    act().dataLoading(name, file.size);
    try {
      const loaded = await training.load(file, name);
      if (seq !== loadSeq) return false;
      // The new set replaced the old one (and its trainer) in the worker: the old run's state goes too.
      metrics.drop();
      act().resetMetrics();
      act().runEvent({ type: 'reset' });
      loadedSet = { blob: file, name };
      act().dataLoaded(loaded.summary, loaded.vocab, loaded.labelNames);
      act().dataSource(source);
      // A set longer than max_len cannot train: raise max_len to the set's length (the form shows it).
      if (act().config.values.max_len < loaded.summary.seqLen) act().setConfigValue('max_len', loaded.summary.seqLen);
      await interrupted.checkFile(loadedSet);
      await teacherWeights.replan(); // the teacher must share the new set's vocabulary
      return true;
    } catch (err) {
      if (seq === loadSeq) act().dataFailed(name, message(err));
      return false;
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

  const sweeps = createSweepRunner({ store, archive: deps.archive, startRun: (config, backend) => controls.start(config, backend), saveRun: (r) => runs.save(r).then(() => undefined), resumeInterrupted: () => interrupted.resume() });
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
    async loadFile(file, name) {
      await loadBlob(file, name, 'file');
    },
    attachTeacher: (files) => teacherWeights.attach(files),
    detachTeacher: () => teacherWeights.detach(),
    loadDemo,
    train: () => controls.train(),
    pause: () => controls.pause(),
    resume: () => controls.resume(),
    stop: () => controls.stop(),
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
      await ends.finishing();
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
