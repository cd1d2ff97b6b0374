/**
 * URL sync: the config in the URL hash, so a link reproduces a run: only keys that differ from DEFAULT_CONFIG, as
 * `#n_layers=1&d_model=32&preset=kd`. Reading goes through mergeConfig: unknown keys and bad values are
 * refused with its message.
 */
import { CONFIG_KEYS, DEFAULT_CONFIG, type DistillConfig } from '../engine/config/config.ts';
import type { AppStore } from '../store/store.ts';
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

export interface UrlSyncDeps {
  store: AppStore;
  /** The page location: its hash is read at start. */
  location?: { hash: string };
  /** Rewrites the hash (history.replaceState on the page). */
  replaceHash?: (hash: string) => void;
}

/**
 * Reads the link's config into the form once (`onRefused` when the merge refuses it: the defaults stay), then
 * writes every valid edit back to the hash; an invalid form leaves the last valid link.
 */
export function createUrlSync(deps: UrlSyncDeps, callbacks: { onRefused(message: string): void }): { dispose(): void } {
  const act = () => deps.store.getState();
  try {
    const fromHash = configFromHash(deps.location?.hash ?? '');
    if (fromHash) act().replaceConfig(fromHash.config, fromHash.preset);
  } catch (err) {
    callbacks.onRefused(err instanceof Error ? err.message : String(err));
  }
  const unsubscribe = deps.store.subscribe((s, prev) => {
    if (s.config === prev.config || s.config.error || !deps.replaceHash) return;
    deps.replaceHash(configToHash(s.config.values, s.config.preset));
  });
  return { dispose: unsubscribe };
}
