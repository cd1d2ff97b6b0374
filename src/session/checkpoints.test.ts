/**
 * The checkpoint keeper with the real trainer (cpu, in Node) behind the in-memory worker and an in-memory
 * IndexedDB: a checkpoint's tensors reach the page and IndexedDB as the Blobs the worker made (no array on the
 * page's heap), a reload resumes from them on the uninterrupted run's curve, and a record stored before
 * checkpoints held Blobs (Float32Arrays) still resumes on it.
 */
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../engine/backend.ts';
import { createTrainer } from '../engine/trainer.ts';
import type { CheckpointTensor } from '../engine/trainer_types.ts';
import type { CheckpointRecord } from '../store/checkpoint_record.ts';
import type { AppState } from '../store/store.ts';
import { makeHarness, until, type Harness } from './testing.ts';

// dropout on: the resumed run must also continue the dropout stream
const link = '#n_layers=1&d_model=8&n_heads=2&d_ff=16&max_len=12&batch_size=4&report_every=5&eval_every=0&dropout=0.1&steps=60&checkpoint_every=10';
const STEPS = 60;

/** A page whose worker runs the real trainer on the cpu backend (`idb`: the same IndexedDB as an earlier page: a reload). */
const realPage = (opts: { hash?: string; idb?: Harness['idb'] } = {}) =>
  makeHarness({
    ...opts,
    tweak: (deps) => {
      deps.createTrainer = createTrainer;
      deps.selectBackend = () => selectBackend('cpu');
    },
  });

const state = (h: Harness): AppState => h.store.getState();
const totals = (h: Harness) => state(h).metrics.history.map((r) => [r.step, r.total] as const);
const tensorsOf = (r: CheckpointRecord) => [...r.checkpoint.params, ...r.checkpoint.adam.m, ...r.checkpoint.adam.v];

async function started(h: Harness) {
  await h.session.init();
  await h.session.loadFile(new Blob(['x']), 'tiny.safetensors');
  await h.session.train();
}

/** The loss of every step of the run without interruption. */
async function uninterrupted(): Promise<Map<number, number>> {
  const h = realPage({ hash: link });
  await started(h);
  await until(() => state(h).run.saved, 60_000);
  expect(state(h).run.step).toBe(STEPS);
  const out = new Map(totals(h));
  h.session.dispose();
  h.client.dispose();
  return out;
}

/** Trains until a checkpoint of step ≥ 10 is in IndexedDB, pauses (a pause leaves one more), and closes the tab. */
async function interrupted(): Promise<Harness> {
  const h = realPage({ hash: link });
  await started(h);
  await until(() => (state(h).run.checkpointStep ?? 0) >= 10, 60_000);
  await h.session.pause();
  await until(() => state(h).run.status === 'paused' && state(h).run.checkpointStep === state(h).run.step, 60_000);
  h.session.dispose();
  h.client.dispose();
  return h;
}

/** Reloads on `before`'s IndexedDB, resumes the offered run to its end; returns the page. */
async function resumed(before: Harness): Promise<Harness> {
  const after = realPage({ idb: before.idb });
  await after.session.init();
  expect(state(after).resume.offer).not.toBeNull();
  await after.session.resumeInterrupted();
  await until(() => state(after).run.saved, 60_000);
  return after;
}

function expectSameCurve(page: Harness, reference: Map<number, number>) {
  const curve = totals(page);
  expect(curve.map(([step]) => step)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
  for (const [step, total] of curve) expect(Math.abs(total - (reference.get(step) ?? Number.NaN)), `step ${step}`).toBeLessThan(1e-6);
}

describe('checkpoints of a real trainer, through the page', () => {
  it('reach IndexedDB as the Blobs the worker made, and a reload resumes from them on the same curve', async () => {
    const reference = await uninterrupted();
    const before = await interrupted();
    const [record] = await (await before.db).listCheckpoints();
    expect(record.step).toBe(state(before).run.checkpointStep);
    const tensors = tensorsOf(record);
    expect(tensors.length).toBeGreaterThan(3);
    for (const t of tensors) {
      expect(t.data, t.name).toBeInstanceOf(Blob);
      expect((t.data as Blob).size).toBe(4 * t.shape.reduce((a, b) => a * b, 1));
    }
    const after = await resumed(before);
    expect(state(after).run).toMatchObject({ status: 'done', step: STEPS });
    expectSameCurve(after, reference);
  }, 120_000);

  it('a record stored before checkpoints held Blobs (Float32Array tensors) still resumes on the same curve', async () => {
    const reference = await uninterrupted();
    const before = await interrupted();
    const db = await before.db;
    const [record] = await db.listCheckpoints();
    const arrays = (list: CheckpointTensor[]) =>
      Promise.all(list.map(async (t) => ({ ...t, data: new Float32Array(await (t.data as Blob).arrayBuffer()) })));
    const { checkpoint } = record;
    const old: CheckpointRecord = {
      ...record,
      checkpoint: { ...checkpoint, params: await arrays(checkpoint.params), adam: { ...checkpoint.adam, m: await arrays(checkpoint.adam.m), v: await arrays(checkpoint.adam.v) } },
    };
    await db.putCheckpoint(old);
    const [stored] = await db.listCheckpoints();
    expect(tensorsOf(stored).every((t) => t.data instanceof Float32Array)).toBe(true);
    const after = await resumed(before);
    expect(state(after).run).toMatchObject({ status: 'done', step: STEPS });
    expectSameCurve(after, reference);
  }, 120_000);
});
