/**
 * The page never loses a run: the page is "closed" at each moment around a run's end — its IndexedDB cut off
 * there, as a reload or a closed tab would leave it — and a second page on the same IndexedDB must find the
 * run, or its checkpoint to resume (and resuming it must finish the run). The write order is checked too:
 * a checkpoint is only ever dropped by the transaction that stores its finished run.
 */
import { describe, expect, it } from 'vitest';
import type { RunArchive } from './run_archive.ts';
import type { AppState } from '../store/store.ts';
import { makeHarness, until, type Harness } from './testing.ts';

const link = (extra: string) => `#n_layers=1&d_model=8&n_heads=2&d_ff=16&max_len=12&report_every=1&eval_every=0&steps=20&${extra}`;

/** A run archive that can be cut off: from then on every call fails, as in a page that is gone. Logs writes. */
function cuttable(opened: Promise<RunArchive>, onWrite: () => void) {
  let cut = false;
  const log: string[] = [];
  const gone = () => Promise.reject(new Error('the page is gone'));
  const archive = opened.then((db): RunArchive => {
    const guard =
      <A extends unknown[], R>(f: (...args: A) => Promise<R>, describe: (...args: NoInfer<A>) => string | null = () => null) =>
      async (...args: A): Promise<R> => {
        if (cut) return gone();
        const what = describe(...args);
        const result = await f(...args);
        if (what) {
          log.push(what);
          onWrite();
        }
        return result;
      };
    return {
      list: guard(() => db.list()),
      put: guard((run, weights, opts) => db.put(run, weights, opts), (run, weights, opts) => `put ${run.partial ? 'early' : 'final'}${weights ? '+weights' : ''}${opts?.dropCheckpoint ? ' -checkpoint' : ''}`),
      getWeights: guard((id) => db.getWeights(id)),
      delete: guard((id) => db.delete(id), () => 'delete run'),
      putCheckpoint: guard((record, set) => db.putCheckpoint(record, set), (...args) => `checkpoint ${args[0].step}`),
      listCheckpoints: guard(() => db.listCheckpoints()),
      getSet: guard((id) => db.getSet(id)),
      deleteCheckpoint: guard((id) => db.deleteCheckpoint(id), () => 'delete checkpoint'),
      clearCheckpoints: guard(() => db.clearCheckpoints(), () => 'clear checkpoints'),
      putSweep: guard((record) => db.putSweep(record)),
      listSweeps: guard(() => db.listSweeps()),
      deleteSweep: guard((id) => db.deleteSweep(id)),
      close: () => db.close(),
    };
  });
  return { archive, log, cutOff: () => (cut = true) };
}

const state = (h: Harness): AppState => h.store.getState();
/** A checkpoint of the run (every 5 steps; on a loaded machine the latest may still have been queued at the cut). */
const expectCheckpointed = (step: number | undefined) => expect([5, 10, 15]).toContain(step);

/**
 * Trains a run, closes the page when `moment` first holds (checked at every store update and after every
 * IndexedDB write, with the writes so far), and opens a second page on the same IndexedDB: what does it find of
 * the run?
 */
async function closeAt(moment: (s: AppState, writes: string[]) => boolean, extra = 'checkpoint_every=5') {
  let closed = false;
  const check = () => {
    if (!closed && moment(state(first), db.log)) {
      closed = true;
      db.cutOff();
    }
  };
  let made: ReturnType<typeof cuttable> | null = null;
  const first = makeHarness({
    hash: link(extra),
    archive: (opened) => {
      made = cuttable(opened, () => check());
      return made.archive;
    },
  });
  const db: ReturnType<typeof cuttable> = made ?? (() => {
    throw new Error('the harness opened no archive');
  })();
  first.store.subscribe(check);
  await first.session.init();
  await first.session.loadFile(new Blob([new Uint8Array(64)]), 'tiny.safetensors');
  await first.session.train();
  const runId = state(first).run.runId;
  await until(() => closed || state(first).run.saved, 5000);
  await until(() => state(first).run.status !== 'saving' && !['running', 'pausing', 'stopping'].includes(state(first).run.status), 5000);
  first.session.dispose();
  const second = makeHarness({ idb: first.idb, hash: link(extra) });
  await second.session.init();
  const listed = state(second).runs.list.find((r) => r.id === runId) ?? null;
  const offered = state(second).resume.offer?.runId === runId ? state(second).resume.offer : null;
  return { runId, log: db.log, listed, offered, second, closed };
}

describe('a run survives the page closing at any moment around its end', () => {
  it('while training, before the last step: its checkpoint is offered, and resuming finishes the run', async () => {
    const r = await closeAt((s) => s.run.status === 'running' && s.run.step >= 17);
    expect(r.closed).toBe(true);
    expect(r.listed).toBeNull();
    expectCheckpointed(r.offered?.step);
    await r.second.session.resumeInterrupted();
    await until(() => state(r.second).run.saved);
    expect(state(r.second).run).toMatchObject({ status: 'done', runId: r.runId, step: 20 });
    expect(state(r.second).runs.list.find((x) => x.id === r.runId)).toMatchObject({ hasWeights: true, status: 'done' });
    expect(state(r.second).runs.list[0].partial).toBeUndefined();
  });

  it('the moment it ends (saving begins): its checkpoint is still there', async () => {
    const r = await closeAt((s) => s.run.status === 'saving');
    expect(r.closed).toBe(true);
    expectCheckpointed(r.offered?.step);
    expect(r.log.filter((w) => !w.startsWith('checkpoint'))).toEqual(['clear checkpoints']); // nothing of its end was written
  });

  it('once its record as it ended is written: the run is listed (no weights yet) and its checkpoint offered', async () => {
    const r = await closeAt((_, writes) => writes.includes('put early'));
    expect(r.closed).toBe(true);
    expect(r.listed).toMatchObject({ partial: true, hasWeights: false, status: 'done' });
    expect(r.listed?.history).toHaveLength(20);
    expectCheckpointed(r.offered?.step);
  });

  it('after it is saved: the run is listed with its weights, and no checkpoint is left', async () => {
    const r = await closeAt((s) => s.run.status === 'done' && s.run.saved);
    expect(r.listed).toMatchObject({ status: 'done', hasWeights: true });
    expect(r.listed?.partial).toBeUndefined();
    expect(r.offered).toBeNull();
    expect(await (await r.second.db).listCheckpoints()).toEqual([]);
    // The order that makes it safe: the checkpoint went only with the final record, in its transaction.
    expect(r.log.filter((w) => !w.startsWith('checkpoint'))).toEqual(['clear checkpoints', 'put early', 'put final+weights -checkpoint']);
  });

  it('a run that never checkpointed is found from its record as it ended', async () => {
    const r = await closeAt((_, writes) => writes.includes('put early'), 'checkpoint_every=0&checkpoint_seconds=0');
    expect(r.listed).toMatchObject({ partial: true, status: 'done' });
    expect(r.listed?.history.map((x) => x.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});

describe('the end of a run, in the page that stays open', () => {
  it('shows saving… until the run is stored, then settles as done', async () => {
    const h = makeHarness({ hash: link('checkpoint_every=5') });
    const seen: string[] = [];
    h.store.subscribe((s) => {
      if (seen.at(-1) !== s.run.status) seen.push(s.run.status);
    });
    await h.session.init();
    await h.session.loadFile(new Blob(['x']), 'tiny.safetensors');
    await h.session.train();
    await until(() => state(h).run.saved);
    expect(seen.slice(-3)).toEqual(['running', 'saving', 'done']);
  });

  it('a stopped run keeps its checkpoint until the stopped record is stored; a failed run keeps it for good', async () => {
    const h = makeHarness({ hash: link('steps=100000&checkpoint_every=5') });
    await h.session.init();
    await h.session.loadFile(new Blob(['x']), 'tiny.safetensors');
    await h.session.train();
    await until(() => (state(h).run.checkpointStep ?? 0) >= 10);
    await h.session.stop();
    await until(() => state(h).run.saved);
    expect(state(h).run.status).toBe('stopped');
    expect(await (await h.db).listCheckpoints()).toEqual([]);
    const failing = makeHarness({ hash: link('steps=40&checkpoint_every=5'), failAtStep: 12 });
    await failing.session.init();
    await failing.session.loadFile(new Blob(['x']), 'tiny.safetensors');
    await failing.session.train();
    await until(() => state(failing).run.saved);
    expect(state(failing).run.status).toBe('error');
    const [kept] = await (await failing.db).listCheckpoints();
    expect(kept).toMatchObject({ step: 10, failed: expect.stringMatching(/non-finite loss at step 12/) });
  });
});
