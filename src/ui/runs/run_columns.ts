/**
 * What the runs table and the config diff say about a run's config: its recipe in words (a preset's label
 * when its loss knobs match one, else the weighted terms), and which keys differ across selected runs.
 */
import { CONFIG_KEYS, type ConfigKey, type DistillConfig } from '../../engine/config/config.ts';
import { PRESETS } from '../../engine/config/presets.ts';
import { LOSS_NAMES, LOSS_WEIGHT_KEYS } from '../../engine/losses/names.ts';

/** "KD only", "DistilBERT triple loss", or the terms: "kd·1 + hard·0.5 (jsd)". */
export function recipeOf(config: Readonly<DistillConfig>): string {
  for (const preset of Object.values(PRESETS)) {
    const entries = Object.entries(preset.overrides) as [ConfigKey, unknown][];
    if (entries.every(([key, value]) => config[key] === value)) return preset.label;
  }
  const terms = LOSS_NAMES.filter((name) => config[LOSS_WEIGHT_KEYS[name]] > 0).map((name) => `${name}·${config[LOSS_WEIGHT_KEYS[name]]}`);
  const divergence = config.alpha_kd > 0 && config.divergence !== 'kl' ? ` (${config.divergence})` : '';
  return `${terms.join(' + ')}${divergence}`;
}

/** The loss weights that are on, as "α kd 1, hard 0.5". */
export function alphasOf(config: Readonly<DistillConfig>): string {
  return LOSS_NAMES.filter((name) => config[LOSS_WEIGHT_KEYS[name]] > 0)
    .map((name) => `${name} ${config[LOSS_WEIGHT_KEYS[name]]}`)
    .join(', ');
}

/** The keys whose values are not all the same across `configs` (schema order); none for fewer than two. */
export function differingKeys(configs: readonly Readonly<DistillConfig>[]): ConfigKey[] {
  if (configs.length < 2) return [];
  return CONFIG_KEYS.filter((key) => new Set(configs.map((c) => String(c[key]))).size > 1);
}
