import { describe, expect, it } from 'vitest';
import { mergeConfig } from '../config/merge.ts';
import type { SessionEvent } from './session.ts';
import { createRunDriver } from './run_driver.ts';
import { fakeTrainer } from './testing.ts';
import { tinyMlmSet } from '../testing/tiny_sets.ts';

const base = { n_layers: 1, d_model: 8, n_heads: 2, d_ff: 16, max_len: 12, report_every: 5, eval_every: 0 };

function drive(overrides: Record<string, unknown>, opts: { now?: () => number; failAt?: number } = {}) {
  const events: SessionEvent[] = [];
  const driver = createRunDriver((e) => events.push(e), { now: opts.now });
  const trainer = fakeTrainer(tinyMlmSet(), mergeConfig(base, overrides), driver.callbacks, { atStep: opts.failAt });
  driver.attach(trainer);
  const of = <T extends SessionEvent['type']>(type: T) => events.filter((e): e is Extract<SessionEvent, { type: T }> => e.type === type);
  return { driver, trainer, events, of };
}

const until = async (cond: () => boolean, ms = 2000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
};

const checkpointSteps = (events: SessionEvent[]) => events.flatMap((e) => (e.type === 'checkpoint' ? [e.checkpoint.step] : []));

describe('run driver', () => {
  it('checkpoints every checkpoint_every steps between report windows, without changing the run', async () => {
    const { driver, events, of } = drive({ steps: 42, checkpoint_every: 10, checkpoint_seconds: 0 });
    driver.start();
    await until(() => of('done').length > 0);
    expect(checkpointSteps(events)).toEqual([10, 20, 30, 40]);
    expect(of('steps').flatMap((e) => e.records.map((r) => r.step))).toEqual(Array.from({ length: 42 }, (_, i) => i + 1));
    // the checkpoint pauses are invisible to the page: no 'paused' status, one 'done'
    expect(of('status').filter((e) => e.status === 'paused')).toEqual([]);
    expect(of('done')).toEqual([{ type: 'done', reason: 'completed', step: 42 }]);
    // each checkpoint comes after the steps it holds
    const at20 = events.findIndex((e) => e.type === 'checkpoint' && e.checkpoint.step === 20);
    const steps20 = events.findIndex((e) => e.type === 'steps' && e.records.at(-1)?.step === 20);
    expect(steps20).toBeLessThan(at20);
  });

  it('checkpoints by time too (checkpoint_seconds)', async () => {
    let clock = 0;
    const { driver, events, of, trainer } = drive({ steps: 30, checkpoint_every: 0, checkpoint_seconds: 30 }, { now: () => clock });
    driver.start();
    await until(() => trainer.currentStep() >= 10);
    clock = 31_000; // half a minute later
    await until(() => of('done').length > 0);
    expect(checkpointSteps(events)).toHaveLength(1);
    expect(checkpointSteps(events)[0]).toBeGreaterThanOrEqual(10);
  });

  it('a pause leaves a checkpoint; a pause taken back before the loop yields changes nothing', async () => {
    const { driver, events, of, trainer } = drive({ steps: 100000, checkpoint_every: 0, checkpoint_seconds: 0 });
    driver.start();
    await until(() => trainer.currentStep() >= 7);
    driver.pause();
    await until(() => of('status').some((e) => e.status === 'paused'));
    expect(checkpointSteps(events)).toEqual([trainer.currentStep()]);
    driver.start();
    await until(() => trainer.currentStep() >= 15);
    driver.pause();
    driver.start(); // changed their mind before the loop yielded
    await until(() => trainer.currentStep() >= 30);
    expect(of('status').filter((e) => e.status === 'paused')).toHaveLength(1);
    expect(checkpointSteps(events)).toHaveLength(1);
    driver.stop();
    await until(() => of('done').length > 0);
    expect(of('done')[0]).toMatchObject({ reason: 'stopped' });
  });

  it('a failure is posted once, with its kind', async () => {
    const { driver, of } = drive({ steps: 40, checkpoint_every: 10 }, { failAt: 23 });
    driver.start();
    await until(() => of('done').length > 0);
    await new Promise((r) => setTimeout(r, 10));
    expect(of('done')).toEqual([{ type: 'done', reason: 'error', step: 22, error: expect.stringMatching(/non-finite loss at step 23/), failure: 'non_finite' }]);
    expect(of('status').at(-1)).toMatchObject({ status: 'paused' });
  });

  it('restore continues the cadence from the checkpoint step; a disposed driver posts nothing', async () => {
    const { driver, events, of } = drive({ steps: 60, checkpoint_every: 10 });
    await driver.restore({ version: 1, step: 35, params: [], adam: { step: 35, m: [], v: [] }, rng: { stream: { order: [], cursor: 0, rng: 0 }, dropout: 0 } });
    driver.start();
    await until(() => of('done').length > 0);
    expect(checkpointSteps(events)).toEqual([45, 55]);
    const count = events.length;
    driver.dispose();
    expect(driver.start()).toBe(false); // done
    expect(events.length).toBe(count);
  });

  it('a refused checkpoint (a non-finite weight: saveCheckpoint rejects) is skipped; the next window tries again', async () => {
    const { driver, events, of, trainer } = drive({ steps: 30, checkpoint_every: 10, checkpoint_seconds: 0 });
    const take = trainer.saveCheckpoint.bind(trainer);
    let refuse = true;
    trainer.saveCheckpoint = async () => {
      if (refuse) {
        refuse = false;
        throw new Error('no checkpoint: weight "w" holds NaN at index 0');
      }
      return take();
    };
    driver.start();
    await until(() => of('done').length > 0);
    // refused at 10; `last` stayed at 0, so the window ending at 15 is due (15 − 0 ≥ 10) and taken
    expect(checkpointSteps(events)).toEqual([15, 25]);
    expect(of('done')).toEqual([{ type: 'done', reason: 'completed', step: 30 }]);
  });
});
