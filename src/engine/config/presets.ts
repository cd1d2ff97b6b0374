import type { DistillConfig } from './config.ts';

export interface Preset {
  /** One line for the UI and `--help`. */
  description: string;
  overrides: Readonly<Partial<DistillConfig>>;
}

/**
 * Named recipes as partial overrides of DEFAULT_CONFIG. Loss weights are always all stated so a preset
 * fully determines the recipe whatever was set before it.
 */
export const PRESETS: Readonly<Record<string, Preset>> = Object.freeze({
  distilbert: {
    description: 'DistilBERT triple loss: KD at T=2 (5.0) + hard labels (2.0) + hidden-state cosine (1.0)',
    overrides: { alpha_kd: 5, alpha_hard: 2, alpha_cos: 1, alpha_mse: 0, temperature: 2, divergence: 'kl' },
  },
  kd: {
    description: 'Knowledge distillation only: forward KL at T=2, scaled by T²',
    overrides: { alpha_kd: 1, alpha_hard: 0, alpha_cos: 0, alpha_mse: 0, temperature: 2, divergence: 'kl' },
  },
  hard: {
    description: 'Hard labels only (no teacher): the baseline to beat',
    overrides: { alpha_kd: 0, alpha_hard: 1, alpha_cos: 0, alpha_mse: 0, temperature: 1 },
  },
  'skew-kl': {
    description: 'DistiLLM skew KL (α = 0.1) at T=1',
    overrides: { alpha_kd: 1, alpha_hard: 0, alpha_cos: 0, alpha_mse: 0, temperature: 1, divergence: 'skew_kl', skew_alpha: 0.1 },
  },
});

export function presetNames(): string[] {
  return Object.keys(PRESETS);
}

/** The overrides of a preset by name; throws listing the known names otherwise. */
export function presetOverrides(name: string): Readonly<Partial<DistillConfig>> {
  const preset = PRESETS[name];
  if (!preset) throw new Error(`unknown preset "${name}" (known: ${presetNames().join(', ')})`);
  return preset.overrides;
}
