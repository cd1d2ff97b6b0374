/**
 * Metrics slice: the current run's step history and held-out evaluations, appended in the batches the worker
 * posts (report_every steps at a time), so charts re-render once per batch, not once per step.
 */
import type { StateCreator } from 'zustand';
import type { EvalRecord, StepRecord } from '../engine/trainer_types.ts';
import type { AppState } from './store.ts';

export interface MetricsState {
  history: StepRecord[];
  evals: EvalRecord[];
}

export interface MetricsSlice {
  metrics: MetricsState;
  appendSteps(records: readonly StepRecord[]): void;
  /** Adds an evaluation; one at the same step replaces the earlier one. */
  appendEval(record: EvalRecord): void;
  /**
   * Adds what the worker reported since the last flush in ONE store update (charts re-render once), and
   * advances the run's step counter with it.
   */
  appendMetrics(records: readonly StepRecord[], evals: readonly EvalRecord[]): void;
  resetMetrics(): void;
  /** Drops what came after `step` (the run resumes from a checkpoint there and reports those steps again). */
  truncateMetrics(step: number): void;
  /** Replaces the history and evaluations (a run restored from its checkpoint). */
  setMetrics(history: readonly StepRecord[], evals: readonly EvalRecord[]): void;
}

export const createMetricsSlice: StateCreator<AppState, [], [], MetricsSlice> = (set) => ({
  metrics: { history: [], evals: [] },
  appendSteps: (records) =>
    set((s) => {
      if (records.length === 0) return {};
      const last = s.metrics.history.at(-1)?.step ?? 0;
      const fresh = records.filter((r) => r.step > last);
      return { metrics: { ...s.metrics, history: [...s.metrics.history, ...fresh] } };
    }),
  appendEval: (record) =>
    set((s) => {
      const evals = s.metrics.evals.filter((e) => e.step !== record.step);
      evals.push(record);
      evals.sort((a, b) => a.step - b.step);
      return { metrics: { ...s.metrics, evals } };
    }),
  appendMetrics: (records, evals) =>
    set((s) => {
      const last = s.metrics.history.at(-1)?.step ?? 0;
      const fresh = records.filter((r) => r.step > last);
      const history = fresh.length > 0 ? [...s.metrics.history, ...fresh] : s.metrics.history;
      let merged = s.metrics.evals;
      if (evals.length > 0) {
        // one evaluation per step: a later one (e.g. the final eval) replaces an earlier one
        const byStep = new Map(s.metrics.evals.map((e) => [e.step, e]));
        for (const e of evals) byStep.set(e.step, e);
        merged = [...byStep.values()].sort((a, b) => a.step - b.step);
      }
      const step = Math.max(s.run.step, history.at(-1)?.step ?? 0);
      return { metrics: { history, evals: merged }, run: step !== s.run.step ? { ...s.run, step } : s.run };
    }),
  resetMetrics: () => set({ metrics: { history: [], evals: [] } }),
  truncateMetrics: (step) =>
    set((s) => ({
      metrics: { history: s.metrics.history.filter((r) => r.step <= step), evals: s.metrics.evals.filter((e) => e.step <= step) },
    })),
  setMetrics: (history, evals) => set({ metrics: { history: [...history], evals: [...evals] } }),
});
