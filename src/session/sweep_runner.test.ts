/** The page's sweeps over the fake trainer: rows one after the other, the baseline, a stop, a reload. */
import { describe, expect, it } from 'vitest';
import type { AppState } from '../store/store.ts';
import { makeHarness, until, type Harness } from './testing.ts';

const link = (extra: string) => `#n_layers=1&d_model=8&n_heads=2&d_ff=16&max_len=12&report_every=5&eval_every=5&checkpoint_every=10&${extra}`;
const state = (h: Harness): AppState => h.store.getState();
const sweep = (h: Harness) => state(h).sweep.current;
const settle = () => new Promise((r) => setTimeout(r, 30));

async function loaded(h: Harness) {
  await h.session.init();
  await h.session.loadFile(new Blob(['x']), 'tiny.safetensors');
}

describe('sweep runner', () => {
  it('runs a two-value temperature sweep and its hard-label baseline, one after the other, as stored runs', async () => {
    const h = makeHarness({ hash: link('steps=10') });
    await loaded(h);
    await h.session.sweeps.start([{ key: 'temperature', values: [1, 4] }], { baseline: true });
    await until(() => sweep(h)?.status === 'done', 5000);
    const rows = sweep(h)?.rows ?? [];
    expect(rows.map((r) => [r.name, r.status, r.baseline])).toEqual([
      ['temperature=1', 'done', false],
      ['temperature=4', 'done', false],
      ['baseline-hard', 'done', true],
    ]);
    const runs = state(h).runs.list;
    expect(runs).toHaveLength(3);
    for (const row of rows) {
      const run = runs.find((r) => r.id === row.runId);
      expect(run).toMatchObject({ name: row.name, status: 'done', hasWeights: true, sweep: { id: sweep(h)?.id, row: row.name, baseline: row.baseline }, tags: ['sweep'] });
      expect(run?.config.steps).toBe(10); // the form's steps for every row
    }
    expect(runs.find((r) => r.name === 'temperature=4')?.config.temperature).toBe(4);
    const baseline = runs.find((r) => r.name === 'baseline-hard');
    expect(baseline?.config).toMatchObject({ alpha_kd: 0, alpha_hard: 1, n_layers: 1, d_model: 8 });
    // the first row's backend for every row
    expect(new Set(runs.map((r) => r.backend?.name))).toEqual(new Set([sweep(h)?.backend?.name]));
    // the form keeps the base config
    expect(state(h).config.values.temperature).toBe(2);
    const stored = await (await h.db).listSweeps();
    expect(stored[0]).toMatchObject({ id: sweep(h)?.id, status: 'done' });
  });

  it('refuses a plan that cannot run before anything trains', async () => {
    const h = makeHarness({ hash: link('steps=10') });
    await h.session.init();
    await expect(h.session.sweeps.start([{ key: 'temperature', values: [1] }], { baseline: false })).rejects.toThrow(/load a data set first/);
    await h.session.loadFile(new Blob(['x']), 'tiny.safetensors');
    await expect(h.session.sweeps.start([], { baseline: true })).rejects.toThrow(/at least one grid axis/);
    await expect(h.session.sweeps.start([{ key: 'n_heads', values: [3] }], { baseline: false })).rejects.toThrow(/grid row n_heads=3: d_model \(8\) must be divisible by n_heads \(3\)/);
    expect(sweep(h)).toBeNull();
    expect(state(h).runs.list).toEqual([]);
  });

  it('a stopped row stops the sweep; Continue runs that row again and the rest', async () => {
    const h = makeHarness({ hash: link('steps=100000') });
    await loaded(h);
    await h.session.sweeps.start([{ key: 'seed', values: [1, 2] }], { baseline: false });
    await until(() => state(h).run.status === 'running');
    await h.session.stop();
    await until(() => sweep(h)?.status === 'stopped');
    expect(sweep(h)?.rows.map((r) => r.status)).toEqual(['pending', 'pending']);
    state(h).replaceConfig({ ...state(h).config.values, steps: 10 }); // the form is not the rows' config
    await h.session.sweeps.continue();
    await until(() => state(h).run.status === 'running');
    await h.session.stop();
    await until(() => sweep(h)?.status === 'stopped');
    await h.session.sweeps.discard();
    expect(sweep(h)).toBeNull();
    expect((await (await h.db).listSweeps()).length).toBe(0);
    expect(state(h).runs.list.map((r) => r.name)).toEqual(['seed=1', 'seed=1']); // the stopped runs stay
  });

  it('after a reload, the sweep comes back interrupted; resuming its row finishes the sweep', async () => {
    const before = makeHarness({ hash: link('steps=40') });
    await loaded(before);
    await before.session.sweeps.start([{ key: 'temperature', values: [1, 3] }], { baseline: false });
    await until(() => sweep(before)?.rows[1].status === 'running' && (state(before).run.checkpointStep ?? 0) >= 10, 5000);
    await before.session.pause();
    await until(() => state(before).run.status === 'paused');
    await settle();
    const rowRun = sweep(before)?.rows[1].runId;
    before.session.dispose();
    before.client.dispose(); // the tab closes

    const after = makeHarness({ idb: before.idb });
    await after.session.init();
    expect(sweep(after)).toMatchObject({ status: 'interrupted', rows: [{ status: 'done' }, { status: 'running', runId: rowRun }] });
    expect(state(after).resume.offer?.runId).toBe(rowRun);
    await after.session.sweeps.continue(); // the stored data file and the row's checkpoint come back
    await until(() => sweep(after)?.status === 'done', 5000);
    const run = state(after).runs.list.find((r) => r.id === rowRun);
    expect(run).toMatchObject({ name: 'temperature=3', status: 'done' });
    expect(run?.history.map((r) => r.step)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });
});
