import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from './config.ts';
import { ConfigError, mergeConfig } from './merge.ts';
import { PRESETS, presetOverrides, RECIPE_KEYS } from './presets.ts';

describe('mergeConfig', () => {
  it('returns the defaults, frozen, with no overrides', () => {
    const c = mergeConfig();
    expect(c).toEqual(DEFAULT_CONFIG);
    expect(Object.isFrozen(c)).toBe(true);
  });
  it('applies overrides left to right', () => {
    expect(mergeConfig({ lr: 0.1 }, { lr: 0.2 }).lr).toBe(0.2);
  });
  it('refuses unknown keys, naming them', () => {
    expect(() => mergeConfig({ learnign_rate: 1 })).toThrow(/unknown config key "learnign_rate"/);
  });
  it('accepts Hugging Face distiller aliases', () => {
    const c = mergeConfig({ alpha_ce: 5, alpha_mlm: 2, hidden_size: 64, num_attention_heads: 2 });
    expect([c.alpha_kd, c.alpha_hard, c.d_model, c.n_heads]).toEqual([5, 2, 64, 2]);
  });
  it('refuses wrong types, non-integers and bad enums', () => {
    expect(() => mergeConfig({ steps: '10' })).toThrow(ConfigError);
    expect(() => mergeConfig({ steps: 1.5 })).toThrow(/integer/);
    expect(() => mergeConfig({ divergence: 'kll' })).toThrow(/one of/);
    expect(() => mergeConfig({ temperature: 0 })).toThrow(/> 0/);
  });
  it('trim_vocab takes "auto", true or false and nothing else', () => {
    expect(mergeConfig({}).trim_vocab).toBe('auto');
    expect(mergeConfig({ trim_vocab: true }).trim_vocab).toBe(true);
    expect(mergeConfig({ trim_vocab: false }).trim_vocab).toBe(false);
    expect(() => mergeConfig({ trim_vocab: 'yes' })).toThrow(/"trim_vocab" must be one of auto, true, false/);
    expect(() => mergeConfig({ trim_vocab: 1 })).toThrow(/trim_vocab/);
  });
  it('jsd_beta takes the closed [0, 1] (TRL endpoints)', () => {
    expect(mergeConfig({ jsd_beta: 0 }).jsd_beta).toBe(0);
    expect(mergeConfig({ jsd_beta: 1 }).jsd_beta).toBe(1);
    expect(() => mergeConfig({ jsd_beta: 1.01 })).toThrow(/in \[0, 1\]/);
    expect(() => mergeConfig({ jsd_beta: -0.1 })).toThrow(/jsd_beta/);
  });
  it('refuses d_model not divisible by n_heads', () => {
    expect(() => mergeConfig({ d_model: 10, n_heads: 3 })).toThrow(/divisible/);
  });
  it('refuses a recipe with every loss weight at zero', () => {
    expect(() => mergeConfig({ alpha_kd: 0 })).toThrow(/loss weight/);
  });
});

describe('presets', () => {
  it('distilbert is the triple loss 5/2/1 at T=2', () => {
    const c = mergeConfig(presetOverrides('distilbert'));
    expect([c.alpha_kd, c.alpha_hard, c.alpha_cos, c.temperature]).toEqual([5, 2, 1, 2]);
  });
  it('every preset merges into a valid config', () => {
    for (const name of Object.keys(PRESETS)) expect(() => mergeConfig(presetOverrides(name))).not.toThrow();
  });
  it('skew-kl uses the DistiLLM skew KL with α = 0.1', () => {
    const c = mergeConfig(presetOverrides('skew-kl'));
    expect([c.divergence, c.skew_alpha]).toEqual(['skew_kl', 0.1]);
  });
  it('an unknown preset lists the known ones', () => {
    expect(() => presetOverrides('nope')).toThrow(/distilbert/);
  });
});

describe('RECIPE_KEYS', () => {
  it('are exactly the keys some preset sets', () => {
    expect([...RECIPE_KEYS].sort()).toEqual(['alpha_cos', 'alpha_hard', 'alpha_kd', 'alpha_mse', 'divergence', 'skew_alpha', 'temperature']);
  });
});
