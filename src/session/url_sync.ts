/**
 * URL sync: the config in the URL hash, so a link reproduces a run: only keys that differ from DEFAULT_CONFIG, as
 * `#data=demo&n_layers=1&d_model=32&preset=kd`, with `data=demo` when the loaded set is the shipped demo (a
 * person's own file never goes into a link: it stays on their machine). Reading takes every value the merge
 * accepts and reports each one it refuses (key, value, why) instead of dropping the whole link.
 */
import { CONFIG_KEYS, DEFAULT_CONFIG, type DistillConfig } from '../engine/config/config.ts';
import type { AppStore } from '../store/store.ts';
import { canonicalKey, ConfigError, mergeConfig } from '../engine/config/merge.ts';
import { PRESETS } from '../engine/config/presets.ts';
import { parseConfigText } from '../engine/config/schema.ts';
import { checkConfigValue } from '../engine/config/validate.ts';

/** The data sources a link can name (only the demo: anything else is a file on someone's machine). */
export type LinkData = 'demo';

export function configToHash(config: DistillConfig, preset: string | null = null, data: LinkData | null = null): string {
  const params = new URLSearchParams();
  if (data) params.set('data', data);
  if (preset) params.set('preset', preset);
  for (const key of CONFIG_KEYS) {
    if (config[key] !== DEFAULT_CONFIG[key]) params.set(key, String(config[key]));
  }
  const text = params.toString();
  return text ? `#${text}` : '';
}

/** What a link says: its config (defaults where it says nothing or a value was refused) and every refusal. */
export interface HashContents {
  config: DistillConfig;
  preset: string | null;
  data: LinkData | null;
  /** One line per refused value: `steps=1.5: config "steps" must be an integer, found 1.5`. */
  problems: string[];
}

/** Reads a hash (null for an empty one); never throws: refused values are listed and left at their defaults. */
export function readHash(hash: string): HashContents | null {
  const text = hash.replace(/^#/, '');
  if (!text) return null;
  const overrides: Record<string, unknown> = {};
  const raw: Record<string, string> = {};
  const problems: string[] = [];
  let preset: string | null = null;
  let data: LinkData | null = null;
  for (const [key, value] of new URLSearchParams(text)) {
    if (key === 'preset') {
      if (value in PRESETS) preset = value;
      else problems.push(`preset=${value}: no such preset (${Object.keys(PRESETS).join(', ')})`);
      continue;
    }
    if (key === 'data') {
      if (value === 'demo') data = 'demo';
      else problems.push(`data=${value}: a link can name only the demo set (your own files stay on your machine: drop the file again)`);
      continue;
    }
    const canonical = canonicalKey(key);
    if (!canonical) {
      problems.push(`${key}=${value}: unknown config key "${key}"`);
      continue;
    }
    const typed = parseConfigText(canonical, value);
    const why = checkConfigValue(canonical, typed);
    if (why) problems.push(`${key}=${value}: ${why}`);
    else {
      overrides[canonical] = typed;
      raw[canonical] = `${key}=${value}`;
    }
  }
  // Rules across keys (d_model divisible by n_heads, …): drop the key each names, report it, and try again.
  for (;;) {
    try {
      return { config: { ...mergeConfig(overrides) }, preset, data, problems };
    } catch (err) {
      if (!(err instanceof ConfigError) || !(err.key in overrides)) throw err;
      problems.push(`${raw[err.key]}: ${err.message}`);
      delete overrides[err.key];
    }
  }
}

/** The config a hash describes (null for an empty hash); throws ConfigError for the first unknown key or bad value. */
export function configFromHash(hash: string): { config: DistillConfig; preset: string | null } | null {
  const text = hash.replace(/^#/, '');
  if (!text) return null;
  const overrides: Record<string, unknown> = {};
  let preset: string | null = null;
  for (const [key, raw] of new URLSearchParams(text)) {
    if (key === 'preset') preset = raw;
    else if (key !== 'data') overrides[key] = coerce(key, raw);
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

export interface UrlSync {
  /** The data source the link named when the page opened (the page session loads it). */
  readonly data: LinkData | null;
  dispose(): void;
}

/**
 * Reads the link's config into the form once (its refused values go to the config slice's link problems,
 * shown beside the form), then writes every valid edit and every change of data source back to the hash; an
 * invalid form leaves the last valid link. While a run is active the form is locked, so the link keeps
 * naming the running config.
 */
export function createUrlSync(deps: UrlSyncDeps): UrlSync {
  const act = () => deps.store.getState();
  const read = readHash(deps.location?.hash ?? '');
  if (read) {
    act().replaceConfig(read.config, read.preset);
    act().setLinkProblems(read.problems);
  }
  const unsubscribe = deps.store.subscribe((s, prev) => {
    const dataChanged = s.data.source !== prev.data.source;
    if ((s.config === prev.config && !dataChanged) || s.config.error || !deps.replaceHash) return;
    deps.replaceHash(configToHash(s.config.values, s.config.preset, s.data.source === 'demo' ? 'demo' : null));
  });
  return { data: read?.data ?? null, dispose: unsubscribe };
}
