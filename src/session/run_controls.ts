/**
 * The run's verbs — Train, Pause, Resume, Stop — with their feedback states (run_machine.ts): a request shows
 * at once as pausing… / stopping…, and the worker's answer (which lands between report windows) settles it.
 *
 * Train refuses a configuration whose step cannot fit its backend's memory before anything is built
 * (step_check.ts), with the trainer's own numbers and advice. Stop works in every going status. While the
 * student is being built (configure, then the step-0 evaluation), the worker's thread is busy in the build
 * and cannot take a message: Stop waits up to STOP_GRACE_MS for the build to answer, then restarts the worker
 * (which puts the data file back into a fresh one); either way the run ends 'stopped' with nothing to save,
 * since it never trained a step.
 */
import type { BackendChoice } from '../engine/backend.ts';
import type { DistillConfig } from '../engine/config/config.ts';
import type { ConfigureOptions } from '../engine/training/session.ts';
import { configBlocked } from '../store/config_slice.ts';
import type { AppStore } from '../store/store.ts';
import type { TrainingClient } from '../worker/client.ts';
import { newRunId } from './run_archive.ts';
import { canStop, isActive } from './run_machine.ts';
import { checkRunFits } from './step_check.ts';

/** How long Stop waits for a student being built before the worker is restarted to stop it. */
export const STOP_GRACE_MS = 2000;

export interface RunControlDeps {
  training: TrainingClient;
  store: AppStore;
  /** The ended run being saved, if any: a new run starts after it is stored. */
  finishing(): Promise<void> | null;
  /** A new run starts: buffered metrics, the interrupted run's offer and older checkpoints go. */
  beforeRun(): void;
  /** What configure is given besides the config (the teacher weights the student starts from). */
  configureOptions(): ConfigureOptions | undefined;
  /** Restarts the training worker and puts the data file back (recovery.ts). */
  restartWorker(): Promise<void>;
  /** A fault is being recovered from: a request the lost worker rejected is the recovery's, not a failed run. */
  recovering(): boolean;
  stopGraceMs?: number;
}

export interface RunControls {
  /** Train with the form's config (refused while the form is blocked). */
  train(): Promise<void>;
  /**
   * Starts a run with `config` (a sweep row's; the form's when absent) and, when given, a backend chosen
   * earlier (a sweep's first row), skipping the selection. Throws (one line) when it cannot start; resolves
   * with the run's id once it trains, or null when it was stopped or failed while being built.
   */
  start(config?: DistillConfig, backend?: BackendChoice): Promise<string | null>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

/** A build in progress: whether Stop was pressed, and the timer that restarts the worker if it does not answer. */
interface Build {
  stopped: boolean;
  /** The worker was restarted to end it. */
  restarted: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function createRunControls(deps: RunControlDeps): RunControls {
  const { training, store } = deps;
  const act = () => store.getState();
  const fail = (err: unknown) => act().runEvent({ type: 'failed', error: message(err) });
  /** A pause / resume / stop the worker refused; one lost with a crashed worker is left to the recovery. */
  const refused = (err: unknown) => {
    if (!deps.recovering()) fail(err);
  };
  const grace = deps.stopGraceMs ?? STOP_GRACE_MS;
  let building: Build | null = null;
  /** A worker restarted by Stop, still loading the data file back: the next run waits for it. */
  let restarting: Promise<void> | null = null;

  /** The run stopped before its first step: nothing trained, nothing to save. */
  function abandon(build: Build): null {
    clearTimeout(build.timer);
    act().runEvent({ type: 'abandoned' });
    const how = build.restarted ? ': the student was still being built, so the training worker was restarted (the data set is loaded again)' : '';
    act().runEvent({ type: 'notice', notice: `Stopped before the first step${how}.` });
    return null;
  }

  /** Stop pressed during a build that did not answer in time: a fresh worker ends it. */
  async function restartFor(build: Build) {
    if (building !== build) return;
    build.restarted = true;
    // Rejects the pending configure / evaluate: train() abandons the run.
    restarting = deps.restartWorker().catch((err: unknown) => {
      act().runEvent({ type: 'notice', notice: `the training worker could not be restarted (${message(err)}): reload the page` });
    });
    await restarting;
    restarting = null;
  }

  async function start(given?: DistillConfig, backend?: BackendChoice): Promise<string | null> {
    const s = act();
    if (s.data.status !== 'loaded') throw new Error('load a data set first');
    const blocked = given ? null : configBlocked(s.config);
    if (blocked) throw new Error(blocked);
    if (isActive(s.run.status)) throw new Error('a run is in progress: stop it first');
    const config = { ...(given ?? s.config.values) };
    const fit = checkRunFits(s.data.summary, config, s.run.capabilities);
    if (fit?.refusal) throw new Error(fit.refusal);
    const finishing = deps.finishing();
    if (finishing) await finishing;
    if (restarting) await restarting;
    const runId = newRunId('run');
    deps.beforeRun();
    act().setStoredCompare(null); // the training session's student is this run's from now on
    act().runEvent({ type: 'configure', runId, config });
    const build: Build = { stopped: false, restarted: false };
    building = build;
    try {
      const options = { ...deps.configureOptions(), ...(backend ? { backend } : {}) };
      const configured = await training.configure(config, Object.keys(options).length > 0 ? options : undefined);
      if (build.stopped) return abandon(build);
      act().runEvent({ type: 'configured', ...configured });
      // Step 0 on the held-out split: the baseline every later figure is compared with (as the CLI does).
      const baseline = await training.evaluate();
      if (build.stopped) return abandon(build);
      act().appendEval(baseline);
      building = null;
      await training.start();
      // Stop pressed as the run was starting: the trainer exists now, and stops like any running one.
      if (act().run.status === 'stopping') await training.stop();
      return runId;
    } catch (err) {
      if (build.stopped) return abandon(build);
      fail(err);
      return null;
    } finally {
      clearTimeout(build.timer);
      if (building === build) building = null;
    }
  }

  return {
    async train() {
      await start();
    },
    start,
    async pause() {
      if (act().run.status !== 'running') return;
      act().runEvent({ type: 'requested', verb: 'pause' });
      await training.pause().catch(refused);
    },
    async resume() {
      if (act().run.status !== 'paused') return;
      await training.resume().catch(refused);
    },
    async stop() {
      const { status } = act().run;
      if (!canStop(status)) return;
      act().runEvent({ type: 'requested', verb: 'stop' });
      const build = building;
      if (build) {
        build.stopped = true;
        build.timer = setTimeout(() => void restartFor(build), grace);
        return;
      }
      // Starting (train() stops it once the worker took the start), or rebuilt after a fault (the recovery
      // stops it once it stands): both see 'stopping'.
      if (status === 'configuring' || status === 'recovering') return;
      await training.stop().catch(refused);
    },
  };
}
