import { describe, expect, it } from 'vitest';
import { mergeConfig } from '../config/merge.ts';
import { BASELINE_NAME, combinations, MAX_SWEEP_ROWS, parseGridSpec, planSweep } from './grid.ts';

const base = mergeConfig({ steps: 40, lr: 2e-3, d_model: 64, n_heads: 4 });

describe('parseGridSpec', () => {
  it('types values by the key: numbers, enum strings; aliases resolve to our key', () => {
    expect(parseGridSpec('temperature=1,2,4.5', base)).toEqual({ key: 'temperature', values: [1, 2, 4.5] });
    expect(parseGridSpec('divergence=kl, jsd', base)).toEqual({ key: 'divergence', values: ['kl', 'jsd'] });
    expect(parseGridSpec('alpha_ce=0.5,1e-1', base)).toEqual({ key: 'alpha_kd', values: [0.5, 0.1] });
    expect(parseGridSpec('eval_every=auto,10', base)).toEqual({ key: 'eval_every', values: ['auto', 10] });
  });

  it.each([
    ['temperature', /grid "temperature": expected KEY=V1,V2,…/],
    ['=1,2', /expected KEY=V1,V2,…/],
    ['temprature=1,2', /unknown config key "temprature"/],
    ['temperature=1,,2', /empty value/],
    ['temperature=', /empty value/],
    ['temperature=1,two', /"two" is not a number \(temperature is a number\)/],
    ['temperature=0x10', /"0x10" is not a number/],
    ['temperature=0,2', /grid "temperature=0,2": config "temperature" must be > 0, found 0/],
    ['n_layers=1.5', /config "n_layers" must be an integer, found 1.5/],
    ['divergence=kl,kld', /config "divergence" must be one of kl, rkl, skew_kl, skew_rkl, jsd, found "kld"/],
    ['temperature=2,2.0', /temperature=2 appears twice/],
    ['backend=wasm,cpu', /backend cannot be swept/],
  ])('refuses %s', (spec, pattern) => {
    expect(() => parseGridSpec(spec, base)).toThrow(pattern);
  });
});

describe('planSweep', () => {
  it('expands the combinations in order, names them, and adds the hard-label baseline on the same student and steps', () => {
    const rows = planSweep(base, [parseGridSpec('temperature=2,4', base), parseGridSpec('alpha_kd=0.5,1', base)], { baseline: true });
    expect(rows.map((r) => r.name)).toEqual([
      'temperature=2,alpha_kd=0.5',
      'temperature=2,alpha_kd=1',
      'temperature=4,alpha_kd=0.5',
      'temperature=4,alpha_kd=1',
      BASELINE_NAME,
    ]);
    expect(rows[2].config).toMatchObject({ temperature: 4, alpha_kd: 0.5, steps: 40, lr: 2e-3, d_model: 64 });
    expect(rows[2].grid).toEqual({ temperature: 4, alpha_kd: 0.5 });
    const baseline = rows[4];
    expect(baseline).toMatchObject({ name: 'baseline-hard', dir: 'baseline-hard', baseline: true, grid: {} });
    expect(baseline.config).toMatchObject({ alpha_kd: 0, alpha_hard: 1, alpha_cos: 0, alpha_mse: 0, steps: 40, lr: 2e-3, d_model: 64, n_heads: 4 });
    expect(rows.slice(0, 4).every((r) => !r.baseline)).toBe(true);
    expect(Object.isFrozen(rows[0].config)).toBe(true);
  });

  it('--no-baseline leaves it out', () => {
    expect(planSweep(base, [parseGridSpec('temperature=2,4', base)], { baseline: false }).map((r) => r.name)).toEqual(['temperature=2', 'temperature=4']);
  });

  it('refuses an invalid combination by its row name, a repeated key, no axes, and a grid too large', () => {
    const narrow = mergeConfig({ d_model: 48, n_heads: 4 });
    const axes = [parseGridSpec('d_model=48,64', narrow), parseGridSpec('n_heads=4,3', narrow)]; // each value fits 48
    expect(() => planSweep(narrow, axes, { baseline: false })).toThrow(/^grid row d_model=64,n_heads=3: d_model \(64\) must be divisible by n_heads \(3\)$/);
    expect(() => planSweep(base, [parseGridSpec('temperature=2,4', base), parseGridSpec('temp=1', base)], { baseline: true })).toThrow(/temperature is given twice/);
    expect(() => planSweep(base, [], { baseline: true })).toThrow(/at least one grid axis/);
    const values = Array.from({ length: 16 }, (_, i) => i + 1);
    const big = [{ key: 'seed' as const, values }, { key: 'warmup_steps' as const, values }];
    expect(() => planSweep(base, big, { baseline: true })).toThrow(new RegExp(`256 combinations, more than ${MAX_SWEEP_ROWS}`));
    expect(planSweep(base, big, { baseline: false })).toHaveLength(256);
  });

  it('names runs after their values, and their directories the same', () => {
    const rows = planSweep(base, [parseGridSpec('lr=1e-3,0.0005', base), parseGridSpec('divergence=skew_kl', base)], { baseline: true });
    expect(rows.map((r) => r.dir)).toEqual(['lr=0.001,divergence=skew_kl', 'lr=0.0005,divergence=skew_kl', 'baseline-hard']);
    expect(rows.map((r) => r.dir)).toEqual(rows.map((r) => r.name));
  });

  it('combinations of no axes is the one empty combination', () => {
    expect(combinations([])).toEqual([{}]);
  });
});
