import { CONFIG_ALIASES, CONFIG_KEYS, DEFAULT_CONFIG, type DistillConfig } from './config.ts';

/** Error for a config that names an unknown key or holds an invalid value; `key` names the culprit. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly key: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

const ENUMS: Partial<Record<keyof DistillConfig, readonly string[]>> = {
  architecture: ['auto', 'distilbert', 'gpt2'],
  divergence: ['kl', 'rkl', 'skew_kl', 'skew_rkl', 'jsd'],
  schedule: ['linear', 'cosine', 'constant'],
  distill_positions: ['all', 'labelled'],
  backend: ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'],
  pooling: ['mean', 'first'],
};

/** Keys whose values mix strings and booleans: each must be one of these. */
const CHOICES: Partial<Record<keyof DistillConfig, readonly (string | boolean)[]>> = {
  trim_vocab: ['auto', true, false],
};

const INTEGER_KEYS: ReadonlySet<keyof DistillConfig> = new Set([
  'n_layers', 'd_model', 'n_heads', 'd_ff', 'max_len', 'warmup_steps', 'batch_size', 'steps', 'seed',
  'eval_every', 'eval_max_examples', 'report_every', 'checkpoint_every',
]);

const POSITIVE_KEYS: ReadonlySet<keyof DistillConfig> = new Set([
  'n_layers', 'd_model', 'n_heads', 'd_ff', 'max_len', 'batch_size', 'report_every', 'temperature', 'adam_eps',
  'eval_max_examples',
]);

/** Canonical key for an input key (resolving Hugging Face aliases), or undefined when unknown. */
export function canonicalKey(key: string): keyof DistillConfig | undefined {
  if ((CONFIG_KEYS as readonly string[]).includes(key)) return key as keyof DistillConfig;
  return CONFIG_ALIASES[key];
}

/**
 * Applies overrides left to right on top of DEFAULT_CONFIG (or `base`), refusing unknown keys and invalid
 * values, and returns a frozen, validated config.
 */
export function mergeConfig(
  ...overrides: ReadonlyArray<Readonly<Record<string, unknown>> | undefined>
): Readonly<DistillConfig> {
  const merged: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const override of overrides) {
    if (!override) continue;
    for (const [rawKey, value] of Object.entries(override)) {
      if (value === undefined) continue;
      const key = canonicalKey(rawKey);
      if (!key) throw new ConfigError(`unknown config key "${rawKey}"`, rawKey);
      merged[key] = value;
    }
  }
  return validateConfig(merged);
}

/** Checks types, ranges and cross-field constraints; returns the config frozen. */
export function validateConfig(raw: Record<string, unknown>): Readonly<DistillConfig> {
  for (const key of CONFIG_KEYS) {
    const value = raw[key];
    const choices = CHOICES[key];
    if (choices) {
      if (!choices.includes(value as string | boolean)) {
        throw new ConfigError(`config "${key}" must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}, found ${JSON.stringify(value)}`, key);
      }
      continue;
    }
    const expected = typeof DEFAULT_CONFIG[key];
    if (typeof value !== expected) {
      throw new ConfigError(`config "${key}" must be a ${expected}, found ${JSON.stringify(value)}`, key);
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new ConfigError(`config "${key}" must be finite, found ${value}`, key);
      if (INTEGER_KEYS.has(key) && !Number.isInteger(value)) {
        throw new ConfigError(`config "${key}" must be an integer, found ${value}`, key);
      }
      if (POSITIVE_KEYS.has(key) ? value <= 0 : value < 0) {
        throw new ConfigError(`config "${key}" must be ${POSITIVE_KEYS.has(key) ? '> 0' : '>= 0'}, found ${value}`, key);
      }
    }
    const allowed = ENUMS[key];
    if (allowed && !allowed.includes(value as string)) {
      throw new ConfigError(`config "${key}" must be one of ${allowed.join(', ')}, found "${String(value)}"`, key);
    }
  }
  const config = raw as unknown as DistillConfig;
  if (config.d_model % config.n_heads !== 0) {
    throw new ConfigError(`d_model (${config.d_model}) must be divisible by n_heads (${config.n_heads})`, 'n_heads');
  }
  if (config.dropout >= 1) throw new ConfigError(`dropout must be < 1, found ${config.dropout}`, 'dropout');
  if (config.skew_alpha > 1) throw new ConfigError(`skew_alpha must be in [0, 1], found ${config.skew_alpha}`, 'skew_alpha');
  if (config.jsd_beta > 1) {
    throw new ConfigError(`jsd_beta must be in [0, 1] (0: forward KL, 1: reverse KL), found ${config.jsd_beta}`, 'jsd_beta');
  }
  if (config.eval_fraction >= 1) {
    throw new ConfigError(`eval_fraction must be < 1, found ${config.eval_fraction}`, 'eval_fraction');
  }
  if (config.alpha_kd + config.alpha_hard + config.alpha_cos + config.alpha_mse <= 0) {
    throw new ConfigError('at least one loss weight (alpha_kd, alpha_hard, alpha_cos, alpha_mse) must be > 0', 'alpha_kd');
  }
  const out: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) out[key] = raw[key];
  return Object.freeze(out as unknown as DistillConfig);
}
