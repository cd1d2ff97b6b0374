import { describe, expect, it } from 'vitest';
import { busyBetween, busyCores } from './busy_cores.ts';

const core = (user: number, idle: number) => ({ model: 'x', speed: 1, times: { user, nice: 0, sys: 0, idle, irq: 0 } });

describe('busyBetween', () => {
  it('is the non-idle share of the window times the core count', () => {
    // core 0 fully busy, core 1 idle over the window: one busy core of two
    expect(busyBetween([core(100, 100), core(100, 100)], [core(300, 100), core(100, 300)])).toBeCloseTo(1, 10);
    expect(busyBetween([core(0, 0), core(0, 0)], [core(50, 150), core(50, 150)])).toBeCloseTo(0.5, 10);
    expect(busyBetween([core(0, 0)], [core(0, 0)])).toBe(0); // no time passed
  });
  it('measures this machine within [0, cores]', async () => {
    const busy = await busyCores(50);
    expect(busy).toBeGreaterThanOrEqual(0);
    expect(busy).toBeLessThanOrEqual((await import('node:os')).cpus().length + 1e-9);
  });
});
