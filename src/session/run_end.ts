/**
 * What happens after a run ends (completed, stopped, or failed): a final held-out evaluation when the last one
 * is older than the last step, the student's latency, its files, then the run — config, history, every
 * evaluation, weights — into the runs table and the archive. A failed run (e.g. a non-finite loss) keeps its
 * last good weights and is stored too, marked.
 */
import type { StudentFiles } from '../engine/training/session.ts';
import type { RunRecord } from '../store/run_record.ts';
import type { AppState, AppStore } from '../store/store.ts';
import type { TrainingClient } from '../worker/client.ts';
import type { CheckpointKeeper } from './checkpoints.ts';
import type { EndReason } from './run_machine.ts';
import type { Runs } from './runs.ts';

export type { EndReason } from './run_machine.ts';

/** How a stored run is named in the runs table: "kd · seed 0 · 12:00:01 (ab12)". */
export function runName(preset: string | null, seed: number, runId: string): string {
  const time = new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return `${preset ?? 'custom'} · seed ${seed} · ${time} (${runId.slice(-4)})`;
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value } : null;
  } catch {
    return null;
  }
}

/** Resolves with the work's value, or null when it fails (the run is stored with what could be had). */
async function attempt<T>(work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch {
    return null;
  }
}

export interface FinishDeps {
  training: TrainingClient;
  store: AppStore;
  runs: Runs;
  keeper: CheckpointKeeper;
}

/** The store's current run as a record; `files`: the student's, when exported. */
function recordOf(s: AppState, reason: EndReason, files: StudentFiles | null, partial: boolean): RunRecord | null {
  const { run, data } = s;
  if (!run.runId || !run.config) return null;
  const startedAt = run.startedAt ?? Date.now();
  return {
    id: run.runId,
    name: runName(s.config.preset, run.config.seed, run.runId),
    createdAt: startedAt,
    wallSeconds: ((run.endedAt ?? Date.now()) - startedAt) / 1000,
    config: run.config,
    backend: run.backend,
    dataset: data.summary?.dataset ?? null,
    paramCount: run.paramCount,
    studentConfig: files ? parseObject(files.configJson) : null,
    status: reason === 'completed' ? 'done' : reason === 'stopped' ? 'stopped' : 'error',
    history: s.metrics.history,
    evals: s.metrics.evals,
    initial: s.metrics.evals.find((e) => e.step === 0)?.metrics ?? null,
    final: s.metrics.evals.at(-1)?.metrics ?? null,
    studentMsPerExample: run.studentMsPerExample,
    hasWeights: files !== null,
    imported: false,
    ...(partial ? { partial: true } : {}),
    ...(run.recoveries.length > 0 ? { recoveries: run.recoveries } : {}),
    ...(run.vocabulary ? { vocabulary: run.vocabulary } : {}),
  };
}

/**
 * Finishes the current run of the store (see the file comment); resolves once it is stored, with the run
 * machine's `saved` event (saving → done / stopped / error). The order keeps the run through a reload at
 * any moment: the checkpoint stays in IndexedDB until the finished run's record replaces it in one
 * transaction; the record as it stood at the end is written first, for a run that never checkpointed.
 */
export async function finishRun(deps: FinishDeps, reason: EndReason): Promise<void> {
  const { training, runs, keeper } = deps;
  const act = () => deps.store.getState();
  const early = recordOf(act(), reason, null, true);
  if (!early) {
    act().runEvent({ type: 'saved', reason, stored: false });
    return;
  }
  await runs.save(early);
  const lastEval = act().metrics.evals.at(-1);
  if (reason !== 'error' && (!lastEval || lastEval.step < act().run.step)) {
    const evaluated = await attempt(() => training.evaluate());
    if (evaluated) act().appendEval(evaluated);
  }
  const latency = await attempt(() => training.measureLatency());
  if (latency !== null) act().runEvent({ type: 'latency', msPerExample: latency.ms_per_example });
  const files = await attempt(() => training.exportStudent());
  const record = recordOf(act(), reason, files, false) ?? early;
  // A failed run keeps its checkpoint (marked: it can be resumed); so does a run whose student could not be
  // exported (the checkpoint holds the only copy of its weights).
  const dropCheckpoint = reason !== 'error' && files !== null;
  await keeper.end(); // checkpoints still queued land first, so none outlives the record
  // The model directory's other files (tokenizer, AdamW state, projection) are kept beside the weights.
  const extra = files?.files.filter((f) => f.name !== 'model.safetensors' && f.name !== 'config.json');
  const weights = files ? { id: record.id, safetensors: files.safetensors, configJson: files.configJson, extra } : undefined;
  const stored = await runs.save(record, weights, { dropCheckpoint });
  if (stored && dropCheckpoint) keeper.dropped(record.id);
  act().runEvent({ type: 'saved', reason, stored });
}

/**
 * The run's end as the page session sees it (a done event, or a fault it could not recover from): the run
 * shows as saving…, a failed run's checkpoint is marked (it stays, resumable), and the run is stored.
 */
export function createRunEnd(deps: FinishDeps & { flushMetrics(): void }) {
  const act = () => deps.store.getState();
  let finalizing: Promise<void> | null = null;
  return {
    end(reason: EndReason, error?: string, step = act().run.step): void {
      deps.flushMetrics();
      act().runEvent({ type: 'ended', reason, step, error });
      if (act().run.status !== 'saving') return; // no run was going: nothing to store
      const runId = act().run.runId;
      if (runId && reason === 'error') void deps.keeper.markFailed(runId, error ?? 'failed');
      finalizing = finishRun(deps, reason).finally(() => (finalizing = null));
    },
    /** The ended run being saved, if any. */
    finishing: (): Promise<void> | null => finalizing,
  };
}
