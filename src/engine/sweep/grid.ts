/**
 * A sweep: every combination of a grid of config values, run back to back, plus one hard-label baseline row
 * (the `hard` preset with the same student, optimiser and steps) — the run every recipe must beat.
 * Pure: text → typed values → validated configs, so the CLI and the page's Sweep tab plan the same rows.
 * Values are checked by mergeConfig (the one validator), so a grid accepts exactly what a config file accepts.
 */
import { DEFAULT_CONFIG, type DistillConfig } from '../config/config.ts';
import { canonicalKey, ConfigError, mergeConfig } from '../config/merge.ts';
import { presetOverrides } from '../config/presets.ts';
import { fieldOf, takesAuto } from '../config/schema.ts';

/** One grid axis: a config key and the values it takes, in the order given. */
export interface GridAxis {
  key: keyof DistillConfig;
  values: (number | string | boolean)[];
}

/** One planned run of a sweep. */
export interface SweepPlanRow {
  /** Readable and unique: `temperature=2,alpha_kd=0.5`, or `baseline-hard`. */
  name: string;
  /** Directory name for the run: the name, any character unsafe in a path replaced by `_` (today's keys and
   * values — numbers and enum words — have none). */
  dir: string;
  config: Readonly<DistillConfig>;
  /** This row's grid values (empty for the baseline). */
  grid: Partial<Record<keyof DistillConfig, number | string | boolean>>;
  baseline: boolean;
}

export const BASELINE_PRESET = 'hard';
export const BASELINE_NAME = `baseline-${BASELINE_PRESET}`;
/** More rows than this is almost surely a typo (a sweep runs them one after the other). */
export const MAX_SWEEP_ROWS = 256;
/** Keys a grid may not vary: the backend is chosen once per sweep, so that rows compare like with like. */
const NOT_IN_GRID: Readonly<Partial<Record<keyof DistillConfig, string>>> = { backend: 'the backend is chosen once per sweep' };

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A value's text as the type of the key's row: a number ('auto' where the row takes it), true/false, or the string itself. */
function typedValue(key: keyof DistillConfig, text: string, spec: string): number | string | boolean {
  const field = fieldOf(key);
  if (takesAuto(field) && text === 'auto') return text;
  const kind = field.kind === 'choice' ? typeof DEFAULT_CONFIG[key] : 'number';
  if (kind === 'number') {
    if (!NUMBER.test(text)) throw new Error(`grid "${spec}": "${text}" is not a number (${key} is a number)`);
    return Number(text);
  }
  if (kind === 'boolean') {
    if (text !== 'true' && text !== 'false') throw new Error(`grid "${spec}": "${text}" is not true or false (${key} is a boolean)`);
    return text === 'true';
  }
  return text;
}

/**
 * Parses `KEY=V1,V2,…` (a config key or a Hugging Face alias) into an axis, each value typed by the key's
 * default and checked on top of `base` with mergeConfig. Throws one line naming the spec.
 */
export function parseGridSpec(spec: string, base: Readonly<DistillConfig>): GridAxis {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new Error(`grid "${spec}": expected KEY=V1,V2,…`);
  const rawKey = spec.slice(0, eq).trim();
  const key = canonicalKey(rawKey);
  if (!key) throw new Error(`grid "${spec}": unknown config key "${rawKey}"`);
  const refused = NOT_IN_GRID[key];
  if (refused) throw new Error(`grid "${spec}": ${key} cannot be swept (${refused})`);
  const texts = spec.slice(eq + 1).split(',').map((t) => t.trim());
  if (texts.some((t) => t === '')) throw new Error(`grid "${spec}": empty value (expected KEY=V1,V2,…)`);
  const values = texts.map((t) => typedValue(key, t, spec));
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(String(value))) throw new Error(`grid "${spec}": ${key}=${value} appears twice`);
    seen.add(String(value));
    try {
      mergeConfig(base, { [key]: value });
    } catch (err) {
      if (err instanceof ConfigError) throw new Error(`grid "${spec}": ${err.message}`, { cause: err });
      throw err;
    }
  }
  return { key, values };
}

/** Every combination of the axes, the first axis varying slowest: [{k1: a, k2: x}, {k1: a, k2: y}, …]. */
export function combinations(axes: readonly GridAxis[]): SweepPlanRow['grid'][] {
  let out: SweepPlanRow['grid'][] = [{}];
  for (const axis of axes) out = out.flatMap((partial) => axis.values.map((v) => ({ ...partial, [axis.key]: v })));
  return out;
}

const dirName = (name: string) => name.replace(/[^A-Za-z0-9._=,+-]/g, '_');

/**
 * The rows of a sweep: one per combination (config = base ← the row's grid values, validated together, so a
 * combination such as d_model=100 with n_heads=3 is refused by name), then the baseline unless `baseline` is
 * false: base ← the `hard` preset. Throws one line before anything runs.
 */
export function planSweep(base: Readonly<DistillConfig>, axes: readonly GridAxis[], options: { baseline: boolean }): SweepPlanRow[] {
  if (axes.length === 0) throw new Error('a sweep needs at least one grid axis (KEY=V1,V2,…)');
  const keys = new Set<string>();
  for (const axis of axes) {
    if (keys.has(axis.key)) throw new Error(`grid: ${axis.key} is given twice (one KEY=… per key)`);
    keys.add(axis.key);
  }
  const grids = combinations(axes);
  if (grids.length + (options.baseline ? 1 : 0) > MAX_SWEEP_ROWS) {
    throw new Error(`the grid has ${grids.length} combinations, more than ${MAX_SWEEP_ROWS}: split it into smaller sweeps`);
  }
  const rows: SweepPlanRow[] = grids.map((grid) => {
    const name = Object.entries(grid).map(([k, v]) => `${k}=${v}`).join(',');
    try {
      return { name, dir: dirName(name), config: mergeConfig(base, grid), grid, baseline: false };
    } catch (err) {
      if (err instanceof ConfigError) throw new Error(`grid row ${name}: ${err.message}`, { cause: err });
      throw err;
    }
  });
  if (options.baseline) {
    rows.push({ name: BASELINE_NAME, dir: BASELINE_NAME, config: mergeConfig(base, presetOverrides(BASELINE_PRESET)), grid: {}, baseline: true });
  }
  return rows;
}
