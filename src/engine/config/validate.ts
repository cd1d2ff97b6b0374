/**
 * Validation derived from the schema: the type, integrality, bounds and choices of each key
 * (checkConfigValue, which the page's fields use as they are typed), then the rules that tie keys together.
 */
import { LOSS_NAMES, LOSS_WEIGHT_KEYS } from '../losses/names.ts';
import { CONFIG_KEYS, fieldOf, takesAuto, type Bounds, type ConfigField, type ConfigKey, type DistillConfig } from './schema.ts';

/** Error for a config that names an unknown key or holds an invalid value; `key` names the culprit. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly key: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** "> 0", ">= 0", "in [0, 1)": the bounds in words. */
export function describeBounds(b: Bounds): string {
  const low = b.gt ?? b.ge;
  const high = b.lt ?? b.le;
  if (high === undefined) return low === undefined ? 'any number' : `${b.gt !== undefined ? '>' : '>='} ${low}`;
  if (low === undefined) return `${b.lt !== undefined ? '<' : '<='} ${high}`;
  return `in ${b.gt !== undefined ? '(' : '['}${low}, ${high}${b.lt !== undefined ? ')' : ']'}`;
}

function withinBounds(value: number, b: Bounds): boolean {
  return !(
    (b.gt !== undefined && !(value > b.gt)) ||
    (b.ge !== undefined && !(value >= b.ge)) ||
    (b.lt !== undefined && !(value < b.lt)) ||
    (b.le !== undefined && !(value <= b.le))
  );
}

/** Why `value` cannot be `key` (one line naming both), or null when it can. */
export function checkConfigValue(key: ConfigKey, value: unknown): string | null {
  return checkFieldValue(key, fieldOf(key), value);
}

/** checkConfigValue for a row `field` named `key`. */
export function checkFieldValue(key: string, field: ConfigField, value: unknown): string | null {
  if (field.kind === 'choice') {
    if (field.values.includes(value as never)) return null;
    return `config "${key}" must be one of ${field.values.join(', ')}, found ${JSON.stringify(value)}`;
  }
  if (takesAuto(field) && value === 'auto') return null;
  if (typeof value !== 'number') return `config "${key}" must be a number${takesAuto(field) ? " or 'auto'" : ''}, found ${JSON.stringify(value)}`;
  if (!Number.isFinite(value)) return `config "${key}" must be finite, found ${value}`;
  if (field.kind === 'integer' && !Number.isInteger(value)) return `config "${key}" must be an integer, found ${value}`;
  if (!withinBounds(value, field)) return `config "${key}" must be ${describeBounds(field)}, found ${value}`;
  return null;
}

/** Rules across keys, each with the key the form marks. */
const CROSS_CHECKS: readonly { key: ConfigKey; message: (c: DistillConfig) => string | null }[] = [
  {
    key: 'n_heads',
    message: (c) => (c.d_model % c.n_heads !== 0 ? `d_model (${c.d_model}) must be divisible by n_heads (${c.n_heads})` : null),
  },
  {
    key: 'alpha_kd',
    message: (c) =>
      LOSS_NAMES.reduce((sum, name) => sum + c[LOSS_WEIGHT_KEYS[name]], 0) > 0
        ? null
        : `at least one loss weight (${LOSS_NAMES.map((n) => LOSS_WEIGHT_KEYS[n]).join(', ')}) must be > 0`,
  },
];

/** Checks every key of `raw` against the schema, then the rules across keys; returns the config frozen. */
export function validateConfig(raw: Record<string, unknown>): Readonly<DistillConfig> {
  for (const key of CONFIG_KEYS) {
    const problem = checkConfigValue(key, raw[key]);
    if (problem) throw new ConfigError(problem, key);
  }
  const out: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) out[key] = raw[key];
  const config = out as unknown as DistillConfig;
  for (const check of CROSS_CHECKS) {
    const problem = check.message(config);
    if (problem) throw new ConfigError(problem, check.key);
  }
  return Object.freeze(config);
}
