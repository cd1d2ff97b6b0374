/** The page session over the in-thread client (no worker): the same surface, the same run. */
import { describe, expect, it } from 'vitest';
import { createLocalSession } from '../engine/training/local_session.ts';
import { fakeDeps } from '../engine/training/testing.ts';
import { tinyMlmSet } from '../engine/testing/tiny_sets.ts';
import { createInThreadClient } from '../worker/in_thread.ts';
import { makeHarness, until } from './testing.ts';

const small = '#n_layers=1&d_model=8&n_heads=2&d_ff=16&max_len=12&steps=20&report_every=5&eval_every=10';

describe('in-thread training client', () => {
  it('trains, evaluates, measures and stores a run through the page session as the worker does', async () => {
    const client = createInThreadClient(() => createLocalSession(fakeDeps(tinyMlmSet())));
    const h = makeHarness({ hash: small, client });
    await h.session.init();
    await h.session.loadFile(new Blob(['x']), 'tiny.safetensors');
    await h.session.train();
    await until(() => h.store.getState().run.saved);
    const s = h.store.getState();
    expect(s.run).toMatchObject({ status: 'done', step: 20, paramCount: 1234, studentMsPerExample: 0.75 });
    expect(s.metrics.evals.map((e) => e.step)).toEqual([0, 10, 20]);
    expect(s.runs.list[0]).toMatchObject({ status: 'done', hasWeights: true });
    expect(await client.ping(10)).toBe(true);
  });

  it('restart replaces the session and keeps the listeners; only the non-finite fault can be simulated', async () => {
    let started = 0;
    const client = createInThreadClient(() => {
      started++;
      return createLocalSession(fakeDeps(tinyMlmSet()));
    });
    const types: string[] = [];
    client.subscribe((e) => types.push(e.type));
    client.restart();
    expect(started).toBe(2);
    await client.load(new Blob(['x']), 'tiny.safetensors');
    expect(types).toContain('progress');
    await expect(client.debug('crash')).rejects.toThrow(/needs a training worker/);
    await expect(client.evaluate()).rejects.toThrow(/no run is configured/); // the restarted session has no trainer
  });
});
