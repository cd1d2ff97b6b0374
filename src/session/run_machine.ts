/**
 * The current run's lifecycle as an explicit state machine: RUN_TRANSITIONS says, for each of the eight
 * statuses, which lifecycle events it takes and where each leads; anything else is ignored (a late 'running'
 * from the worker cannot reopen a finished run). reduceRun applies an event to the run's state: the status by
 * the table, the data the event carries. Pure: the store's run slice holds the state and reduces with it.
 */
import type { BackendChoice } from '../engine/backend.ts';
import type { DistillConfig } from '../engine/config/config.ts';
import type { Capabilities } from '../engine/training/session.ts';
import type { Recovery } from '../io/report.ts';

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
  /** Wall-clock ms (Date.now) when the run first ran, and when it ended. */
  startedAt: number | null;
  endedAt: number | null;
  error: string | null;
  /** Student forward latency measured by the training session, ms per example. */
  studentMsPerExample: number | null;
  /** What the training session can run on, probed at start-up. */
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

export const IDLE_RUN: RunState = Object.freeze({
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
});

/** The run an interrupted page load left (its checkpoint), put back before it is rebuilt. */
export interface RestoredRun {
  runId: string;
  config: DistillConfig;
  backend: BackendChoice | null;
  paramCount: number | null;
  step: number;
  totalSteps: number;
  startedAt: number;
  recoveries: Recovery[];
}

export type RunEvent =
  // lifecycle (RUN_TRANSITIONS)
  | { type: 'reset' }
  | { type: 'configure'; runId: string; config: DistillConfig }
  | { type: 'status'; status: 'running' | 'paused'; step?: number }
  | { type: 'ended'; reason: 'completed' | 'stopped' | 'error'; step: number; error?: string }
  | { type: 'failed'; error: string }
  | { type: 'recovering'; notice: string | null }
  | { type: 'resumed'; step: number; status: 'running' | 'paused'; recovery?: Recovery }
  | { type: 'restore'; run: RestoredRun }
  // facts about the run, taken in any status
  | { type: 'backend'; backend: BackendChoice }
  | { type: 'configured'; paramCount: number; config: DistillConfig; backend: BackendChoice }
  | { type: 'step'; step: number }
  | { type: 'latency'; msPerExample: number }
  | { type: 'saved' }
  | { type: 'capabilities'; capabilities: Capabilities }
  | { type: 'checkpointed'; step: number }
  | { type: 'notice'; notice: string | null };

/** The events RUN_TRANSITIONS is about (a status or an end reason makes separate entries). */
export type Lifecycle =
  | 'reset' | 'configure' | 'run' | 'pause' | 'complete' | 'stop' | 'fail' | 'recover' | 'resume-running' | 'resume-paused' | 'restore';

const ANY_RUN = { run: 'running', pause: 'paused', complete: 'done', stop: 'stopped', fail: 'error', reset: 'idle' } as const;
const FINISHED = { configure: 'configuring', restore: 'recovering', complete: 'done', stop: 'stopped', fail: 'error', reset: 'idle' } as const;
const RESUME = { 'resume-running': 'running', 'resume-paused': 'paused', recover: 'recovering' } as const;

/** status → lifecycle event → next status. A pair not listed is ignored. */
export const RUN_TRANSITIONS: Readonly<Record<RunStatus, Readonly<Partial<Record<Lifecycle, RunStatus>>>>> = Object.freeze({
  idle: { configure: 'configuring', restore: 'recovering', fail: 'error', reset: 'idle' },
  configuring: ANY_RUN,
  running: { ...ANY_RUN, recover: 'recovering' },
  paused: { ...ANY_RUN, recover: 'recovering' },
  recovering: { ...ANY_RUN, ...RESUME },
  done: FINISHED,
  stopped: FINISHED,
  // A failed run can be resumed from its checkpoint.
  error: { ...FINISHED, ...RESUME },
});

/** The table entry of an event, or null for an event that carries facts only. */
export function lifecycleOf(event: RunEvent): Lifecycle | null {
  switch (event.type) {
    case 'reset':
    case 'configure':
    case 'restore':
      return event.type;
    case 'status':
      return event.status === 'running' ? 'run' : 'pause';
    case 'ended':
      return event.reason === 'completed' ? 'complete' : event.reason === 'stopped' ? 'stop' : 'fail';
    case 'failed':
      return 'fail';
    case 'recovering':
      return 'recover';
    case 'resumed':
      return event.status === 'running' ? 'resume-running' : 'resume-paused';
    default:
      return null;
  }
}

/** The status `event` leads to from `status` (the same status for facts), or null when it is ignored there. */
export function nextStatus(status: RunStatus, event: RunEvent): RunStatus | null {
  const lifecycle = lifecycleOf(event);
  if (lifecycle === null) return status;
  return RUN_TRANSITIONS[status][lifecycle] ?? null;
}

/** The run after `event` (the same object when the table ignores it). `now`: the clock for start and end. */
export function reduceRun(run: RunState, event: RunEvent, now: number = Date.now()): RunState {
  const status = nextStatus(run.status, event);
  if (status === null) return run;
  const fresh = { ...IDLE_RUN, capabilities: run.capabilities };
  switch (event.type) {
    case 'reset':
      return fresh;
    case 'configure':
      return { ...fresh, status, runId: event.runId, config: event.config, totalSteps: event.config.steps };
    case 'restore': {
      const r = event.run;
      const { runId, config, backend, paramCount, step, totalSteps, startedAt, recoveries } = r;
      return { ...fresh, status, runId, config, backend, paramCount, step, totalSteps, startedAt, checkpointStep: step, recoveries };
    }
    case 'status':
      return { ...run, status, step: event.step ?? run.step, startedAt: status === 'running' && run.startedAt === null ? now : run.startedAt };
    case 'ended':
      return { ...run, status, step: Math.max(event.step, run.step), endedAt: now, error: event.error ?? null };
    case 'failed':
      return { ...run, status, error: event.error, endedAt: now };
    case 'recovering':
      return { ...run, status, notice: event.notice ?? run.notice };
    case 'resumed':
      return {
        ...run,
        status,
        step: event.step,
        error: null,
        endedAt: null,
        saved: false,
        recoveries: event.recovery ? [...run.recoveries, event.recovery] : run.recoveries,
      };
    case 'backend':
      return { ...run, backend: event.backend };
    case 'configured':
      return { ...run, paramCount: event.paramCount, config: event.config, backend: event.backend, totalSteps: event.config.steps };
    case 'step':
      return { ...run, step: Math.max(event.step, run.step) };
    case 'latency':
      return { ...run, studentMsPerExample: event.msPerExample };
    case 'saved':
      return { ...run, saved: true };
    case 'capabilities':
      return { ...run, capabilities: event.capabilities };
    case 'checkpointed':
      return { ...run, checkpointStep: event.step };
    case 'notice':
      return { ...run, notice: event.notice };
  }
}

/** The run is between configure and its end (Train is refused; faults are recovered). */
export function isActive(status: RunStatus): boolean {
  return status === 'configuring' || status === 'running' || status === 'paused' || status === 'recovering';
}
