/**
 * Config slice: the DistillConfig being edited. Edits land field by field; `error` holds the first validation
 * failure (mergeConfig's message) so the form can show it and Train stays disabled until it is fixed.
 */
import type { StateCreator } from 'zustand';
import { DEFAULT_CONFIG, type DistillConfig } from '../engine/config/config.ts';
import { ConfigError, validateConfig } from '../engine/config/merge.ts';
import { presetOverrides, RECIPE_KEYS } from '../engine/config/presets.ts';
import type { AppState } from './store.ts';

export interface ConfigState {
  values: DistillConfig;
  /** The preset last applied (null once a loss knob is edited by hand). */
  preset: string | null;
  error: { key: string; message: string } | null;
}

export interface ConfigSlice {
  config: ConfigState;
  setConfigValue<K extends keyof DistillConfig>(key: K, value: DistillConfig[K]): void;
  applyPreset(name: string): void;
  replaceConfig(values: DistillConfig, preset?: string | null): void;
}

export function checkConfig(values: DistillConfig): ConfigState['error'] {
  try {
    validateConfig({ ...values });
    return null;
  } catch (err) {
    if (err instanceof ConfigError) return { key: err.key, message: err.message };
    return { key: '', message: err instanceof Error ? err.message : String(err) };
  }
}

export const createConfigSlice: StateCreator<AppState, [], [], ConfigSlice> = (set) => ({
  config: { values: { ...DEFAULT_CONFIG }, preset: null, error: null },
  setConfigValue: (key, value) =>
    set((s) => {
      const values = { ...s.config.values, [key]: value };
      const preset = RECIPE_KEYS.has(key) ? null : s.config.preset;
      return { config: { values, preset, error: checkConfig(values) } };
    }),
  applyPreset: (name) =>
    set((s) => {
      const values = { ...s.config.values, ...presetOverrides(name) };
      return { config: { values, preset: name, error: checkConfig(values) } };
    }),
  replaceConfig: (values, preset = null) => set({ config: { values: { ...values }, preset, error: checkConfig(values) } }),
});
