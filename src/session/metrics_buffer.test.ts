import { describe, expect, it } from 'vitest';
import { fakeEval } from '../engine/training/testing.ts';
import type { StepRecord } from '../engine/trainer_types.ts';
import { createMetricsBuffer } from './metrics_buffer.ts';

const rec = (step: number): StepRecord => ({ step, total: 1, lr: 0.1, grad_norm: 1, ms_per_step: 1, tokens_per_s: 1 });
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('metrics buffer', () => {
  it('hands on everything buffered in one batch, once per interval', async () => {
    const batches: [number[], number[]][] = [];
    const buffer = createMetricsBuffer({ flushMs: 20 }, { onFlush: (s, e) => batches.push([s.map((r) => r.step), e.map((r) => r.step)]) });
    buffer.pushSteps([rec(1), rec(2)]);
    buffer.pushEval(fakeEval(2));
    buffer.pushSteps([rec(3)]);
    expect(batches).toEqual([]);
    await wait(40);
    expect(batches).toEqual([[[1, 2, 3], [2]]]);
    buffer.pushSteps([rec(4)]);
    buffer.flush(); // now, not at the interval
    expect(batches.at(-1)).toEqual([[4], []]);
    await wait(40);
    expect(batches).toHaveLength(2); // nothing left: no empty batch
  });
  it('drop forgets what was buffered; dispose stops the timer', async () => {
    const batches: unknown[] = [];
    const buffer = createMetricsBuffer({ flushMs: 10 }, { onFlush: (s) => batches.push(s) });
    buffer.pushSteps([rec(1)]);
    buffer.drop();
    buffer.pushSteps([rec(2)]);
    buffer.dispose();
    await wait(30);
    expect(batches).toEqual([]);
  });
});
