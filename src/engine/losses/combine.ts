/**
 * The training objective: total = Σ_i alpha_i · loss_i over the terms whose alpha is > 0 (the others are not
 * computed at all). Each term is one registry entry; the components are returned unweighted.
 */
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { DistillConfig } from '../config/config.ts';
import { cosineLoss } from './cosine.ts';
import { hardLoss } from './hard.ts';
import { kdLoss } from './kd.ts';
import { mseLoss } from './mse.ts';
import type { LossName } from './names.ts';
import type { TeacherBatch } from './teacher.ts';

export interface LossInputs {
  studentLogits: Tensor2D; // [P, V] token tasks, [B, C] classification
  teacher: TeacherBatch;
  weights: Tensor1D; // [P] 1 = distilled position, 0 = not (pad / unlabelled)
  labels?: Tensor1D; // [P] int32, −100 = none: needed when alpha_hard > 0
  studentHidden?: Tensor2D; // [P, D]: needed when alpha_cos > 0
  teacherHidden?: Tensor2D; // [P, H]
  projection?: Tensor | null; // [D, H] (createHiddenProjection), null when D = H
}

export type LossConfig = Pick<
  DistillConfig,
  'temperature' | 'divergence' | 'skew_alpha' | 'jsd_beta' | 'alpha_kd' | 'alpha_hard' | 'alpha_cos' | 'alpha_mse'
>;

export type { LossName } from './names.ts';

export interface LossOutputs {
  total: Scalar; // Σ alpha_i · loss_i
  components: Partial<Record<LossName, Scalar>>; // unweighted, only the computed terms
}

interface LossTerm {
  alpha: (config: LossConfig) => number;
  compute: (inputs: LossInputs, config: LossConfig) => Scalar;
}

function required<T>(value: T | undefined, what: string, term: LossName): T {
  if (value === undefined) throw new Error(`loss "${term}" has a weight > 0 but the batch has no ${what}`);
  return value;
}

export const LOSS_TERMS: Readonly<Record<LossName, LossTerm>> = Object.freeze({
  kd: {
    alpha: (c) => c.alpha_kd,
    compute: (x, c) => kdLoss(x.studentLogits, x.teacher, x.weights, c),
  },
  hard: {
    alpha: (c) => c.alpha_hard,
    compute: (x) => hardLoss(x.studentLogits, required(x.labels, 'labels', 'hard')),
  },
  cos: {
    alpha: (c) => c.alpha_cos,
    compute: (x) =>
      cosineLoss(
        required(x.studentHidden, 'student hidden states', 'cos'),
        required(x.teacherHidden, 'teacher hidden states', 'cos'),
        x.weights,
        x.projection,
      ),
  },
  mse: {
    alpha: (c) => c.alpha_mse,
    compute: (x) => mseLoss(x.studentLogits, x.teacher, x.weights),
  },
});

/**
 * total = Σ_{i: alpha_i > 0} alpha_i · loss_i, plus each computed loss_i unweighted in `components`.
 * Differentiable: pass `() => computeLosses(…).total` to tf.variableGrads. The component scalars are
 * intermediates of the same graph; inside variableGrads they are disposed unless tf.keep()'d.
 */
export function computeLosses(inputs: LossInputs, config: LossConfig): LossOutputs {
  const components: Partial<Record<LossName, Scalar>> = {};
  let total: Scalar = tf.scalar(0);
  for (const [name, term] of Object.entries(LOSS_TERMS) as [LossName, LossTerm][]) {
    const alpha = term.alpha(config);
    if (!(alpha > 0)) continue;
    const value = term.compute(inputs, config);
    components[name] = value;
    total = tf.add(total, tf.mul(value, alpha));
  }
  return { total, components };
}
