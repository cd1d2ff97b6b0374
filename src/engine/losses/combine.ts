/**
 * The training objective, the one code path of the trainer, the evaluation and the tests:
 *   total = Σ_i alpha_i · loss_i,   loss_i = Σ_p w_i,p ℓ_i,p / max(Σ_p w_i,p, 1)
 * over the registry's terms whose alpha is > 0 (the others are not computed at all). Each term says which
 * positions it averages over (w_i) and what it needs from the batch; the student's side comes from the chunked
 * head statistics (stats.ts), computed once for all terms.
 *
 *   kd    T²·D(p_T ‖ q_T)              over distilled positions (`weights`: distill_positions)
 *   hard  CE(label, q) at T = 1        over labelled positions (label ≠ −100)
 *   cos   1 − cos(h_s W, h_t)          over non-pad tokens (`tokenWeights`: the attention mask)
 *   mse   mean squared logit error     over distilled positions
 */
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { DistillConfig } from '../config/config.ts';
import type { HeadInput, HeadOptions } from '../head/chunks.ts';
import { IGNORE_INDEX } from '../types.ts';
import { cosinePerPosition } from './cosine.ts';
import { hardPerPosition } from './hard.ts';
import { kdPerPosition } from './kd.ts';
import { msePerPosition } from './mse.ts';
import { LOSS_NAMES, LOSS_WEIGHT_KEYS, type LossName } from './names.ts';
import { studentStats, type StatsNeeds, type StudentStats } from './stats.ts';
import type { TeacherBatch } from './teacher.ts';
import { weightedMean } from './weighted_mean.ts';

export interface LossInputs {
  head: HeadInput; // the student's LM head: [B·L] rows of features (token tasks) or [B, C] logits
  teacher: TeacherBatch;
  weights: Tensor1D; // [P] 1 = distilled position, 0 = not (pad / unlabelled)
  labels?: Tensor1D; // [P] int32, −100 = none: needed when alpha_hard > 0
  studentHidden?: Tensor2D; // [B·L, D]: needed when alpha_cos > 0
  teacherHidden?: Tensor2D; // [B·L, H]
  tokenWeights?: Tensor1D; // [B·L] 1 on non-pad tokens: the cosine's positions
  projection?: Tensor | null; // [D, H] (createHiddenProjection), null when D = H
  headOptions?: HeadOptions;
}

export type LossConfig = Pick<
  DistillConfig,
  'temperature' | 'divergence' | 'skew_alpha' | 'jsd_beta' | 'alpha_kd' | 'alpha_hard' | 'alpha_cos' | 'alpha_mse'
>;

export type { LossName } from './names.ts';

/** A term's per-position values ℓ_p and the weights w_p of the positions it averages over. */
export interface TermValues {
  values: Tensor1D;
  weights: Tensor1D;
}

export interface LossOutputs {
  total: Scalar; // Σ alpha_i · loss_i
  components: Partial<Record<LossName, Scalar>>; // unweighted, only the computed terms
  /** Each computed term's ℓ and w: an evaluation sums Σ w·ℓ and Σ w over batches before dividing. */
  terms: Partial<Record<LossName, TermValues>>;
  /** The head statistics the terms were computed from (the metrics reuse them). */
  stats: StudentStats;
}

interface LossTerm {
  /** What the statistics must include for this term. */
  needs(x: LossInputs, c: LossConfig): StatsNeeds;
  /** The batch input the term cannot do without and lacks, or null. */
  missing(x: LossInputs): string | null;
  compute(stats: StudentStats, x: LossInputs, c: LossConfig): TermValues;
}

const labelledMask = (labels: Tensor1D): Tensor1D => tf.cast(tf.notEqual<Tensor1D>(tf.cast(labels, 'int32'), IGNORE_INDEX), 'float32');

export const LOSS_TERMS: Readonly<Record<LossName, LossTerm>> = Object.freeze({
  kd: {
    needs: (_x, c) => ({ kd: c }),
    missing: () => null,
    compute: (s, x, c) => ({ values: kdPerPosition(s, x.teacher, c), weights: x.weights }),
  },
  hard: {
    needs: (x) => ({ labels: x.labels }),
    missing: (x) => (x.labels ? null : 'labels'),
    compute: (s, x) => ({ values: hardPerPosition(s), weights: labelledMask(x.labels as Tensor1D) }),
  },
  cos: {
    needs: () => ({}),
    missing: (x) => (!x.studentHidden ? 'student hidden states' : !x.teacherHidden ? 'teacher hidden states' : !x.tokenWeights ? 'token weights' : null),
    compute: (_s, x) => ({
      values: cosinePerPosition(x.studentHidden as Tensor2D, x.teacherHidden as Tensor2D, x.projection),
      weights: x.tokenWeights as Tensor1D,
    }),
  },
  mse: {
    needs: () => ({ mse: true }),
    missing: () => null,
    compute: (s, x) => ({ values: msePerPosition(s, x.teacher), weights: x.weights }),
  },
});

/** The terms a config computes: alpha > 0 (in LOSS_NAMES order). */
export function weightedTerms(config: LossConfig): LossName[] {
  return LOSS_NAMES.filter((name) => config[LOSS_WEIGHT_KEYS[name]] > 0);
}

/**
 * total, each computed loss_i unweighted in `components`, their per-position values in `terms`.
 * `metrics` also computes the statistics the loyalty metrics read (evaluation). Differentiable: pass
 * `() => computeLosses(…).total` to tf.variableGrads; the other outputs are intermediates of the same graph.
 */
export function computeLosses(inputs: LossInputs, config: LossConfig, extra: { metrics?: boolean } = {}): LossOutputs {
  const names = weightedTerms(config);
  for (const name of names) {
    const missing = LOSS_TERMS[name].missing(inputs);
    if (missing) throw new Error(`loss "${name}" has a weight > 0 but the batch has no ${missing}`);
  }
  const needs: StatsNeeds = Object.assign({ metrics: extra.metrics }, ...names.map((n) => LOSS_TERMS[n].needs(inputs, config)));
  const stats = studentStats(inputs.head, inputs.teacher, needs, inputs.headOptions);
  const components: Partial<Record<LossName, Scalar>> = {};
  const terms: Partial<Record<LossName, TermValues>> = {};
  let total: Scalar = tf.scalar(0);
  for (const name of names) {
    const t = LOSS_TERMS[name].compute(stats, inputs, config);
    terms[name] = t;
    components[name] = weightedMean(t.values, t.weights);
    total = tf.add(total, tf.mul(components[name] as Scalar, config[LOSS_WEIGHT_KEYS[name]]));
  }
  return { total, components, terms, stats };
}
