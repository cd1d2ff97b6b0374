/**
 * What happens after a run ends (completed, stopped, or failed): a final held-out evaluation when the last one
 * is older than the last step, the student's latency, its files, then the run — config, history, every
 * evaluation, weights — into the runs table and the archive. A failed run (e.g. a non-finite loss) keeps its
 * last good weights and is stored too, marked.
 */
import type { RunRecord } from '../store/run_record.ts';
import type { AppStore } from '../store/store.ts';
import type { TrainingClient } from '../worker/client.ts';
import type { Runs } from './runs.ts';

export type EndReason = 'completed' | 'stopped' | 'error';

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

/** Finishes the current run of the store (see the file comment); resolves once it is stored. */
export async function finishRun(deps: { training: TrainingClient; store: AppStore; runs: Runs }, reason: EndReason): Promise<void> {
  const { training, runs } = deps;
  const act = () => deps.store.getState();
  const { run, data } = act();
  if (!run.runId || !run.config) return;
  const lastEval = act().metrics.evals.at(-1);
  if (reason !== 'error' && (!lastEval || lastEval.step < act().run.step)) {
    const record = await attempt(() => training.evaluate());
    if (record) act().appendEval(record);
  }
  const latency = await attempt(() => training.measureLatency());
  if (latency !== null) act().runEvent({ type: 'latency', msPerExample: latency.ms_per_example });
  const files = await attempt(() => training.exportStudent());
  const s = act();
  const startedAt = run.startedAt ?? Date.now();
  const record: RunRecord = {
    id: run.runId,
    name: runName(s.config.preset, run.config.seed, run.runId),
    createdAt: startedAt,
    wallSeconds: ((s.run.endedAt ?? Date.now()) - startedAt) / 1000,
    config: run.config,
    backend: s.run.backend,
    dataset: data.summary?.dataset ?? null,
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
  const extra = files?.files.filter((f) => f.name !== 'model.safetensors' && f.name !== 'config.json');
  await runs.save(record, files ? { id: record.id, safetensors: files.safetensors, configJson: files.configJson, extra } : undefined);
  act().runEvent({ type: 'saved' });
}
