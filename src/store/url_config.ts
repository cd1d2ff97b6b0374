/**
 * The config in the URL hash, so a link reproduces a run: only keys that differ from DEFAULT_CONFIG, as
 * `#n_layers=1&d_model=32&preset=kd`. Reading goes through mergeConfig: unknown keys and bad values are
 * refused with its message.
 */
import { CONFIG_KEYS, DEFAULT_CONFIG, type DistillConfig } from '../engine/config/config.ts';
import { canonicalKey, mergeConfig } from '../engine/config/merge.ts';
import { parseConfigText } from '../engine/config/schema.ts';

export function configToHash(config: DistillConfig, preset: string | null = null): string {
  const params = new URLSearchParams();
  if (preset) params.set('preset', preset);
  for (const key of CONFIG_KEYS) {
    if (config[key] !== DEFAULT_CONFIG[key]) params.set(key, String(config[key]));
  }
  const text = params.toString();
  return text ? `#${text}` : '';
}

/** The config a hash describes (null for an empty hash); throws ConfigError for unknown keys or bad values. */
export function configFromHash(hash: string): { config: DistillConfig; preset: string | null } | null {
  const text = hash.replace(/^#/, '');
  if (!text) return null;
  const params = new URLSearchParams(text);
  const overrides: Record<string, unknown> = {};
  let preset: string | null = null;
  for (const [key, raw] of params) {
    if (key === 'preset') {
      preset = raw;
      continue;
    }
    overrides[key] = coerce(key, raw);
  }
  return { config: { ...mergeConfig(overrides) }, preset };
}

/** The value as its row's type (schema.ts parseConfigText); an unknown key keeps its text (the merge names it). */
function coerce(key: string, raw: string): unknown {
  const canonical = canonicalKey(key);
  return canonical ? parseConfigText(canonical, raw) : raw;
}
