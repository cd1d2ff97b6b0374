/**
 * Config slice: the DistillConfig being edited. Edits land field by field; `error` holds the first validation
 * failure (mergeConfig's message, or the page's own rule below) and `drafts` every field whose typed text is
 * not a value yet ("1.5" in an integer field, an empty box), so each field shows its message beside it and
 * Train stays disabled while any is there. `linkProblems`: the values of the page's link that were refused.
 */
import type { StateCreator } from 'zustand';
import { DEFAULT_CONFIG, type ConfigKey, type DistillConfig } from '../engine/config/config.ts';
import { ConfigError, validateConfig } from '../engine/config/merge.ts';
import { presetOverrides, RECIPE_KEYS } from '../engine/config/presets.ts';
import type { AppState } from './store.ts';

export interface ConfigState {
  values: DistillConfig;
  /** The preset last applied (null once a loss knob is edited by hand). */
  preset: string | null;
  error: { key: string; message: string } | null;
  /** Fields whose text does not parse as their value yet, with why (the field shows it; Train waits). */
  drafts: Partial<Record<ConfigKey, string>>;
  /** Each value of the page's link that was refused (the rest of the link was applied). */
  linkProblems: string[];
}

export interface ConfigSlice {
  config: ConfigState;
  setConfigValue<K extends keyof DistillConfig>(key: K, value: DistillConfig[K]): void;
  applyPreset(name: string): void;
  replaceConfig(values: DistillConfig, preset?: string | null): void;
  /** A field's text is not a value (`message`), or is one again (null). */
  setFieldDraft(key: ConfigKey, message: string | null): void;
  setLinkProblems(problems: string[]): void;
}

/**
 * Rules of the page on top of the config's own: `steps` 0 is a valid config (the CLI uses it to write a
 * teacher-initialised student with --init-from), but in the page it would "train" nothing and report success.
 */
const PAGE_RULES: readonly { key: ConfigKey; message: (c: DistillConfig) => string | null }[] = [
  { key: 'steps', message: (c) => (c.steps === 0 ? 'steps must be at least 1 to train (0 steps would train nothing)' : null) },
];

export function checkConfig(values: DistillConfig): ConfigState['error'] {
  try {
    validateConfig({ ...values });
  } catch (err) {
    if (err instanceof ConfigError) return { key: err.key, message: err.message };
    return { key: '', message: err instanceof Error ? err.message : String(err) };
  }
  for (const rule of PAGE_RULES) {
    const message = rule.message(values);
    if (message) return { key: rule.key, message };
  }
  return null;
}

/** The config cannot train: a refused value, or a field whose text is not a value yet. */
export function configBlocked(config: ConfigState): string | null {
  if (config.error) return config.error.message;
  const draft = Object.entries(config.drafts)[0];
  return draft ? `${draft[0]}: ${draft[1]}` : null;
}

export const createConfigSlice: StateCreator<AppState, [], [], ConfigSlice> = (set) => ({
  config: { values: { ...DEFAULT_CONFIG }, preset: null, error: null, drafts: {}, linkProblems: [] },
  setConfigValue: (key, value) =>
    set((s) => {
      const values = { ...s.config.values, [key]: value };
      const preset = RECIPE_KEYS.has(key) ? null : s.config.preset;
      return { config: { ...s.config, values, preset, error: checkConfig(values) } };
    }),
  applyPreset: (name) =>
    set((s) => {
      const values = { ...s.config.values, ...presetOverrides(name) };
      return { config: { ...s.config, values, preset: name, error: checkConfig(values) } };
    }),
  replaceConfig: (values, preset = null) => set((s) => ({ config: { ...s.config, values: { ...values }, preset, error: checkConfig(values) } })),
  setFieldDraft: (key, message) =>
    set((s) => {
      if ((s.config.drafts[key] ?? null) === message) return {};
      const drafts = { ...s.config.drafts };
      if (message === null) delete drafts[key];
      else drafts[key] = message;
      return { config: { ...s.config, drafts } };
    }),
  setLinkProblems: (linkProblems) => set((s) => ({ config: { ...s.config, linkProblems } })),
});
