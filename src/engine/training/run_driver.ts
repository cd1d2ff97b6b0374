/**
 * Drives one trainer's loop for a training session (local_session.ts): start / pause / stop, the periodic checkpoints, and one
 * 'done' event per failure, with its kind.
 *
 * Checkpoints: `saveCheckpoint()` needs a paused loop, so when a report window ends with a checkpoint due
 * (checkpoint_every steps or checkpoint_seconds since the last one) the driver pauses the trainer, takes the
 * snapshot while the loop is stopped between windows, and starts it again. Pausing between windows does not
 * change the curve: the step counter, the seeded streams and the evaluation schedule carry on. A pause asked
 * for by the person also leaves a checkpoint, so a reload while paused resumes exactly there.
 */
import type { Trainer, TrainerCallbacks, TrainerCheckpoint } from '../trainer_types.ts';
import type { SessionEvent } from './session.ts';

export interface RunDriver {
  /** The callbacks to build the trainer with (they post steps / evals / done and schedule checkpoints). */
  readonly callbacks: TrainerCallbacks;
  /** Binds the trainer built with `callbacks`. */
  attach(trainer: Trainer): void;
  readonly trainer: Trainer;
  /** Runs (or resumes) the loop; false when the run is over. */
  start(): boolean;
  pause(): void;
  stop(): void;
  /** Restores a checkpoint into the paused trainer; the cadence counts from its step. */
  restore(checkpoint: TrainerCheckpoint): Promise<void>;
  /** Stops posting events (the trainer itself is disposed by the session). */
  dispose(): void;
}

export interface RunDriverOptions {
  /** Clock for the checkpoint cadence (ms). */
  now?: () => number;
  /**
   * Resolves once a failure's cause is known. On webgpu a lost device often shows first as a failed read
   * (mapAsync), before `device.lost` settles: the worker waits for it briefly, and if the device was lost the
   * session disposes this driver and reports the loss instead of a failed run.
   */
  settleFailure?: () => Promise<void>;
  /** Take checkpoints (the page keeps them to resume a run); false: never (the CLI). Default true. */
  checkpoints?: boolean;
}

export function createRunDriver(emit: (event: SessionEvent) => void, options: RunDriverOptions = {}): RunDriver {
  const now = options.now ?? Date.now;
  let bound: Trainer | null = null;
  let last = { step: 0, at: now() };
  /** A report window ended with a checkpoint due; the loop was asked to pause for it. */
  let checkpointDue = false;
  /** What the page asked for: the loop should be running (start / resume) or not (pause / stop). */
  let wantRunning = false;
  /** The loop (or the pause-checkpoint-resume cycle around it) is in progress. */
  let looping = false;
  let disposed = false;

  const trainer = (): Trainer => {
    if (!bound) throw new Error('the run driver has no trainer yet');
    return bound;
  };
  const post = (event: SessionEvent) => {
    if (!disposed) emit(event);
  };

  const checkpoints = options.checkpoints ?? true;

  function considerCheckpoint(step: number): void {
    const t = bound;
    if (!checkpoints || !t || step >= t.config.steps) return;
    const every = t.config.checkpoint_every;
    const seconds = t.config.checkpoint_seconds;
    const bySteps = every > 0 && step - last.step >= every;
    const byTime = seconds > 0 && now() - last.at >= seconds * 1000;
    if (bySteps || byTime) {
      checkpointDue = true;
      t.pause();
    }
  }

  async function takeCheckpoint(t: Trainer): Promise<void> {
    try {
      // Refused (rejects) when a weight or moment is non-finite (train/checkpoint.ts): the previous one stays.
      const checkpoint = await t.saveCheckpoint();
      if (disposed) return;
      last = { step: checkpoint.step, at: now() };
      post({ type: 'checkpoint', checkpoint });
    } catch {
      // Not fatal (a non-finite weight, a failed read): the run goes on and the next window tries again
      // (`last` is unchanged).
    }
  }

  function loop(t: Trainer): void {
    looping = true;
    t.start().then(
      () => settle(t),
      async (err: unknown) => {
        looping = false;
        wantRunning = false;
        checkpointDue = false;
        await options.settleFailure?.();
        const failure = err instanceof Error && err.name === 'NonFiniteError' ? 'non_finite' : 'runtime';
        post({ type: 'done', reason: 'error', step: t.currentStep(), error: message(err), failure });
        post({ type: 'status', status: t.status(), step: t.currentStep() });
      },
    );
  }

  /** The loop yielded (paused, stopped, done): checkpoint if due, then run on or report where it stands. */
  async function settle(t: Trainer): Promise<void> {
    if (disposed) return;
    if (checkpoints && t.status() === 'paused' && (checkpointDue || !wantRunning)) {
      checkpointDue = false;
      await takeCheckpoint(t);
      if (disposed) return;
    }
    if (wantRunning && t.status() === 'paused') {
      loop(t); // paused for the checkpoint, or resumed while it was being taken
      return;
    }
    looping = false;
    post({ type: 'status', status: t.status(), step: t.currentStep() });
  }

  const callbacks: TrainerCallbacks = {
    onStep: (records) => {
      post({ type: 'steps', records });
      considerCheckpoint(records.at(-1)?.step ?? 0);
    },
    onEval: (record) => post({ type: 'eval', record }),
    // A failure is posted once by loop(), with its kind; completed and stopped runs are posted here.
    onDone: (summary) => {
      if (summary.reason !== 'error') post({ type: 'done', ...summary });
    },
  };

  return {
    callbacks,
    attach(t) {
      bound = t;
      last = { step: t.currentStep(), at: now() };
    },
    get trainer() {
      return trainer();
    },
    start() {
      const t = trainer();
      if (t.status() === 'done' || t.status() === 'disposed') return false;
      wantRunning = true;
      if (!looping) loop(t);
      return true;
    },
    pause() {
      wantRunning = false;
      trainer().pause();
    },
    stop() {
      wantRunning = false;
      trainer().stop();
    },
    async restore(checkpoint) {
      await trainer().loadCheckpoint(checkpoint);
      last = { step: checkpoint.step, at: now() };
    },
    dispose() {
      disposed = true;
      wantRunning = false;
    },
  };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
