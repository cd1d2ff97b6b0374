/**
 * recipe.json of a PyTorch handoff (tools/handoff/train.py reads it): everything the continuation needs to
 * train the same model with the same objective — the resolved config (losses and weights, temperature,
 * divergence, positions, schedule, seed), the architecture, the optimiser (with the names AdamW decays), where
 * the run stopped, the held-out split, and the loss components the engine computed on the first batches with
 * dropout off (for `train.py --check-parity`). Plain data: built by the CLI and the page alike.
 */
import type { DistillConfig } from '../config/config.ts';
import { resolveAuto } from '../config/auto.ts';
import type { LossComponents } from '../trainer_types.ts';
import type { Task } from '../types.ts';

export const RECIPE_FORMAT = 'distill-playground-handoff';

export interface ParityBatch {
  /** Example indices of the batch, in order (exactly batch_size of them). */
  indices: number[];
  /** The engine's values (unweighted components and the weighted total), dropout off. */
  losses: LossComponents;
}

export interface HandoffRecipe {
  format: typeof RECIPE_FORMAT;
  version: 1;
  name: string;
  task: Task;
  architecture: string;
  /** transformers class the student directory holds. */
  model_class: string;
  config: Readonly<DistillConfig>;
  losses: { terms: string[]; weights: Record<string, number>; temperature: number; divergence: string; skew_alpha: number; jsd_beta: number; positions: string };
  optimizer: { name: 'adamw'; lr: number; beta1: number; beta2: number; eps: number; weight_decay: number; clip_norm: number; decayed: string[]; state: boolean };
  schedule: { kind: string; warmup_steps: number; total_steps: number; min_lr_ratio: number; steps_done: number };
  seed: number;
  data: { n: number; seq_len: number; vocab_size: number; teacher: string; k: number | null; has_labels: boolean; has_hidden: boolean };
  split: { source: string; eval: number[] };
  parity: { dropout: false; tolerance: number; batches: ParityBatch[] };
  engine: { backend: string; tfjs: string };
}

export interface RecipeInputs {
  name: string;
  task: Task;
  architecture: string;
  modelClass: string;
  config: Readonly<DistillConfig>;
  terms: readonly string[];
  decayed: readonly string[];
  hasOptimizerState: boolean;
  stepsDone: number;
  data: HandoffRecipe['data'];
  split: HandoffRecipe['split'];
  parity: ParityBatch[];
  backend: string;
  tfjsVersion: string;
}

export function buildRecipe(x: RecipeInputs): HandoffRecipe {
  const c = resolveAuto(x.config); // tools/handoff/train.py reads numbers (eval_every 'auto' resolved)
  return {
    format: RECIPE_FORMAT,
    version: 1,
    name: x.name,
    task: x.task,
    architecture: x.architecture,
    model_class: x.modelClass,
    config: { ...c },
    losses: {
      terms: [...x.terms],
      weights: { kd: c.alpha_kd, hard: c.alpha_hard, cos: c.alpha_cos, mse: c.alpha_mse },
      temperature: c.temperature,
      divergence: c.divergence,
      skew_alpha: c.skew_alpha,
      jsd_beta: c.jsd_beta,
      positions: c.distill_positions,
    },
    optimizer: {
      name: 'adamw',
      lr: c.lr,
      beta1: c.beta1,
      beta2: c.beta2,
      eps: c.adam_eps,
      weight_decay: c.weight_decay,
      clip_norm: c.clip_norm,
      decayed: [...x.decayed],
      state: x.hasOptimizerState,
    },
    schedule: { kind: c.schedule, warmup_steps: c.warmup_steps, total_steps: c.steps, min_lr_ratio: c.min_lr_ratio, steps_done: x.stepsDone },
    seed: c.seed,
    data: x.data,
    split: x.split,
    parity: { dropout: false, tolerance: 1e-4, batches: x.parity },
    engine: { backend: x.backend, tfjs: x.tfjsVersion },
  };
}

/** The parity batches: the first `count` full batches of the training examples in index order. */
export function parityIndices(train: readonly number[], batchSize: number, count: number): number[][] {
  const sorted = [...train].sort((a, b) => a - b);
  const out: number[][] = [];
  for (let i = 0; i + batchSize <= sorted.length && out.length < count; i += batchSize) out.push(sorted.slice(i, i + batchSize));
  return out;
}
