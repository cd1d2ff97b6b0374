/**
 * What the page session is given and what it offers (page_session.ts builds it): the verbs the panels call.
 */
import type { ConfusionData, ExampleView } from '../engine/training/session.ts';
import type { HandoffSources } from '../io/handoff_files.ts';
import type { AppStore } from '../store/store.ts';
import type { RunRecord } from '../store/run_record.ts';
import type { TrainingClient } from '../worker/client.ts';
import type { DebugFault } from '../worker/protocol.ts';
import type { RunArchive } from './run_archive.ts';
import type { DownloadFile, RunFileKind } from './run_files.ts';
import type { StoredRuns } from './stored_runs.ts';
import type { SweepRunner } from './sweep_runner.ts';

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
  /** How long Stop waits for a student being built before it restarts the worker (run_controls.ts). */
  stopGraceMs?: number;
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
