/**
 * The current run's lifecycle as an explicit state machine: RUN_TRANSITIONS says, for each status, which
 * lifecycle events it takes and where each leads; anything else is ignored (a late 'running' from the worker
 * cannot reopen a finished run). reduceRun applies an event to the run's state: the status by the table, the
 * data the event carries. Pure: the store's run slice holds the state and reduces with it.
 *
 * Feedback states: the worker takes Pause and Stop only between report windows (seconds on a big student), so
 * a request shows at once as `pausing` / `stopping` until the worker's answer lands; a run that ended is
 * `saving` until its record is stored (only then is its checkpoint dropped: session/run_end.ts).
 */
import type { BackendChoice } from '../engine/backend.ts';
import type { DistillConfig } from '../engine/config/config.ts';
import type { TrimDecision } from '../engine/data/trim_vocab.ts';
import type { Capabilities } from '../engine/training/session.ts';
import type { Recovery } from '../io/report.ts';

/** 'recovering': the worker is being restarted / the run rebuilt from its last checkpoint. */
export type RunStatus =
  | 'idle' | 'configuring' | 'running' | 'pausing' | 'paused' | 'stopping' | 'saving' | 'recovering' | 'done' | 'stopped' | 'error';

/** How a run ended (the status it settles in once saved: done, stopped, error). */
export type EndReason = 'completed' | 'stopped' | 'error';

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
  /** The run's record is stored (IndexedDB, or this tab's memory when IndexedDB is unavailable). */
  saved: boolean;
  /** How the run ended, from its end (while `saving`) on; null before. */
  outcome: EndReason | null;
  /** Step of the run's last checkpoint (null: none yet). */
  checkpointStep: number | null;
  /** What the page did about a fault (lost device, crashed worker), in words. */
  notice: string | null;
  /** Backend changes after faults, in order. */
  recoveries: Recovery[];
  /** The session's trim_vocab decision (with its numbers), once configured; null for a classifier or before. */
  vocabulary: TrimDecision | null;
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
  outcome: null,
  checkpointStep: null,
  notice: null,
  recoveries: [],
  vocabulary: null,
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
  /** The person asked to pause or stop; the worker's answer lands later (pausing / stopping until then). */
  | { type: 'requested'; verb: 'pause' | 'stop' }
  /** A run stopped before it trained a step (while its student was being built): nothing to save. */
  | { type: 'abandoned' }
  /** The run ended: it is saved next (saving), then settles by its reason. */
  | { type: 'ended'; reason: EndReason; step: number; error?: string }
  /** The ended run's record is stored (or could not be: `stored` false, the runs table says why). */
  | { type: 'saved'; reason: EndReason; stored: boolean }
  | { type: 'failed'; error: string }
  | { type: 'recovering'; notice: string | null }
  | { type: 'resumed'; step: number; status: 'running' | 'paused'; recovery?: Recovery }
  | { type: 'restore'; run: RestoredRun }
  // facts about the run, taken in any status
  | { type: 'backend'; backend: BackendChoice }
  | { type: 'configured'; paramCount: number; config: DistillConfig; backend: BackendChoice; vocabulary?: TrimDecision }
  | { type: 'step'; step: number }
  | { type: 'latency'; msPerExample: number }
  | { type: 'capabilities'; capabilities: Capabilities }
  | { type: 'checkpointed'; step: number }
  | { type: 'notice'; notice: string | null };

/** The events RUN_TRANSITIONS is about (a status, a verb or an end reason makes separate entries). */
export type Lifecycle =
  | 'reset' | 'configure' | 'run' | 'pause' | 'ask-pause' | 'ask-stop' | 'abandon' | 'end'
  | 'saved-completed' | 'saved-stopped' | 'saved-error'
  | 'fail' | 'recover' | 'resume-running' | 'resume-paused' | 'restore';

/** What every status of a going run takes: its end, a failed request, a reset (a new file). */
const GOING = { end: 'saving', fail: 'error', reset: 'idle' } as const;
const FINISHED = { configure: 'configuring', restore: 'recovering', fail: 'error', reset: 'idle' } as const;
const RESUME = { 'resume-running': 'running', 'resume-paused': 'paused', recover: 'recovering' } as const;

/** status → lifecycle event → next status. A pair not listed is ignored. */
export const RUN_TRANSITIONS: Readonly<Record<RunStatus, Readonly<Partial<Record<Lifecycle, RunStatus>>>>> = Object.freeze({
  idle: { configure: 'configuring', restore: 'recovering', fail: 'error', reset: 'idle' },
  // Building the student (and the step-0 evaluation): Stop is taken here too.
  configuring: { ...GOING, run: 'running', pause: 'paused', 'ask-stop': 'stopping' },
  running: { ...GOING, run: 'running', pause: 'paused', 'ask-pause': 'pausing', 'ask-stop': 'stopping', recover: 'recovering' },
  // A late 'running' (the window before the pause) is ignored; the pause lands as 'paused'.
  pausing: { ...GOING, pause: 'paused', 'ask-stop': 'stopping', recover: 'recovering' },
  paused: { ...GOING, run: 'running', pause: 'paused', 'ask-stop': 'stopping', recover: 'recovering' },
  // Stop wins over everything but the run's end: late statuses, a fault's recovery and its resume stay stopping.
  stopping: { ...GOING, abandon: 'stopped', recover: 'stopping', 'resume-running': 'stopping', 'resume-paused': 'stopping' },
  recovering: { ...GOING, ...RESUME, run: 'running', pause: 'paused', 'ask-stop': 'stopping' },
  saving: { 'saved-completed': 'done', 'saved-stopped': 'stopped', 'saved-error': 'error', reset: 'idle' },
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
    case 'requested':
      return event.verb === 'pause' ? 'ask-pause' : 'ask-stop';
    case 'abandoned':
      return 'abandon';
    case 'ended':
      return 'end';
    case 'saved':
      return `saved-${event.reason}`;
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
    case 'requested':
      return { ...run, status };
    case 'abandoned':
      return { ...run, status, endedAt: now, outcome: 'stopped' };
    case 'ended':
      return { ...run, status, step: Math.max(event.step, run.step), endedAt: now, error: event.error ?? null, outcome: event.reason, saved: false };
    case 'saved':
      return { ...run, status, saved: event.stored };
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
        outcome: null,
        recoveries: event.recovery ? [...run.recoveries, event.recovery] : run.recoveries,
      };
    case 'backend':
      return { ...run, backend: event.backend };
    case 'configured':
      // a rebuild after a fault reconfigures with the decided trim_vocab: the decision stands
      return { ...run, paramCount: event.paramCount, config: event.config, backend: event.backend, totalSteps: event.config.steps, vocabulary: event.vocabulary ?? run.vocabulary };
    case 'step':
      return { ...run, step: Math.max(event.step, run.step) };
    case 'latency':
      return { ...run, studentMsPerExample: event.msPerExample };
    case 'capabilities':
      return { ...run, capabilities: event.capabilities };
    case 'checkpointed':
      return { ...run, checkpointStep: event.step };
    case 'notice':
      return { ...run, notice: event.notice };
  }
}

const ACTIVE: ReadonlySet<RunStatus> = new Set(['configuring', 'running', 'pausing', 'paused', 'stopping', 'recovering']);

/** The run is between configure and its end (Train is refused; faults are recovered). */
export function isActive(status: RunStatus): boolean {
  return ACTIVE.has(status);
}

/** A new run may start (Train): the table takes `configure` here. */
export function canStartRun(status: RunStatus): boolean {
  return RUN_TRANSITIONS[status].configure !== undefined;
}

/** Stop is taken (the table leads to `stopping`). */
export function canStop(status: RunStatus): boolean {
  return RUN_TRANSITIONS[status]['ask-stop'] !== undefined;
}

/** The worker's set may not be replaced now: a run trains on it, or its result is being saved (paused runs may). */
export function locksData(status: RunStatus): boolean {
  return (isActive(status) && status !== 'paused') || status === 'saving';
}
