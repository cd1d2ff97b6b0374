/**
 * The checkpoint keeper when the run ends while a checkpoint is still on its way to IndexedDB (the set's
 * fingerprint of a run's first checkpoint takes a while on a large file, or on a loaded machine): the
 * checkpoint the worker posted while the run was active is still written, marked failed when the run failed,
 * and written before end() resolves, so the finished run's record can drop it. One posted after the end is not.
 * A fingerprint that fails drops its checkpoint with a notice and leaves the chain free for the next one.
 */
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../engine/config/config.ts';
import type { TrainerCheckpoint } from '../engine/trainer_types.ts';
import type { SetIdentity } from '../store/checkpoint_record.ts';
import { createAppStore } from '../store/store.ts';
import { createCheckpointKeeper, type LoadedSet } from './checkpoints.ts';
import { openRunArchive } from './run_archive.ts';

const checkpointAt = (step: number): TrainerCheckpoint => ({
  version: 1,
  step,
  params: [],
  adam: { step, m: [], v: [] },
  rng: { stream: { order: [0], cursor: 0, rng: 1 }, dropout: 2 },
});

/** A running run whose set's fingerprint resolves only when the test says so. */
function runningWithSlowFingerprint() {
  const store = createAppStore();
  const s = () => store.getState();
  s().runEvent({ type: 'configure', runId: 'run-1', config: { ...DEFAULT_CONFIG, steps: 50 } });
  s().runEvent({ type: 'status', status: 'running', step: 1 });
  let fingerprinted: (identity: SetIdentity) => void = () => undefined;
  let unreadable: (err: Error) => void = () => undefined;
  const set: LoadedSet = {
    blob: new Blob(['x']),
    name: 'tiny.safetensors',
    identity: new Promise((resolve, reject) => {
      fingerprinted = resolve;
      unreadable = reject;
    }),
  };
  const db = openRunArchive(new IDBFactory());
  const keeper = createCheckpointKeeper({ store, db, currentSet: () => set });
  return { s, db, keeper, fingerprint: () => fingerprinted({ name: set.name, bytes: 1, fingerprint: 'f' }), unreadable: () => unreadable(new Error('NotReadableError')) };
}

describe('a checkpoint still being written when its run ends', () => {
  it('is kept, marked with the failure, when the run fails before its fingerprint is done', async () => {
    const r = runningWithSlowFingerprint();
    const saved = r.keeper.save(checkpointAt(10));
    r.s().runEvent({ type: 'ended', reason: 'error', step: 12, error: 'non-finite loss at step 12' });
    const marked = r.keeper.markFailed('run-1', 'non-finite loss at step 12');
    r.fingerprint();
    await Promise.all([saved, marked]);
    expect(await (await r.db).listCheckpoints()).toMatchObject([{ id: 'run-1', step: 10, failed: 'non-finite loss at step 12' }]);
    expect(r.keeper.latest('run-1')).toMatchObject({ step: 10, failed: 'non-finite loss at step 12' });
  });

  it('lands before end() resolves; one posted after the end is ignored', async () => {
    const r = runningWithSlowFingerprint();
    void r.keeper.save(checkpointAt(10));
    r.s().runEvent({ type: 'ended', reason: 'completed', step: 12 });
    void r.keeper.save(checkpointAt(12)); // posted once the run is saving: must not outlive the run's record
    let ended = false;
    const end = r.keeper.end().then(() => (ended = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ended).toBe(false); // still waiting on the step-10 checkpoint
    r.fingerprint();
    await end;
    expect((await (await r.db).listCheckpoints()).map((c) => c.step)).toEqual([10]);
  });

  it('is not written back after the next run has discarded it', async () => {
    const r = runningWithSlowFingerprint();
    void r.keeper.save(checkpointAt(10));
    const discarded = r.keeper.discardAll();
    r.fingerprint();
    await discarded;
    expect(await (await r.db).listCheckpoints()).toEqual([]);
    expect(r.keeper.latest('run-1')).toBeNull();
  });

  it('a data file that cannot be fingerprinted drops that checkpoint with a notice; the next one is kept', async () => {
    const r = runningWithSlowFingerprint();
    const first = r.keeper.save(checkpointAt(5));
    r.unreadable();
    await first;
    expect(r.s().run.notice).toMatch(/checkpoint at step 5 was not kept: the data file could not be read \(NotReadableError\)/);
    await r.keeper.save(checkpointAt(10)); // the fingerprint is computed again, from the file
    expect((await (await r.db).listCheckpoints()).map((c) => c.step)).toEqual([10]);
    expect(r.s().run.checkpointStep).toBe(10);
    await r.keeper.end(); // the chain is not stuck
  });
});
