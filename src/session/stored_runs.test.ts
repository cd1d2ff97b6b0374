import { describe, expect, it } from 'vitest';
import { createRuns } from './runs.ts';
import { createStoredRuns, parseTags } from './stored_runs.ts';
import { makeHarness, until } from './testing.ts';

const small = '#n_layers=1&d_model=8&n_heads=2&d_ff=16&max_len=12&steps=10&report_every=5&eval_every=5';

async function oneStoredRun() {
  const h = makeHarness({ hash: small });
  await h.session.init();
  await h.session.loadFile(new Blob(['x']), 'tiny.safetensors');
  await h.session.train();
  await until(() => h.store.getState().run.saved);
  const decoded: Uint8Array[] = [];
  const runs = createRuns({ store: h.store, archive: h.db });
  const stored = createStoredRuns({ store: h.store, training: h.client, runs, decodeWeights: async (bytes) => (decoded.push(bytes), []) });
  return { h, stored, decoded, id: h.store.getState().runs.list[0].id };
}

describe('stored runs', () => {
  it('renames, tags and notes a run, in IndexedDB too', async () => {
    const { h, stored, id } = await oneStoredRun();
    await stored.update(id, { name: '  kd T=2  ', tags: parseTags('kd, t2,, kd\nbaseline'), note: 'the one to beat' });
    expect(h.store.getState().runs.list[0]).toMatchObject({ id, name: 'kd T=2', tags: ['kd', 't2', 'baseline'], note: 'the one to beat', hasWeights: true });
    const archived = (await (await h.db).list()).find((r) => r.id === id);
    expect(archived).toMatchObject({ name: 'kd T=2', tags: ['kd', 't2', 'baseline'], note: 'the one to beat', hasWeights: true });
    await stored.update(id, { name: '   ' }); // an empty name keeps the old one
    expect(h.store.getState().runs.list[0].name).toBe('kd T=2');
  });

  it('opens a stored run in Compare: its weights into the session, evaluated and timed there', async () => {
    const { h, stored, decoded, id } = await oneStoredRun();
    await stored.compare(id);
    expect(decoded).toHaveLength(1); // the stored model.safetensors bytes
    expect(h.store.getState().compare).toMatchObject({ busy: null, error: null, stored: { runId: id, paramCount: 1234, msPerExample: 0.75 } });
    expect(h.store.getState().compare.stored?.metrics.n_positions).toBe(100); // evaluated by the session's fresh trainer
    // a new run replaces it
    await h.session.train();
    expect(h.store.getState().compare.stored).toBeNull();
  });

  it('refuses, in words, a run without weights, on another set, or while a run trains', async () => {
    const { h, stored, id } = await oneStoredRun();
    const run = h.store.getState().runs.list[0];
    h.store.getState().upsertRun({ ...run, id: 'no-weights', hasWeights: false, name: 'imported' });
    await expect(stored.compare('no-weights')).rejects.toThrow(/imported has no stored weights/);
    h.store.getState().upsertRun({ ...run, id: 'other-set', dataset: run.dataset && { ...run.dataset, n: 999, file: 'big.npz' } });
    await expect(stored.compare('other-set')).rejects.toThrow(/load big\.npz first/);
    h.store.getState().replaceConfig({ ...h.store.getState().config.values, steps: 100000 });
    await h.session.train();
    await expect(stored.compare(id)).rejects.toThrow(/a run is training/);
    await h.session.stop();
  });
  it("times the attached teacher's shape in this browser, then puts the current run's student back", async () => {
    const { h, stored, decoded, id } = await oneStoredRun();
    await expect(stored.measureTeacher()).rejects.toThrow(/drop the teacher weights first/);
    h.store.getState().setTeacherWeights({ name: 'bert', family: 'bert', architecture: 'distilbert', teacherLayers: 4, dModel: 16, nHeads: 2, dFf: 32, layers: [0, 2], reads: 10, tensors: 20, bytes: 1000, notCopied: [] });
    await stored.measureTeacher();
    expect(h.store.getState().compare.teacherHere).toEqual({ msPerExample: 0.75, backend: 'cpu', shape: '4 layers × 16' });
    expect(h.store.getState().compare.stored?.runId).toBe(id); // reopened from IndexedDB
    expect(decoded).toHaveLength(1);
  });
});
