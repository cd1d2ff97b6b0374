import { describe, expect, it } from 'vitest';
import { configFromHash, configToHash } from './url_sync.ts';
import { DEFAULT_CONFIG } from '../engine/config/config.ts';
import { ConfigError } from '../engine/config/merge.ts';

describe('config in the URL hash', () => {
  it('writes only what differs from the defaults', () => {
    expect(configToHash({ ...DEFAULT_CONFIG })).toBe('');
    expect(configToHash({ ...DEFAULT_CONFIG, n_layers: 1, divergence: 'jsd' }, 'kd')).toBe('#preset=kd&n_layers=1&divergence=jsd');
  });
  it('round-trips every kind of value', () => {
    const config = { ...DEFAULT_CONFIG, lr: 3e-4, steps: 40, backend: 'webgpu' as const, schedule: 'cosine' as const, temperature: 1.5 };
    expect(configFromHash(configToHash(config, 'distilbert'))).toEqual({ config, preset: 'distilbert' });
  });
  it('an empty hash means no config', () => {
    expect(configFromHash('')).toBeNull();
    expect(configFromHash('#')).toBeNull();
  });
  it('accepts Hugging Face aliases', () => {
    expect(configFromHash('#hidden_size=64&num_attention_heads=2')?.config).toMatchObject({ d_model: 64, n_heads: 2 });
  });
  it('refuses unknown keys and bad values with the merge message', () => {
    expect(() => configFromHash('#learnign_rate=1')).toThrow(ConfigError);
    expect(() => configFromHash('#steps=ten')).toThrow(/steps/);
    expect(() => configFromHash('#divergence=kll')).toThrow(/one of/);
  });
});
