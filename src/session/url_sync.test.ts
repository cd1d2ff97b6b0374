import { describe, expect, it } from 'vitest';
import { configFromHash, configToHash, readHash } from './url_sync.ts';
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
  it('names the demo set as the data source', () => {
    expect(configToHash({ ...DEFAULT_CONFIG, seed: 1 }, null, 'demo')).toBe('#data=demo&seed=1');
    expect(readHash('#data=demo&seed=1')).toMatchObject({ data: 'demo', problems: [], config: { seed: 1 } });
  });
  it('reports every refused value with its reason and keeps the accepted ones', () => {
    const read = readHash('#steps=0.5&temperature=0&n_layers=3&preset=nope&data=/etc/passwd&eval_every=auto');
    expect(read?.config).toMatchObject({ n_layers: 3, steps: 300, temperature: 2, eval_every: 'auto' });
    expect(read?.data).toBeNull();
    expect(read?.problems).toEqual([
      'steps=0.5: config "steps" must be an integer, found 0.5',
      'temperature=0: config "temperature" must be > 0, found 0',
      expect.stringMatching(/^preset=nope: no such preset/),
      expect.stringMatching(/^data=\/etc\/passwd: a link can name only the demo set/),
    ]);
  });
  it('drops a value that breaks a rule across keys, by name', () => {
    const read = readHash('#d_model=100&n_heads=3');
    expect(read?.problems).toEqual(['n_heads=3: d_model (100) must be divisible by n_heads (3)']);
    expect(read?.config).toMatchObject({ d_model: 100, n_heads: 4 });
  });
});
