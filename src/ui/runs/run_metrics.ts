/**
 * The metrics a comparison of runs can overlay, each as points over steps from a run's history or evaluations:
 * the train loss (weighted total) and each train loss component unweighted (step records hold the raw terms),
 * held-out KL, each held-out loss component unweighted, label / probability loyalty (also on the masked
 * positions, for masked LM), student accuracy, and loyalty per language. Pure: records in, points out.
 */
import { LOSS_NAMES } from '../../engine/losses/names.ts';
import type { EvalMetrics, EvalRecord, StepRecord } from '../../engine/trainer_types.ts';
import { pointsOf, type Point } from '../charts/chart_data.ts';

export type MetricScale = 'share' | 'value';

export interface RunMetric {
  id: string;
  label: string;
  /** 'share': in [0, 1], drawn as a percentage; 'value': loss or nats. */
  scale: MetricScale;
  /** Higher is better (loyalty, accuracy) or lower is (KL, losses): the best row of a sweep. */
  higherIsBetter: boolean;
  points(history: readonly StepRecord[], evals: readonly EvalRecord[]): Point[];
  /** The value in a run's final (or any) evaluation, for tables. */
  final?(metrics: EvalMetrics): number | null;
}

const fromEval = (id: string, label: string, scale: MetricScale, higherIsBetter: boolean, get: (m: EvalMetrics) => number | null | undefined): RunMetric => ({
  id,
  label,
  scale,
  higherIsBetter,
  points: (_history, evals) => pointsOf(evals, (e) => get(e.metrics)),
  final: (m) => get(m) ?? null,
});

/** Every metric the page knows, in the order the picker lists them (languages appended by runMetricsFor). */
export const RUN_METRICS: readonly RunMetric[] = [
  fromEval('label_loyalty', 'label loyalty (held-out)', 'share', true, (m) => m.label_loyalty),
  fromEval('masked_label_loyalty', 'label loyalty on masked positions', 'share', true, (m) => m.masked_label_loyalty),
  fromEval('prob_loyalty', 'probability loyalty (held-out)', 'share', true, (m) => m.prob_loyalty),
  fromEval('masked_prob_loyalty', 'probability loyalty on masked positions', 'share', true, (m) => m.masked_prob_loyalty),
  fromEval('kl', 'held-out KL(teacher ‖ student), nats', 'value', false, (m) => m.kl),
  fromEval('student_accuracy', 'student accuracy vs labels', 'share', true, (m) => m.student_accuracy),
  ...LOSS_NAMES.map((name) => fromEval(`eval_loss_${name}`, `held-out ${name} loss (unweighted)`, 'value', false, (m) => m.loss?.[name])),
  fromEval('eval_loss_total', 'held-out total loss (weighted: not comparable across recipes)', 'value', false, (m) => m.loss?.total),
  ...LOSS_NAMES.map(
    (name): RunMetric => ({ id: `train_${name}`, label: `train ${name} loss (unweighted)`, scale: 'value', higherIsBetter: false, points: (history) => pointsOf(history, (r) => r[name]) }),
  ),
  { id: 'train_total', label: 'train total loss (weighted: not comparable across recipes)', scale: 'value', higherIsBetter: false, points: (history) => pointsOf(history, (r) => r.total) },
];

/** Loyalty in one language (per_lang of each evaluation). */
export function languageMetric(lang: string, kind: 'label_loyalty' | 'prob_loyalty'): RunMetric {
  const what = kind === 'label_loyalty' ? 'label' : 'probability';
  return fromEval(`lang:${lang}:${kind}`, `${lang}: ${what} loyalty`, 'share', true, (m) => m.per_lang?.[lang]?.[kind]);
}

export interface RunLike {
  history: readonly StepRecord[];
  evals: readonly EvalRecord[];
}

/** The metrics at least one of `runs` has a point of (languages included), in RUN_METRICS order. */
export function runMetricsFor(runs: readonly RunLike[]): RunMetric[] {
  const langs = new Set<string>();
  for (const run of runs) for (const e of run.evals) for (const lang of Object.keys(e.metrics.per_lang ?? {})) langs.add(lang);
  const all = [...RUN_METRICS, ...[...langs].sort().flatMap((lang) => [languageMetric(lang, 'label_loyalty'), languageMetric(lang, 'prob_loyalty')])];
  return all.filter((m) => runs.some((run) => m.points(run.history, run.evals).length > 0));
}

export function metricById(id: string, runs: readonly RunLike[]): RunMetric | undefined {
  return runMetricsFor(runs).find((m) => m.id === id) ?? RUN_METRICS.find((m) => m.id === id);
}
