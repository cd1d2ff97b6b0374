/** Run slice: the lifecycle of the current run and the worker's facts about it (backend, parameters, speed). */
import type { StateCreator } from 'zustand';
import type { DistillConfig } from '../engine/config/config.ts';
import type { BackendChoice } from '../engine/backend.ts';
import type { Capabilities } from '../worker/protocol.ts';
import type { CheckpointRecord, Recovery } from './checkpoint_record.ts';
import type { AppState } from './store.ts';

/** 'recovering': the worker is being restarted / the run rebuilt from its last checkpoint. */
export type RunStatus = 'idle' | 'configuring' | 'running' | 'paused' | 'recovering' | 'done' | 'stopped' | 'error';

export interface RunState {
  status: RunStatus;
  /** Id of the run in the runs table (IndexedDB key). */
  runId: string | null;
  /** The resolved config the run trains with (frozen into its record). */
  config: DistillConfig | null;
  backend: BackendChoice | null;
  paramCount: number | null;
  step: number;
  totalSteps: number;
  /** Wall-clock ms (Date.now) at start, and the ms spent paused so far (ETA ignores pauses). */
  startedAt: number | null;
  endedAt: number | null;
  error: string | null;
  /** Student forward latency measured in the page's worker, ms per example. */
  studentMsPerExample: number | null;
  /** What the worker can run on, probed at start-up. */
  capabilities: Capabilities | null;
  /** The run was saved to IndexedDB. */
  saved: boolean;
  /** Step of the run's last checkpoint (null: none yet). */
  checkpointStep: number | null;
  /** What the page did about a fault (lost device, crashed worker), in words. */
  notice: string | null;
  /** Backend changes after faults, in order. */
  recoveries: Recovery[];
}

export interface RunSlice {
  run: RunState;
  /** Back to no run (a new data set disposes the trainer); keeps the probed capabilities. */
  runReset(): void;
  runConfiguring(runId: string, config: DistillConfig): void;
  runBackend(backend: BackendChoice): void;
  runConfigured(paramCount: number, config: DistillConfig, backend: BackendChoice): void;
  runStatus(status: RunStatus, step?: number): void;
  runStep(step: number): void;
  runEnded(reason: 'completed' | 'stopped' | 'error', step: number, error?: string): void;
  runFailed(error: string): void;
  runLatency(msPerExample: number): void;
  runSaved(): void;
  setCapabilities(capabilities: Capabilities): void;
  runCheckpointed(step: number): void;
  /** The worker is being restarted or the run rebuilt; `notice` says why. */
  runRecovering(notice: string | null): void;
  /** The run continues from `step` (a checkpoint), running or paused, the failure cleared. */
  runResumed(step: number, status: 'running' | 'paused', recovery?: Recovery): void;
  runNotice(notice: string | null): void;
  /** Puts an interrupted run from an earlier page load back (before it is rebuilt in the worker). */
  runRestore(record: CheckpointRecord): void;
}

export const IDLE_RUN: RunState = {
  status: 'idle',
  runId: null,
  config: null,
  backend: null,
  paramCount: null,
  step: 0,
  totalSteps: 0,
  startedAt: null,
  endedAt: null,
  error: null,
  studentMsPerExample: null,
  capabilities: null,
  saved: false,
  checkpointStep: null,
  notice: null,
  recoveries: [],
};

export const createRunSlice: StateCreator<AppState, [], [], RunSlice> = (set) => ({
  run: IDLE_RUN,
  runReset: () => set((s) => ({ run: { ...IDLE_RUN, capabilities: s.run.capabilities } })),
  runConfiguring: (runId, config) =>
    set((s) => ({
      run: { ...IDLE_RUN, capabilities: s.run.capabilities, status: 'configuring', runId, config, totalSteps: config.steps },
    })),
  runBackend: (backend) => set((s) => ({ run: { ...s.run, backend } })),
  runConfigured: (paramCount, config, backend) =>
    set((s) => ({ run: { ...s.run, paramCount, config, backend, totalSteps: config.steps } })),
  runStatus: (status, step) =>
    set((s) => {
      // 'done'/'stopped'/'error' are final: a late status event from the worker must not reopen the run.
      if (s.run.status === 'done' || s.run.status === 'stopped' || s.run.status === 'error') return {};
      const startedAt = status === 'running' && s.run.startedAt === null ? Date.now() : s.run.startedAt;
      return { run: { ...s.run, status, step: step ?? s.run.step, startedAt } };
    }),
  runStep: (step) => set((s) => ({ run: { ...s.run, step: Math.max(step, s.run.step) } })),
  runEnded: (reason, step, error) =>
    set((s) => ({
      run: {
        ...s.run,
        status: reason === 'completed' ? 'done' : reason === 'stopped' ? 'stopped' : 'error',
        step: Math.max(step, s.run.step),
        endedAt: Date.now(),
        error: error ?? null,
      },
    })),
  runFailed: (error) => set((s) => ({ run: { ...s.run, status: 'error', error, endedAt: Date.now() } })),
  runLatency: (msPerExample) => set((s) => ({ run: { ...s.run, studentMsPerExample: msPerExample } })),
  runSaved: () => set((s) => ({ run: { ...s.run, saved: true } })),
  setCapabilities: (capabilities) => set((s) => ({ run: { ...s.run, capabilities } })),
  runCheckpointed: (step) => set((s) => ({ run: { ...s.run, checkpointStep: step } })),
  runRecovering: (notice) => set((s) => ({ run: { ...s.run, status: 'recovering', notice: notice ?? s.run.notice } })),
  runResumed: (step, status, recovery) =>
    set((s) => ({
      run: {
        ...s.run,
        status,
        step,
        error: null,
        endedAt: null,
        saved: false,
        recoveries: recovery ? [...s.run.recoveries, recovery] : s.run.recoveries,
      },
    })),
  runNotice: (notice) => set((s) => ({ run: { ...s.run, notice } })),
  runRestore: (record) =>
    set((s) => ({
      run: {
        ...IDLE_RUN,
        capabilities: s.run.capabilities,
        status: 'recovering',
        runId: record.id,
        config: record.config,
        backend: record.backend,
        paramCount: record.paramCount,
        step: record.step,
        totalSteps: record.totalSteps,
        startedAt: record.startedAt,
        checkpointStep: record.step,
        recoveries: record.recoveries,
      },
    })),
});
