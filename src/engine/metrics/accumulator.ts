/**
 * Plain-JS aggregation of per-position metrics into EvalMetrics (no tensors: feed it what positionMetrics
 * produced, read back). Sums are float64; every mean is weighted by the position weights.
 *
 * With `masked` (masked LM), loyalty is also averaged over the labelled positions alone — the masked tokens the
 * teacher had to predict. The other positions show the input token, which teacher and student both copy
 * through almost at once, so loyalty over all positions starts high and mostly measures copying.
 */
import type { EvalMetrics } from '../trainer_types.ts';

/** Per-position values of one batch, as read back from positionMetrics. All arrays have length P. */
export interface PositionMetricArrays {
  agree: Float32Array;
  probLoyalty: Float32Array;
  kl: Float32Array;
  teacherCorrect?: Float32Array;
  studentCorrect?: Float32Array;
}

export type LangMetrics = Omit<EvalMetrics, 'per_lang' | 'loss'>;

export interface AccumulatorOptions {
  /**
   * Also summarise loyalty over the labelled positions (`masked_label_loyalty`, `masked_prob_loyalty`):
   * Σ w·labelled·agree / Σ w·labelled. Needs the `labelled` mask in add(); absent when no position was labelled.
   */
  masked?: boolean;
}

export interface MetricsAccumulator {
  /**
   * Adds one batch. `weights` [P]: 1 = evaluated position, 0 = skipped (padding, wrapped-around rows).
   * `langs` [P]: the language of each position (undefined: counted only in the total). `labelled` [P]: 1 where
   * the position has a label, the denominator of the accuracies; when omitted with correctness arrays present,
   * every weighted position counts as labelled.
   */
  add(values: PositionMetricArrays, weights: Float32Array, langs?: readonly (string | undefined)[], labelled?: Float32Array): void;
  /**
   * label_loyalty = Σ w·agree / Σ w, prob_loyalty and kl likewise; accuracies = Σ w·labelled·correct /
   * Σ w·labelled, null when no labelled position was added; n_positions = #positions with w > 0.
   * An empty accumulator summarises to zeros with n_positions = 0. per_lang only when langs were given.
   */
  summarize(): EvalMetrics;
  reset(): void;
}

interface Totals {
  positions: number;
  weight: number;
  agree: number;
  loyalty: number;
  kl: number;
  labelledWeight: number;
  teacherCorrect: number;
  studentCorrect: number;
  /** Σ w over labelled positions, and the loyalty sums there (options.masked). */
  maskedWeight: number;
  maskedAgree: number;
  maskedLoyalty: number;
}

const emptyTotals = (): Totals => ({
  positions: 0, weight: 0, agree: 0, loyalty: 0, kl: 0, labelledWeight: 0, teacherCorrect: 0, studentCorrect: 0,
  maskedWeight: 0, maskedAgree: 0, maskedLoyalty: 0,
});

function summarizeTotals(t: Totals, masked: boolean): LangMetrics {
  const mean = (sum: number): number => (t.weight > 0 ? sum / t.weight : 0);
  const accuracy = (sum: number): number | null => (t.labelledWeight > 0 ? sum / t.labelledWeight : null);
  const out: LangMetrics = {
    label_loyalty: mean(t.agree),
    prob_loyalty: mean(t.loyalty),
    kl: mean(t.kl),
    teacher_accuracy: accuracy(t.teacherCorrect),
    student_accuracy: accuracy(t.studentCorrect),
    n_positions: t.positions,
  };
  if (masked && t.maskedWeight > 0) {
    out.masked_label_loyalty = t.maskedAgree / t.maskedWeight;
    out.masked_prob_loyalty = t.maskedLoyalty / t.maskedWeight;
  }
  return out;
}

export function createMetricsAccumulator(options: AccumulatorOptions = {}): MetricsAccumulator {
  const masked = options.masked === true;
  let total = emptyTotals();
  let perLang = new Map<string, Totals>();
  let sawLangs = false;

  return {
    add(values, weights, langs, labelled) {
      const n = weights.length;
      for (const [name, arr] of Object.entries(values) as [string, Float32Array | undefined][]) {
        if (arr && arr.length !== n) throw new Error(`metrics "${name}" has ${arr.length} positions, weights ${n}`);
      }
      if (langs && langs.length !== n) throw new Error(`langs has ${langs.length} positions, weights ${n}`);
      if (labelled && labelled.length !== n) throw new Error(`labelled has ${labelled.length} positions, weights ${n}`);
      sawLangs ||= langs !== undefined;
      const { agree, probLoyalty, kl, teacherCorrect, studentCorrect } = values;
      const correct = teacherCorrect && studentCorrect ? { teacher: teacherCorrect, student: studentCorrect } : null;
      for (let i = 0; i < n; i++) {
        const w = weights[i];
        if (!(w > 0)) continue;
        const lang = langs?.[i];
        const targets = [total];
        if (lang !== undefined) {
          let t = perLang.get(lang);
          if (!t) perLang.set(lang, (t = emptyTotals()));
          targets.push(t);
        }
        const wl = correct ? w * (labelled ? labelled[i] : 1) : 0;
        const wm = masked && labelled ? w * labelled[i] : 0;
        for (const t of targets) {
          t.positions += 1;
          t.weight += w;
          t.agree += w * agree[i];
          t.loyalty += w * probLoyalty[i];
          t.kl += w * kl[i];
          if (correct && wl > 0) {
            t.labelledWeight += wl;
            t.teacherCorrect += wl * correct.teacher[i];
            t.studentCorrect += wl * correct.student[i];
          }
          if (wm > 0) {
            t.maskedWeight += wm;
            t.maskedAgree += wm * agree[i];
            t.maskedLoyalty += wm * probLoyalty[i];
          }
        }
      }
    },
    summarize() {
      const summary: EvalMetrics = summarizeTotals(total, masked);
      if (sawLangs) {
        summary.per_lang = Object.fromEntries(
          [...perLang.keys()].sort().map((lang) => [lang, summarizeTotals(perLang.get(lang) ?? emptyTotals(), masked)]),
        );
      }
      return summary;
    },
    reset() {
      total = emptyTotals();
      perLang = new Map();
      sawLangs = false;
    },
  };
}
