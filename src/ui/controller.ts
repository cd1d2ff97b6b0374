/**
 * The one place the page binds the training worker to the store: worker events become store actions, and
 * the panels' verbs (load, train, pause, export, …) become worker requests. Also owns the URL hash (config as
 * a link), the runs database, the run's checkpoints (checkpoints.ts) and what happens when the worker fails
 * (recovery.ts). No React here; main.tsx creates one controller.
 */
import type { AppStore } from '../store/store.ts';
import type { EvalRecord, StepRecord } from '../engine/trainer_types.ts';
import type { TrainingClient } from '../worker/client.ts';
import type { ConfusionData, DebugFault, ExampleView, WorkerEvent } from '../worker/protocol.ts';
import type { RunsDb, StoredWeights } from '../store/runs_db.ts';
import { datasetOf, parseReport, type RunRecord } from '../store/run_record.ts';
import { createCheckpointKeeper, type LoadedSet } from './checkpoints.ts';
import { createRecovery } from './recovery.ts';
import { createInterruptedRun } from './interrupted_run.ts';
import { checkSafetensors, readWithProgress } from './file_checks.ts';
import { configFromHash, configToHash } from '../store/url_config.ts';
import { DEMO_MANIFEST_URL, demoFileUrl } from './demo.ts';
import { blobBytes, blobText } from './read_blob.ts';

export interface ControllerDeps {
  client: TrainingClient;
  store: AppStore;
  /** Resolves to the runs database, or rejects when IndexedDB is unavailable (runs are then kept in memory). */
  db: Promise<RunsDb>;
  fetch?: typeof fetch;
  /** The page location (hash read at start, rewritten on config edits). */
  location?: { hash: string };
  replaceHash?: (hash: string) => void;
  /** The page's `?debug` flag: fault simulation is offered (the worker must be started in debug mode too). */
  debug?: boolean;
  /** The worker is pinged every intervalMs while a run trains; no answer within timeoutMs restarts it. */
  watchdog?: { intervalMs: number; timeoutMs: number };
}

/** Watchdog defaults: generous, since a report window of a big student on a slow backend blocks the worker. */
export const WATCHDOG = { intervalMs: 5_000, timeoutMs: 60_000 } as const;

export interface Controller {
  init(): Promise<void>;
  loadFile(file: Blob, name: string): Promise<void>;
  loadDemo(): Promise<void>;
  train(): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
  evaluate(): Promise<void>;
  example(index: number, topk: number): Promise<ExampleView>;
  confusion(maxExamples: number): Promise<ConfusionData>;
  measureLatency(): Promise<void>;
  /** The stored student of a run (null when the run has no weights). */
  runWeights(id: string): Promise<StoredWeights | null>;
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
  /** Fault simulation (debug pages only). */
  readonly debug: boolean;
  injectFault(fault: DebugFault): Promise<void>;
  dispose(): void;
}

/**
 * Worker metrics are buffered and written to the store at most this often: each write re-renders the charts
 * (recharts costs tens of ms per chart), and a fast backend reports many batches a second.
 */
export const METRICS_FLUSH_MS = 400;

export function createController(deps: ControllerDeps): Controller {
  const { client, store } = deps;
  let pendingSteps: StepRecord[] = [];
  let pendingEvals: EvalRecord[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  const flushMetrics = () => {
    if (flushTimer !== null) clearTimeout(flushTimer);
    flushTimer = null;
    if (pendingSteps.length === 0 && pendingEvals.length === 0) return;
    const [steps, evals] = [pendingSteps, pendingEvals];
    pendingSteps = [];
    pendingEvals = [];
    store.getState().appendMetrics(steps, evals);
  };
  /** Forgets buffered metrics (a new run or a new data set starts). */
  const dropMetrics = () => {
    if (flushTimer !== null) clearTimeout(flushTimer);
    flushTimer = null;
    pendingSteps = [];
    pendingEvals = [];
  };
  const queueMetrics = () => {
    flushTimer ??= setTimeout(flushMetrics, METRICS_FLUSH_MS);
  };
  const doFetch = deps.fetch ?? ((input, init) => fetch(input, init));
  const unsubscribers: (() => void)[] = [];
  let finalizing: Promise<void> | null = null;
  let loadSeq = 0;
  /** The data file in the worker (put back after a restart; stored with checkpoints). */
  let loadedSet: LoadedSet | null = null;

  const act = () => store.getState();
  const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
  const keeper = createCheckpointKeeper({ store, db: deps.db, currentSet: () => loadedSet });
  const recovery = createRecovery({
    client,
    store,
    keeper,
    currentSet: () => loadedSet,
    dropMetrics: () => dropMetrics(),
    failRun: (reason) => endRun('error', reason),
  });
  const interrupted = createInterruptedRun({
    store,
    db: deps.db,
    keeper,
    recovery,
    loadFile: (blob, name) => loadBlob(blob, name),
    currentSet: () => loadedSet,
    dropMetrics: () => dropMetrics(),
  });

  /** The run ended (done event, or a fault it could not recover from): show it, store it, keep or drop its checkpoint. */
  function endRun(reason: 'completed' | 'stopped' | 'error', error?: string, step = act().run.step) {
    flushMetrics();
    act().runEnded(reason, step, error);
    const runId = act().run.runId;
    if (runId) void (reason === 'error' ? keeper.markFailed(runId, error ?? 'failed') : keeper.discard(runId));
    finalizing = finalizeRun(reason).finally(() => (finalizing = null));
  }

  function onEvent(event: WorkerEvent) {
    switch (event.type) {
      case 'progress':
        act().dataProgress(event.bytesRead, event.totalBytes);
        break;
      case 'backend':
        act().runBackend(event.choice);
        break;
      case 'steps':
        pendingSteps.push(...event.records);
        queueMetrics();
        break;
      case 'eval':
        pendingEvals.push(event.record);
        queueMetrics();
        break;
      case 'status':
        if (event.status === 'paused') flushMetrics();
        if (event.status === 'running' || event.status === 'paused') act().runStatus(event.status, event.step);
        break;
      case 'done':
        flushMetrics();
        if (event.reason === 'error' && event.failure === 'runtime') {
          void recovery.onFault({ kind: 'runtime', message: event.error ?? 'the backend failed' });
        } else {
          endRun(event.reason, event.error, event.step);
        }
        break;
      case 'checkpoint':
        flushMetrics(); // the history up to the checkpoint's step goes with it
        void keeper.save(event.checkpoint);
        break;
      case 'device-lost':
        void recovery.onFault({ kind: 'device-lost', message: event.message });
        break;
      case 'crashed':
        void recovery.onFault({ kind: 'crashed', message: event.message });
        break;
      case 'error':
        if (event.id === undefined) act().runFailed(event.message);
        break;
      default:
        break;
    }
  }

  /**
   * After a run ends: make sure there is a final evaluation, measure latency, store config, history and
   * weights. A failed run (e.g. a non-finite loss) keeps its last good weights and is stored too, marked.
   */
  async function finalizeRun(reason: 'completed' | 'stopped' | 'error') {
    const { run, data } = act();
    if (!run.runId || !run.config) return;
    const attempt = async <T>(work: () => Promise<T>): Promise<T | null> => {
      try {
        return await work();
      } catch {
        return null;
      }
    };
    const lastEval = act().metrics.evals.at(-1);
    if (reason !== 'error' && (!lastEval || lastEval.step < act().run.step)) {
      const record = await attempt(() => client.evaluate());
      if (record) act().appendEval(record);
    }
    const latency = await attempt(() => client.measureLatency());
    if (latency !== null) act().runLatency(latency);
    const files = await attempt(() => client.exportStudent());
    const s = act();
    const startedAt = run.startedAt ?? Date.now();
    const record: RunRecord = {
      id: run.runId,
      name: runName(s.config.preset, run.config.seed, run.runId),
      createdAt: startedAt,
      wallSeconds: ((s.run.endedAt ?? Date.now()) - startedAt) / 1000,
      config: run.config,
      backend: s.run.backend,
      dataset: data.summary ? datasetOf(data.summary) : null,
      paramCount: s.run.paramCount,
      studentConfig: files ? parseObject(files.configJson) : null,
      status: reason === 'completed' ? 'done' : reason === 'stopped' ? 'stopped' : 'error',
      history: s.metrics.history,
      evals: s.metrics.evals,
      initial: s.metrics.evals.find((e) => e.step === 0)?.metrics ?? null,
      final: s.metrics.evals.at(-1)?.metrics ?? null,
      studentMsPerExample: s.run.studentMsPerExample,
      hasWeights: files !== null,
      imported: false,
      ...(s.run.recoveries.length > 0 ? { recoveries: s.run.recoveries } : {}),
    };
    await saveRun(record, files ? { id: record.id, safetensors: files.safetensors, configJson: files.configJson } : undefined);
    act().runSaved();
  }

  async function saveRun(record: RunRecord, weights?: StoredWeights) {
    act().upsertRun(record);
    try {
      await (await deps.db).put(record, weights);
      act().runsFailed(null);
    } catch (err) {
      act().runsFailed(`runs are not saved in this browser (IndexedDB: ${message(err)})`);
    }
  }

  async function loadBlob(file: Blob, name: string) {
    const seq = ++loadSeq;
    act().dataLoading(name, file.size);
    dropMetrics();
    act().resetMetrics();
    act().runReset();
    loadedSet = null;
    try {
      const loaded = await client.load(file, name);
      if (seq !== loadSeq) return;
      loadedSet = { blob: file, name };
      act().dataLoaded(loaded.summary, loaded.vocab, loaded.labelNames);
      fitConfigToData(loaded.summary.seqLen);
      await interrupted.checkFile(loadedSet);
    } catch (err) {
      if (seq === loadSeq) act().dataFailed(name, message(err));
    }
  }

  /** A set longer than max_len cannot train: raise max_len to the set's length (the form shows it). */
  function fitConfigToData(seqLen: number) {
    if (act().config.values.max_len < seqLen) act().setConfigValue('max_len', seqLen);
  }

  function syncHash() {
    const { values, preset, error } = act().config;
    if (error || !deps.replaceHash) return;
    deps.replaceHash(configToHash(values, preset));
  }

  return {
    async init() {
      unsubscribers.push(client.subscribe(onEvent));
      const hash = deps.location?.hash ?? '';
      try {
        const fromHash = configFromHash(hash);
        if (fromHash) act().replaceConfig(fromHash.config, fromHash.preset);
      } catch (err) {
        act().runsFailed(`the link's config was refused: ${message(err)}`);
      }
      unsubscribers.push(store.subscribe((s, prev) => (s.config !== prev.config ? syncHash() : undefined)));
      const watch = deps.watchdog ?? WATCHDOG;
      unsubscribers.push(recovery.watch(watch.intervalMs, watch.timeoutMs));
      const [capabilities, runs, checkpoints] = await Promise.allSettled([
        client.probe(),
        deps.db.then((db) => db.list()),
        deps.db.then((db) => db.listCheckpoints()),
      ]);
      if (capabilities.status === 'fulfilled') act().setCapabilities(capabilities.value);
      if (runs.status === 'fulfilled') act().setRuns(runs.value);
      else act().runsFailed(`runs are not saved in this browser (IndexedDB: ${message(runs.reason)})`);
      if (checkpoints.status === 'fulfilled' && checkpoints.value[0]) interrupted.offer(checkpoints.value[0]);
    },
    loadFile: (file, name) => loadBlob(file, name),
    async loadDemo() {
      act().dataLoading('demo', 0);
      try {
        const manifest = await doFetch(DEMO_MANIFEST_URL);
        if (!manifest.ok) throw new Error(`no demo set here: ${DEMO_MANIFEST_URL} answered HTTP ${manifest.status}`);
        const demo = demoFileUrl(await manifest.text());
        act().dataLoading(demo.name, demo.bytes ?? 0);
        const response = await doFetch(demo.url);
        if (!response.ok) throw new Error(`could not fetch the demo set ${demo.url} (HTTP ${response.status})`);
        const buffer = await readWithProgress(response, (read, total) => act().dataProgress(read, Math.max(total, demo.bytes ?? 0)));
        await loadBlob(new Blob([buffer]), demo.name); // a Blob: kept to put back into a restarted worker
      } catch (err) {
        act().dataFailed('the demo set', message(err));
      }
    },
    async train() {
      const s = act();
      if (s.data.status !== 'loaded') throw new Error('load a data set first');
      if (s.config.error) throw new Error(s.config.error.message);
      if (finalizing) await finalizing;
      const runId = `run-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e4).toString(36)}`;
      dropMetrics();
      act().resetMetrics();
      act().runConfiguring(runId, { ...s.config.values });
      // A new run replaces any resumable one (the interrupted run's record stays in the runs table if it had one).
      interrupted.forget();
      void keeper.discardAll();
      try {
        const configured = await client.configure({ ...s.config.values });
        act().runConfigured(configured.paramCount, configured.config, configured.backend);
        // Step 0 on the held-out split: the baseline every later figure is compared with (as the CLI does).
        act().appendEval(await client.evaluate());
        await client.start();
      } catch (err) {
        act().runFailed(message(err));
      }
    },
    pause: () => client.pause().catch((err) => act().runFailed(message(err))),
    resume: () => client.resume().catch((err) => act().runFailed(message(err))),
    stop: () => client.stop().catch((err) => act().runFailed(message(err))),
    async evaluate() {
      act().appendEval(await client.evaluate());
    },
    example: (index, topk) => client.example(index, topk),
    confusion: (maxExamples) => client.confusion(maxExamples),
    async measureLatency() {
      act().runLatency(await client.measureLatency());
    },
    async runWeights(id) {
      return (await deps.db).getWeights(id);
    },
    async deleteRun(id) {
      act().removeRun(id);
      try {
        await (await deps.db).delete(id);
      } catch (err) {
        act().runsFailed(`could not delete the run: ${message(err)}`);
      }
    },
    async importRun(report, reportName, weights) {
      const id = `import-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e4).toString(36)}`;
      const record = parseReport(await blobText(report), reportName, id);
      let stored: StoredWeights | undefined;
      if (weights) {
        const bytes = await blobBytes(weights.safetensors);
        checkSafetensors(bytes);
        stored = { id, safetensors: bytes, configJson: weights.configJson ?? JSON.stringify(record.config, null, 2) };
        record.hasWeights = true;
      }
      await saveRun(record, stored);
      return record;
    },
    useRunConfig(id) {
      const run = act().runs.list.find((r) => r.id === id);
      if (run) act().replaceConfig(run.config, null);
    },
    async resumeFromCheckpoint() {
      const { run } = act();
      const record = keeper.latest(run.runId);
      if (!record || !run.config) throw new Error('this run has no checkpoint to resume from');
      if (finalizing) await finalizing;
      act().runRecovering(null);
      act().runNotice(`Resumed from the checkpoint at step ${record.step}.`);
      try {
        await recovery.resume({ record, config: run.config, backend: run.config.backend });
      } catch (err) {
        act().runFailed(message(err));
      }
    },
    resumeInterrupted: () => interrupted.resume(),
    discardInterrupted: () => interrupted.discard(),
    debug: deps.debug === true,
    async injectFault(fault) {
      if (!deps.debug) throw new Error('fault simulation is for debug pages (?debug)');
      await client.debug(fault);
    },
    dispose() {
      if (flushTimer !== null) clearTimeout(flushTimer);
      for (const u of unsubscribers.splice(0)) u();
    },
  };
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value } : null;
  } catch {
    return null;
  }
}

function runName(preset: string | null, seed: number, runId: string): string {
  const time = new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return `${preset ?? 'custom'} · seed ${seed} · ${time} (${runId.slice(-4)})`;
}
