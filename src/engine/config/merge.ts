import { CONFIG_ALIASES, CONFIG_KEYS, DEFAULT_CONFIG, type ConfigKey, type DistillConfig } from './config.ts';
import { ConfigError, validateConfig } from './validate.ts';

export { ConfigError, validateConfig } from './validate.ts';

/** Canonical key for an input key (resolving Hugging Face aliases), or undefined when unknown. */
export function canonicalKey(key: string): ConfigKey | undefined {
  if ((CONFIG_KEYS as readonly string[]).includes(key)) return key as ConfigKey;
  return CONFIG_ALIASES[key];
}

/**
 * Applies overrides left to right on top of DEFAULT_CONFIG, refusing unknown keys and invalid values, and
 * returns a frozen, validated config.
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
