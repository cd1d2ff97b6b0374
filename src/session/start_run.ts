/**
 * Starting a run: a fresh run id and empty charts, the run machine configuring, any resumable run forgotten,
 * then the training session configured with the config (the form's, or a sweep row's), the step-0 held-out
 * evaluation (the baseline every later figure is compared with, as the CLI does), and the run started.
 */
import type { BackendChoice } from '../engine/backend.ts';
import type { DistillConfig } from '../engine/config/config.ts';
import type { ConfigureOptions } from '../engine/training/session.ts';
import { configBlocked } from '../store/config_slice.ts';
import type { AppStore } from '../store/store.ts';
import type { TrainingClient } from '../worker/client.ts';
import { newRunId } from './run_archive.ts';
import { isActive } from './run_machine.ts';

export interface StartRunDeps {
  training: TrainingClient;
  store: AppStore;
  /** The previous run's finishing work, if any (awaited first: it reads the store's run). */
  finalizing(): Promise<void> | null;
  /** Drops what the metrics buffer holds. */
  dropMetrics(): void;
  /** What else the training session's configure takes for the next run (the teacher weights to start from). */
  configureOptions?(): ConfigureOptions | undefined;
  /** A new run replaces any resumable one: the interrupted offer goes, and every stored checkpoint. */
  forgetResumable(): void;
  fail(err: unknown): void;
}

/**
 * Returns the verb: `config` defaults to the form's (refused while the form is invalid); `backend`, a choice
 * made earlier (a sweep's first row), skips the selection. Resolves with the run's id once it trains, or null
 * when it could not start (the run panel shows why).
 */
export function createRunStarter(deps: StartRunDeps): (config?: DistillConfig, backend?: BackendChoice) => Promise<string | null> {
  const act = () => deps.store.getState();
  return async (config, backend) => {
    const s = act();
    if (s.data.status !== 'loaded') throw new Error('load a data set first');
    const blocked = config ? null : configBlocked(s.config);
    if (blocked) throw new Error(blocked);
    if (isActive(s.run.status)) throw new Error('a run is in progress: stop it first');
    await deps.finalizing();
    const runId = newRunId('run');
    const runConfig = { ...(config ?? act().config.values) };
    deps.dropMetrics();
    act().resetMetrics();
    act().setStoredCompare(null); // the training session's student is this run's from now on
    act().runEvent({ type: 'configure', runId, config: runConfig });
    deps.forgetResumable();
    try {
      const options = { ...deps.configureOptions?.(), ...(backend ? { backend } : {}) };
      const configured = await deps.training.configure(runConfig, Object.keys(options).length > 0 ? options : undefined);
      act().runEvent({ type: 'configured', ...configured });
      act().appendEval(await deps.training.evaluate());
      await deps.training.start();
      return runId;
    } catch (err) {
      deps.fail(err);
      return null;
    }
  };
}
