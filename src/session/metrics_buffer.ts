/**
 * Metrics from the training session are buffered and handed on at most every `flushMs`: each store write
 * re-renders the charts (recharts costs tens of ms per chart), and a fast backend reports many batches a
 * second. `flush()` hands on what is buffered now (a pause, a checkpoint, the end of a run); `drop()` forgets
 * it (a new run or data set).
 */
import type { EvalRecord, StepRecord } from '../engine/trainer_types.ts';

/** The page's flush interval. */
export const METRICS_FLUSH_MS = 400;

export interface MetricsBuffer {
  pushSteps(records: readonly StepRecord[]): void;
  pushEval(record: EvalRecord): void;
  flush(): void;
  drop(): void;
  dispose(): void;
}

export function createMetricsBuffer(
  deps: { flushMs?: number },
  callbacks: { onFlush(steps: StepRecord[], evals: EvalRecord[]): void },
): MetricsBuffer {
  const flushMs = deps.flushMs ?? METRICS_FLUSH_MS;
  let steps: StepRecord[] = [];
  let evals: EvalRecord[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  const flush = () => {
    cancel();
    if (steps.length === 0 && evals.length === 0) return;
    const batch = [steps, evals] as const;
    steps = [];
    evals = [];
    callbacks.onFlush(batch[0], batch[1]);
  };
  const queue = () => {
    timer ??= setTimeout(flush, flushMs);
  };
  return {
    pushSteps(records) {
      steps.push(...records);
      queue();
    },
    pushEval(record) {
      evals.push(record);
      queue();
    },
    flush,
    drop() {
      cancel();
      steps = [];
      evals = [];
    },
    dispose: cancel,
  };
}
