/**
 * DistillConfig: every knob of a run, flat, one per line with its unit and reason (nanoGPT style).
 * Keys are snake_case because the resolved config is written verbatim into config.json / report.json.
 * Presets are partial overrides (presets.ts); mergeConfig refuses unknown keys.
 */

export type Divergence = 'kl' | 'rkl' | 'skew_kl' | 'skew_rkl' | 'jsd';
export type Schedule = 'linear' | 'cosine' | 'constant';
export type DistillPositions = 'all' | 'labelled';
export type BackendName = 'auto' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type TrimVocab = 'auto' | boolean;

export interface DistillConfig {
  // ---- student transformer ----
  architecture: 'auto' | 'distilbert' | 'gpt2'; // transformers family; auto: mlm/classification → distilbert, clm → gpt2
  n_layers: number; // transformer blocks
  d_model: number; // residual width
  n_heads: number; // attention heads; d_model % n_heads == 0
  d_ff: number; // MLP hidden width (GELU)
  max_len: number; // position embeddings; inputs longer than this are refused
  dropout: number; // on embeddings, attention output and MLP output (train only)
  pooling: 'mean' | 'first'; // legacy (0.1) classifiers only: distilbert pools [CLS], gpt2 the last non-pad token

  // ---- losses: total = Σ alpha_i · loss_i ----
  temperature: number; // softens both distributions; KD term is scaled by T² (Hinton et al.)
  alpha_kd: number; // divergence(teacher_T ‖ student_T) · T²  (HF distiller's alpha_ce)
  alpha_hard: number; // cross-entropy against labels (HF's alpha_mlm / alpha_clm)
  alpha_cos: number; // 1 − cos(student_hidden·W, teacher_hidden) (HF's alpha_cos)
  alpha_mse: number; // mean squared error between logits (dense teachers; gathered top-k otherwise)
  divergence: Divergence; // which divergence the KD term uses
  skew_alpha: number; // DistiLLM skew: mixes α of the teacher into the student side (0.1 in the paper)
  jsd_beta: number; // GKD generalized JSD: mixture weight β ∈ [0, 1] (0: forward KL, 1: reverse KL, as TRL)
  distill_positions: DistillPositions; // 'all' non-pad positions, or only 'labelled' ones (labels != -100)
  trim_vocab: TrimVocab; // student vocabulary = the ids the set uses (inputs, labels, teacher top-k, specials); 'auto': when it saves memory that matters

  // ---- optimisation ----
  lr: number; // peak learning rate (AdamW)
  weight_decay: number; // decoupled weight decay, not applied to biases, LayerNorm or embeddings
  beta1: number;
  beta2: number;
  adam_eps: number;
  warmup_steps: number; // linear warm-up from 0 to lr
  schedule: Schedule; // decay after warm-up, to min_lr_ratio · lr at the last step
  min_lr_ratio: number;
  clip_norm: number; // global gradient-norm clip; 0 disables
  batch_size: number; // examples per step (fixed shape: the last partial batch wraps around)
  steps: number; // optimiser steps
  seed: number; // init, dropout, batching and the held-out split all derive from it

  // ---- evaluation and reporting ----
  eval_every: number; // steps between held-out evaluations (0: only at the end)
  eval_fraction: number; // held-out share when the file has no `split` metadata
  eval_max_examples: number; // cap on held-out examples evaluated
  report_every: number; // steps between asynchronous reads of the loss values (no per-step GPU sync)

  // ---- runtime ----
  backend: BackendName; // 'auto' picks webgpu → webgl → wasm → cpu
  checkpoint_every: number; // page: steps between resumable checkpoints (weights + AdamW state) kept in IndexedDB; 0: by time only
  checkpoint_seconds: number; // page: also checkpoint once this many seconds passed since the last one; 0: by steps only
}

/** Defaults: a small student that trains in minutes on wasm. */
export const DEFAULT_CONFIG: Readonly<DistillConfig> = Object.freeze({
  architecture: 'auto',
  n_layers: 2,
  d_model: 128,
  n_heads: 4,
  d_ff: 512,
  max_len: 128,
  dropout: 0.1,
  pooling: 'mean',

  temperature: 2,
  alpha_kd: 1,
  alpha_hard: 0,
  alpha_cos: 0,
  alpha_mse: 0,
  divergence: 'kl',
  skew_alpha: 0.1,
  jsd_beta: 0.5,
  distill_positions: 'all',
  trim_vocab: 'auto',

  lr: 1e-3,
  weight_decay: 0.01,
  beta1: 0.9,
  beta2: 0.98,
  adam_eps: 1e-8,
  warmup_steps: 30,
  schedule: 'linear',
  min_lr_ratio: 0,
  clip_norm: 1,
  batch_size: 16,
  steps: 300,
  seed: 0,

  eval_every: 50,
  eval_fraction: 0.1,
  eval_max_examples: 256,
  report_every: 10,

  backend: 'auto',
  checkpoint_every: 50,
  checkpoint_seconds: 30,
} satisfies DistillConfig);

export const CONFIG_KEYS = Object.freeze(Object.keys(DEFAULT_CONFIG)) as readonly (keyof DistillConfig)[];

/**
 * Names people bring from Hugging Face's distiller (`train.py --alpha_ce 5.0 --alpha_mlm 2.0 …`), accepted on
 * input and stored under our key.
 */
export const CONFIG_ALIASES: Readonly<Record<string, keyof DistillConfig>> = Object.freeze({
  alpha_ce: 'alpha_kd',
  alpha_mlm: 'alpha_hard',
  alpha_clm: 'alpha_hard',
  num_hidden_layers: 'n_layers',
  hidden_size: 'd_model',
  num_attention_heads: 'n_heads',
  intermediate_size: 'd_ff',
  max_position_embeddings: 'max_len',
  learning_rate: 'lr',
  max_grad_norm: 'clip_norm',
  temp: 'temperature',
});
