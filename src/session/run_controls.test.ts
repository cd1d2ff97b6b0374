/**
 * The run's verbs through the page session, with the fake trainer in restartable in-memory workers: a request
 * shows at once (pausing…, stopping…) and settles when the worker answers; Stop works while the student is
 * being built — at once when the build answers, by restarting the worker when it does not; a configuration
 * whose step cannot fit is refused before anything is built.
 */
import { describe, expect, it } from 'vitest';
import { tinyMlmSet } from '../engine/testing/tiny_sets.ts';
import type { AppState } from '../store/store.ts';
import { makeHarness, until, type Harness } from './testing.ts';

const link = (extra: string) => `#n_layers=1&d_model=8&n_heads=2&d_ff=16&max_len=12&report_every=5&eval_every=0&${extra}`;
const state = (h: Harness): AppState => h.store.getState();

async function loaded(h: Harness) {
  await h.session.init();
  await h.session.loadFile(new Blob(['x']), 'tiny.safetensors');
}

describe('pause and stop show at once, and settle when the worker answers', () => {
  it('pausing… then paused; stopping… then saving… then stopped', async () => {
    const h = makeHarness({ hash: link('steps=100000') });
    await loaded(h);
    await h.session.train();
    await until(() => state(h).run.step >= 10);
    const pausing = h.session.pause();
    expect(state(h).run.status).toBe('pausing'); // before the worker has answered
    await pausing;
    await until(() => state(h).run.status === 'paused');
    await h.session.resume();
    await until(() => state(h).run.status === 'running');
    const seen: string[] = [];
    h.store.subscribe((s) => {
      if (seen.at(-1) !== s.run.status) seen.push(s.run.status);
    });
    const stopping = h.session.stop();
    expect(state(h).run.status).toBe('stopping');
    await stopping;
    await until(() => state(h).run.saved);
    expect(seen).toEqual(['stopping', 'saving', 'stopped']);
    expect(state(h).runs.list[0]).toMatchObject({ status: 'stopped', hasWeights: true });
  });

  it('Stop while paused', async () => {
    const h = makeHarness({ hash: link('steps=100000') });
    await loaded(h);
    await h.session.train();
    await until(() => state(h).run.step >= 5);
    await h.session.pause();
    await until(() => state(h).run.status === 'paused');
    await h.session.stop();
    await until(() => state(h).run.saved);
    expect(state(h).run.status).toBe('stopped');
  });
});

describe('Stop while the student is being built', () => {
  it('a build that answers: the run ends stopped at once, nothing trained or stored, the worker kept', async () => {
    const h = makeHarness({
      hash: link('steps=50'),
      stopGraceMs: 5_000,
      tweak: (deps) => {
        const build = deps.createTrainer;
        deps.createTrainer = async (...args) => {
          await new Promise((r) => setTimeout(r, 40));
          return build(...args);
        };
      },
    });
    await loaded(h);
    const training = h.session.train();
    await until(() => state(h).run.status === 'configuring');
    await h.session.stop();
    expect(state(h).run.status).toBe('stopping');
    await training;
    expect(state(h).run).toMatchObject({ status: 'stopped', step: 0, saved: false, notice: 'Stopped before the first step.' });
    expect(h.ports).toHaveLength(1);
    expect(state(h).runs.list).toEqual([]);
    await h.session.train(); // the page goes on as before
    await until(() => state(h).run.saved);
    expect(state(h).run).toMatchObject({ status: 'done', step: 50 });
  });

  it('a build that does not answer: after the grace the worker is restarted, the set put back, the run stopped', async () => {
    let builds = 0;
    const h = makeHarness({
      hash: link('steps=30'),
      stopGraceMs: 50,
      tweak: (deps) => {
        const build = deps.createTrainer;
        deps.createTrainer = (...args) => (++builds === 1 ? new Promise(() => undefined) : build(...args)); // the first never ends
      },
    });
    await loaded(h);
    const training = h.session.train();
    await until(() => state(h).run.status === 'configuring');
    await h.session.stop();
    await training;
    expect(state(h).run.status).toBe('stopped');
    expect(state(h).run.notice).toMatch(/still being built, so the training worker was restarted/);
    expect(h.ports).toHaveLength(2);
    expect(state(h).data).toMatchObject({ status: 'loaded', fileName: 'tiny.safetensors' });
    await h.session.train(); // the fresh worker has the set back
    await until(() => state(h).run.saved);
    expect(state(h).run).toMatchObject({ status: 'done', step: 30 });
  });
});

describe('a step that cannot fit is refused before anything is built', () => {
  it("a 6M-token vocabulary: train() refuses with the trainer's own numbers; no run starts, the worker builds nothing", async () => {
    let builds = 0;
    const h = makeHarness({
      set: { ...tinyMlmSet(), vocabSize: 6_000_000 },
      // trim_vocab false: under auto the ~20 ids the set uses would be trimmed to, and fit (trimmed_run.test.ts)
      hash: '#n_layers=1&d_model=128&n_heads=2&d_ff=16&max_len=12&report_every=5&eval_every=0&steps=10&trim_vocab=false',
      tweak: (deps) => {
        const build = deps.createTrainer;
        deps.createTrainer = (...args) => {
          builds += 1;
          return build(...args);
        };
      },
    });
    await loaded(h);
    await expect(h.session.train()).rejects.toThrow(/^one step would make the embedding \[6000000, 128\] of 2\.86 GiB, .*6,000,000-token vocabulary makes the embedding/);
    expect(state(h).run.status).toBe('idle');
    expect(builds).toBe(0);
  });
});

describe('a bad upload keeps the set that was loaded', () => {
  it('the card, the worker and a paused run on it all stay; the message names the bad file', async () => {
    const h = makeHarness({
      hash: link('steps=200000'),
      tweak: (deps) => {
        const read = deps.readDistillSet;
        deps.readDistillSet = async (blob, name, o) => {
          if (name.startsWith('bad')) throw new Error('line 1: an array of 20000000 values, more than the 16777216 one line may hold');
          return read(blob, name, o);
        };
      },
    });
    await loaded(h);
    await h.session.train();
    await until(() => state(h).run.step >= 10);
    await h.session.pause();
    await until(() => state(h).run.status === 'paused');
    const step = state(h).run.step;
    await h.session.loadFile(new Blob(['{"input_ids": [1]']), 'bad.jsonl');
    expect(state(h).data).toMatchObject({ status: 'loaded', fileName: 'tiny.safetensors', errorFile: 'bad.jsonl', error: expect.stringMatching(/more than the/) });
    expect(state(h).run).toMatchObject({ status: 'paused', step });
    expect(state(h).metrics.history.at(-1)?.step).toBe(step);
    await h.session.resume(); // the worker still holds the set and the trainer
    await until(() => state(h).run.step > step + 10);
    await h.session.stop();
    await until(() => state(h).run.saved);
    expect(state(h).run.status).toBe('stopped');
  });

  it('a good file after it replaces the set (and the old run) as before', async () => {
    const h = makeHarness({ hash: link('steps=20') });
    await loaded(h);
    await h.session.train();
    await until(() => state(h).run.saved);
    await h.session.loadFile(new Blob(['y']), 'other.safetensors');
    expect(state(h).data).toMatchObject({ status: 'loaded', fileName: 'other.safetensors', error: null });
    expect(state(h).run.status).toBe('idle');
  });
});
