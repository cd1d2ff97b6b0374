import { describe, expect, it } from 'vitest';
import { BACKEND_ORDER } from '../backend_order.ts';
import { DIVERGENCE_NAMES } from '../losses/names.ts';
import { DEFAULT_CONFIG } from './config.ts';
import { CONFIG_KEYS, CONFIG_SCHEMA, choice, integer, keysOf, number, parseConfigText, parseFieldText } from './schema.ts';
import { checkConfigValue, checkFieldValue, describeBounds } from './validate.ts';

describe('config schema', () => {
  it('every default passes its own row', () => {
    for (const key of CONFIG_KEYS) expect(checkConfigValue(key, DEFAULT_CONFIG[key]), key).toBeNull();
  });
  it('keeps the written key order (config.json / report.json)', () => {
    expect(CONFIG_KEYS.slice(0, 5)).toEqual(['architecture', 'n_layers', 'd_model', 'n_heads', 'd_ff']);
    expect(CONFIG_KEYS.at(-1)).toBe('checkpoint_seconds');
    expect(Object.keys(DEFAULT_CONFIG)).toEqual([...CONFIG_KEYS]);
  });
  it('takes the divergences from the loss registry names and the backends from the one backend order', () => {
    expect(CONFIG_SCHEMA.divergence.values).toEqual(DIVERGENCE_NAMES);
    expect(CONFIG_SCHEMA.backend.values).toEqual(['auto', ...BACKEND_ORDER]);
    for (const key of CONFIG_KEYS) {
      const field = CONFIG_SCHEMA[key];
      if (field.kind === 'choice') expect(Object.keys(field.labels), key).toEqual(field.values.map(String));
    }
  });
  it('groups every key for the form', () => {
    const grouped = (['student', 'loss', 'optim', 'run', 'runtime'] as const).flatMap((g) => keysOf(g));
    expect(grouped.sort()).toEqual([...CONFIG_KEYS].sort());
  });
});

describe('checkConfigValue', () => {
  it('refuses what the merge refuses, by the row: type, integer, bounds, choice', () => {
    expect(checkConfigValue('temperature', 0)).toBe('config "temperature" must be > 0, found 0');
    expect(checkConfigValue('temperature', 0.5)).toBeNull();
    expect(checkConfigValue('steps', 1.5)).toMatch(/integer/);
    expect(checkConfigValue('steps', -1)).toBe('config "steps" must be >= 0, found -1');
    expect(checkConfigValue('n_layers', 0)).toMatch(/> 0/);
    expect(checkConfigValue('dropout', 1)).toBe('config "dropout" must be in [0, 1), found 1');
    expect(checkConfigValue('skew_alpha', 1)).toBeNull();
    expect(checkConfigValue('skew_alpha', 1.01)).toMatch(/in \[0, 1\]/);
    expect(checkConfigValue('jsd_beta', 0)).toBeNull(); // TRL's endpoint: forward KL
    expect(checkConfigValue('jsd_beta', 1.5)).toMatch(/in \[0, 1\]/);
    expect(checkConfigValue('trim_vocab', 'yes')).toMatch(/one of auto, true, false/);
    expect(checkConfigValue('eval_fraction', 1)).toMatch(/in \[0, 1\)/);
    expect(checkConfigValue('lr', Number.NaN)).toMatch(/finite/);
    expect(checkConfigValue('lr', '0.1')).toMatch(/must be a number/);
    expect(checkConfigValue('divergence', 'kll')).toBe('config "divergence" must be one of kl, rkl, skew_kl, skew_rkl, jsd, found "kll"');
  });
  it('describes bounds in words', () => {
    expect(describeBounds({ gt: 0 })).toBe('> 0');
    expect(describeBounds({ ge: 0, le: 1 })).toBe('in [0, 1]');
    expect(describeBounds({ lt: 3 })).toBe('< 3');
  });
});

describe('rows with mixed string / boolean choices (e.g. trim_vocab: auto | true | false)', () => {
  const field = choice('auto', ['auto', true, false], { auto: 'auto', true: 'on', false: 'off' }, { label: 'trim', help: 'h', group: 'student' });
  it('parses "true" / "false" from the URL as booleans and keeps the literal types', () => {
    expect(parseFieldText(field, 'true')).toBe(true);
    expect(parseFieldText(field, 'false')).toBe(false);
    expect(parseFieldText(field, 'auto')).toBe('auto');
    expect(parseFieldText(field, 'yes')).toBe('yes');
    const value: 'auto' | boolean = field.default;
    expect(value).toBe('auto');
  });
  it('validates against the values, booleans included', () => {
    expect(checkFieldValue('trim', field, true)).toBeNull();
    expect(checkFieldValue('trim', field, 'true')).toBe('config "trim" must be one of auto, true, false, found "true"');
  });
});

describe('parseConfigText', () => {
  it('numbers for number rows (text that is not one stays text), choices as text', () => {
    expect(parseConfigText('lr', '0.003')).toBe(0.003);
    expect(parseConfigText('lr', 'fast')).toBe('fast');
    expect(parseConfigText('lr', ' ')).toBe(' ');
    expect(parseConfigText('backend', 'wasm')).toBe('wasm');
  });
  it('the builders carry bounds and steps', () => {
    expect(integer(3, { ge: 1 }, { label: 'x', help: 'h', group: 'run' })).toMatchObject({ kind: 'integer', step: 1, ge: 1 });
    expect(number(0.5, 0.1, { lt: 1 }, { label: 'x', help: 'h', group: 'run' })).toMatchObject({ kind: 'number', step: 0.1, lt: 1 });
  });
});
