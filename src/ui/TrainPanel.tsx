/**
 * Train: start / pause / resume / stop, the progress bar with ETA, what the run uses (backend, seed), its last
 * checkpoint, what the page did about a fault, and — for a failed run with a checkpoint — resume from it.
 * A request shows at once (pausing…, stopping…; the worker takes it between report windows), an ended run is
 * "saving…" until it is stored, and a config whose step cannot fit the backend's memory is refused here,
 * with the numbers and what to change, before anything is built.
 */
import { canStartRun, canStop, type RunStatus } from '../session/run_machine.ts';
import { configBlocked } from '../store/config_slice.ts';
import { useApp, useSession } from './app_context.tsx';
import { ProgressBar } from './ProgressBar.tsx';
import { etaSeconds } from './eta.ts';
import { formatCount, formatDuration, formatNumber } from './format.ts';
import { useStepFit } from './use_step_fit.ts';

const STATUS_TEXT: Readonly<Record<RunStatus, string>> = {
  idle: 'ready',
  configuring: 'building the student…',
  running: 'training',
  pausing: 'pausing…',
  paused: 'paused',
  stopping: 'stopping…',
  saving: 'saving…',
  recovering: 'recovering…',
  done: 'done',
  stopped: 'stopped',
  error: 'failed',
};

export function TrainPanel() {
  const session = useSession();
  const run = useApp((s) => s.run);
  const history = useApp((s) => s.metrics.history);
  const dataReady = useApp((s) => s.data.status === 'loaded');
  const blocked = useApp((s) => configBlocked(s.config));
  const formSeed = useApp((s) => s.config.values.seed);
  const fit = useStepFit();
  const refusal = dataReady ? (fit?.refusal ?? null) : null;
  const canResumeCheckpoint = run.status === 'error' && run.checkpointStep !== null;
  const last = history.at(-1);
  const eta = run.status === 'running' ? etaSeconds(history, run.step, run.totalSteps) : null;
  const canTrain = dataReady && !blocked && !refusal && canStartRun(run.status);
  const why = !dataReady ? 'load a data set first' : (blocked ?? refusal ?? (run.status === 'saving' ? 'the last run is being saved' : undefined));

  return (
    <section className="panel train-panel" aria-labelledby="train-title">
      <div className="train-head">
        <h2 id="train-title">Train</h2>
        <div className="row">
          <button
            type="button"
            className="primary"
            data-train-button=""
            disabled={!canTrain}
            title={why}
            onClick={() => void session.train().catch(() => undefined)}
          >
            {run.status === 'idle' ? 'Train' : 'Train again'}
          </button>
          {(run.status === 'running' || run.status === 'pausing') && (
            <button type="button" disabled={run.status === 'pausing'} onClick={() => void session.pause()}>
              {run.status === 'pausing' ? 'Pausing…' : 'Pause'}
            </button>
          )}
          {run.status === 'paused' && (
            <button type="button" disabled={!dataReady} onClick={() => void session.resume()}>
              Resume
            </button>
          )}
          {canResumeCheckpoint && (
            <button
              type="button"
              data-testid="resume-checkpoint"
              title="rebuild the student from its last checkpoint (weights, optimiser state, data order) and continue"
              onClick={() => void session.resumeFromCheckpoint()}
            >
              Resume from step {run.checkpointStep}
            </button>
          )}
          <button type="button" disabled={!canStop(run.status)} onClick={() => void session.stop()}>
            {run.status === 'stopping' ? 'Stopping…' : 'Stop'}
          </button>
        </div>
        <div className="train-status" data-testid="run-status" data-status={run.status} aria-live="polite" aria-atomic="true">
          <strong>{STATUS_TEXT[run.status]}</strong>
          {run.totalSteps > 0 && (
            <span>
              {' '}
              · step <span data-testid="run-step">{run.step}</span> / {run.totalSteps}
            </span>
          )}
          {eta !== null && <span> · ETA {formatDuration(eta)}</span>}
          {run.saved && <span> · saved</span>}
        </div>
      </div>
      {refusal && (
        <p className="error" role="alert" data-testid="train-refusal">
          Cannot train this configuration: {refusal}
        </p>
      )}
      <ProgressBar value={run.totalSteps > 0 ? run.step / run.totalSteps : 0} label="training progress" />
      <div className="run-facts">
        <span>backend: <strong data-testid="run-backend">{run.backend?.name ?? '—'}</strong></span>
        <span>seed: <strong>{run.config?.seed ?? formSeed}</strong></span>
        <span>student: <strong>{formatCount(run.paramCount)}</strong> params</span>
        {run.checkpointStep !== null && (
          <span>
            checkpoint: step <strong data-testid="run-checkpoint">{run.checkpointStep}</strong>
          </span>
        )}
        {last && (
          <>
            <span>loss: <strong>{formatNumber(last.total)}</strong></span>
            <span>lr: <strong>{formatNumber(last.lr, 3)}</strong></span>
            <span>{formatCount(last.tokens_per_s)} tokens/s</span>
            <span>{formatNumber(last.ms_per_step, 3)} ms/step</span>
          </>
        )}
      </div>
      {run.notice && (
        <p className="notice" role="status" data-testid="run-notice">
          {run.notice}
        </p>
      )}
      {run.error && (
        <p className="error" role="alert" data-testid="run-error">
          {run.error}
          {canResumeCheckpoint && ` — the checkpoint of step ${run.checkpointStep} is kept: resume from there.`}
        </p>
      )}
    </section>
  );
}
