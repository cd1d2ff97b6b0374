/**
 * DistillConfig and its defaults, derived from the schema table (schema.ts: one row per key with its unit,
 * bounds and reason). Presets are partial overrides (presets.ts); mergeConfig refuses unknown keys.
 */
import { CONFIG_KEYS, CONFIG_SCHEMA, type ConfigKey, type DistillConfig } from './schema.ts';

export { CONFIG_KEYS, type ConfigKey, type DistillConfig } from './schema.ts';
export type Divergence = DistillConfig['divergence'];
export type Schedule = DistillConfig['schedule'];
export type DistillPositions = DistillConfig['distill_positions'];
export type BackendName = DistillConfig['backend'];
export type TrimVocab = DistillConfig['trim_vocab'];

/** Defaults: a small student that trains in minutes on wasm (each row's `default`). */
export const DEFAULT_CONFIG: Readonly<DistillConfig> = Object.freeze(
  Object.fromEntries(CONFIG_KEYS.map((key) => [key, CONFIG_SCHEMA[key].default])) as unknown as DistillConfig,
);

/**
 * Names people bring from Hugging Face's distiller (`train.py --alpha_ce 5.0 --alpha_mlm 2.0 …`), accepted on
 * input and stored under our key.
 */
export const CONFIG_ALIASES: Readonly<Record<string, ConfigKey>> = Object.freeze({
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
