import type { DistillConfig } from './config.ts';

export interface Preset {
  /** The page's button label. */
  label: string;
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
    label: 'DistilBERT triple loss',
    description: 'DistilBERT triple loss: KD at T=2 (5.0) + hard labels (2.0) + hidden-state cosine (1.0)',
    overrides: { alpha_kd: 5, alpha_hard: 2, alpha_cos: 1, alpha_mse: 0, temperature: 2, divergence: 'kl' },
  },
  kd: {
    label: 'KD only',
    description: 'Knowledge distillation only: forward KL at T=2, scaled by T²',
    overrides: { alpha_kd: 1, alpha_hard: 0, alpha_cos: 0, alpha_mse: 0, temperature: 2, divergence: 'kl' },
  },
  hard: {
    label: 'Hard labels only',
    description: 'Hard labels only (no teacher): the baseline to beat',
    overrides: { alpha_kd: 0, alpha_hard: 1, alpha_cos: 0, alpha_mse: 0, temperature: 1 },
  },
  'skew-kl': {
    label: 'DistiLLM skew KL',
    description: 'DistiLLM skew KL (α = 0.1) at T=1',
    overrides: { alpha_kd: 1, alpha_hard: 0, alpha_cos: 0, alpha_mse: 0, temperature: 1, divergence: 'skew_kl', skew_alpha: 0.1 },
  },
});

/**
 * The keys some preset sets (the recipe): editing one by hand means the form no longer shows that preset.
 */
export const RECIPE_KEYS: ReadonlySet<string> = new Set(Object.values(PRESETS).flatMap((p) => Object.keys(p.overrides)));

export function presetNames(): string[] {
  return Object.keys(PRESETS);
}

/** The overrides of a preset by name; throws listing the known names otherwise. */
export function presetOverrides(name: string): Readonly<Partial<DistillConfig>> {
  const preset = PRESETS[name];
  if (!preset) throw new Error(`unknown preset "${name}" (known: ${presetNames().join(', ')})`);
  return preset.overrides;
}
