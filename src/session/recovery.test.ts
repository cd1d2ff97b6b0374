/**
 * Checkpoints and recovery through the page session, with the fake trainer in restartable in-thread workers and
 * an in-memory IndexedDB: checkpoints land in IndexedDB with the history; a crashed, hung or device-less
 * worker is replaced and the run continues from its checkpoint on the next backend; a failed run resumes
 * from its checkpoint; a reloaded page offers the interrupted run and continues it.
 */
import { describe, expect, it } from 'vitest';
import { STORED_SET_MAX_BYTES } from '../store/checkpoint_record.ts';
import type { AppState } from '../store/store.ts';
import { fallbackBackend, MAX_FAILED_STARTS, MAX_RECOVERIES } from './recovery.ts';
import { sameDataset } from './interrupted_run.ts';
import { makeHarness, until, type Harness } from './testing.ts';

const link = (extra: string) => `#n_layers=1&d_model=8&n_heads=2&d_ff=16&max_len=12&report_every=5&eval_every=0&checkpoint_every=10&${extra}`;
const caps = { webgpu: true, webgl: true, wasm: true, crossOriginIsolated: true, wasmThreads: 1, hardwareConcurrency: 2 };

async function started(h: Harness, file = new Blob(['x'])) {
  await h.session.init();
  await h.session.loadFile(file, 'tiny.safetensors');
  await h.session.train();
}
const state = (h: Harness): AppState => h.store.getState();
const steps = (h: Harness) => state(h).metrics.history.map((r) => r.step);
const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
/** Lets queued IndexedDB writes land. */
const settle = () => new Promise((r) => setTimeout(r, 30));

describe('fallbackBackend', () => {
  const all = { ...caps };
  it('goes down webgpu → webgl → wasm → cpu', () => {
    expect(fallbackBackend('webgpu', new Set(['webgpu']), all)).toBe('webgl');
    expect(fallbackBackend('webgl', new Set(['webgl']), all)).toBe('wasm');
    expect(fallbackBackend('wasm', new Set(['wasm']), all)).toBe('cpu');
    expect(fallbackBackend('cpu', new Set(['cpu']), all)).toBeNull();
  });
  it('skips what the worker lacks and what was ruled out', () => {
    expect(fallbackBackend('webgpu', new Set(['webgpu', 'webgl']), all)).toBe('wasm'); // a lost GPU device
    expect(fallbackBackend('webgpu', new Set(), { ...all, webgl: false })).toBe('wasm');
    expect(fallbackBackend('webgpu', new Set(), { ...all, webgl: false, wasm: false })).toBe('cpu');
  });
});

describe('checkpoints', () => {
  it('go to IndexedDB every checkpoint_every steps and on pause, with the history and the data file', async () => {
    const h = makeHarness({ hash: link('steps=100000') });
    const file = new Blob([new Uint8Array(300)]);
    await started(h, file);
    await until(() => (state(h).run.checkpointStep ?? 0) >= 20);
    await h.session.pause();
    await until(() => state(h).run.status === 'paused');
    const pausedAt = state(h).run.step;
    await until(() => state(h).run.checkpointStep === pausedAt); // a pause leaves a checkpoint
    const db = await h.db;
    await settle();
    const [record] = await db.listCheckpoints();
    expect(record).toMatchObject({ id: state(h).run.runId, step: pausedAt, setStored: true, failed: null, set: { name: 'tiny.safetensors', bytes: 300 } });
    expect(record.history.map((r) => r.step)).toEqual(oneToN(pausedAt));
    expect(record.evals.map((e) => e.step)).toEqual([0]);
    expect(record.set.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await db.getSet(record.id))?.size).toBe(300);
    await h.session.stop();
    await until(() => state(h).run.saved);
    await settle();
    expect(await db.listCheckpoints()).toEqual([]); // a finished run needs no checkpoint
    expect(await db.getSet(record.id)).toBeNull();
  });

  it('a run that completes leaves none; a failed run keeps its own until a new run starts', async () => {
    const h = makeHarness({ hash: link('steps=40'), failAtStep: 33 });
    await started(h); // fails at step 33, after its checkpoint at 30
    await until(() => state(h).run.saved);
    await settle();
    const db = await h.db;
    expect((await db.listCheckpoints()).map((c) => [c.id, c.step])).toEqual([[state(h).run.runId, 30]]);
    await h.session.train(); // the failure fires once: this run completes
    await until(() => state(h).run.saved && state(h).run.status === 'done');
    expect(state(h).run.checkpointStep).toBe(30);
    await settle();
    expect(await db.listCheckpoints()).toEqual([]);
  });
});

describe('recovery from faults', () => {
  it('a crashed worker is replaced; the run continues from its checkpoint on the next backend', async () => {
    const h = makeHarness({ hash: link('steps=200&backend=wasm'), capabilities: caps });
    await started(h);
    await until(() => (state(h).run.checkpointStep ?? 0) >= 20);
    h.ports.at(-1)?.crash('Uncaught RangeError: Array buffer allocation failed');
    await until(() => state(h).run.saved, 5000);
    const s = state(h);
    expect(h.ports).toHaveLength(2);
    expect(s.run).toMatchObject({ status: 'done', step: 200, backend: { name: 'cpu', reason: expect.stringMatching(/^cpu: fallback after the training worker crashed/) } });
    expect(s.run.notice).toMatch(/^The training worker crashed: Uncaught RangeError.* at step \d+: resumed from the checkpoint at step \d+ on cpu\.$/);
    expect(s.run.recoveries).toEqual([expect.objectContaining({ from: 'wasm', to: 'cpu' })]);
    expect(steps(h)).toEqual(oneToN(200)); // no step lost, none repeated
    expect(s.runs.list[0]).toMatchObject({ status: 'done', recoveries: [expect.objectContaining({ to: 'cpu' })] });
    expect(s.data.status).toBe('loaded'); // the data went back into the new worker
  });

  it('a lost GPU device rules out WebGL too: webgpu → wasm', async () => {
    const h = makeHarness({ hash: link('steps=200&backend=webgpu'), capabilities: caps, debug: true });
    await started(h);
    await until(() => (state(h).run.checkpointStep ?? 0) >= 10);
    await h.session.injectFault('lose-device');
    await until(() => state(h).run.saved, 5000);
    expect(state(h).run.recoveries.map((r) => [r.from, r.to])).toEqual([['webgpu', 'wasm']]);
    expect(state(h).run.notice).toMatch(/^The WebGPU device was lost \(destroyed\) at step \d+: resumed from the checkpoint at step \d+ on wasm\.$/);
    expect(steps(h)).toEqual(oneToN(200));
  });

  it('a hung worker is caught by the watchdog and replaced', async () => {
    const h = makeHarness({ hash: link('steps=300&backend=wasm'), capabilities: caps, debug: true, watchdog: { intervalMs: 20, timeoutMs: 200 } });
    await started(h);
    await until(() => (state(h).run.checkpointStep ?? 0) >= 10);
    await h.session.injectFault('hang');
    await until(() => state(h).run.saved, 5000);
    expect(h.ports[0].hung()).toBe(true);
    expect(state(h).run.notice).toMatch(/^The training worker stopped answering \(no reply in 0\.2 s\) at step \d+: resumed from the checkpoint at step \d+ on cpu\.$/);
    expect(steps(h)).toEqual(oneToN(300));
    h.session.dispose();
  });

  it('a backend error falls back; with no backend left, the run fails with the reason and keeps its weights', async () => {
    const gpu = makeHarness({ hash: link('steps=100&backend=webgl'), capabilities: caps, failAtStep: 25, failRuntime: true });
    await started(gpu);
    await until(() => state(gpu).run.saved, 5000);
    expect(state(gpu).run.recoveries.map((r) => [r.from, r.to, r.step])).toEqual([['webgl', 'wasm', 20]]);
    expect(steps(gpu)).toEqual(oneToN(100));

    const last = makeHarness({ hash: link('steps=100&backend=cpu'), capabilities: caps, failAtStep: 25, failRuntime: true });
    await started(last);
    await until(() => state(last).run.saved, 5000);
    expect(last.ports).toHaveLength(1); // nothing to fall back to: the worker (and its last good weights) stay
    expect(state(last).run).toMatchObject({ status: 'error', error: expect.stringMatching(/mapAsync.*no other backend to continue on/) });
    expect(state(last).runs.list[0]).toMatchObject({ status: 'error', hasWeights: true });
  });

  it(`gives up after ${MAX_RECOVERIES} recoveries in one run, keeping the checkpoint to resume by hand`, async () => {
    const h = makeHarness({ hash: link('steps=100000&backend=webgpu'), capabilities: caps });
    await started(h);
    for (let i = 0; i < MAX_RECOVERIES + 1 && state(h).run.status !== 'error'; i++) {
      await until(() => state(h).run.status === 'running' && (state(h).run.checkpointStep ?? 0) >= 10);
      const before = h.ports.length;
      h.ports.at(-1)?.crash('boom');
      await until(() => h.ports.length > before && state(h).run.status !== 'recovering');
    }
    expect(state(h).run).toMatchObject({ status: 'error', error: expect.stringMatching(/no other backend is left to continue on\. Resume from step \d+ to try again\./) });
    expect(state(h).run.recoveries.map((r) => r.to)).toEqual(['webgl', 'wasm', 'cpu']);
  });

  it(`stops restarting after ${MAX_FAILED_STARTS} workers in a row die as they start`, async () => {
    const h = makeHarness({ hash: link('steps=100000&backend=wasm'), capabilities: caps, brokenRestarts: true });
    await started(h);
    await until(() => (state(h).run.checkpointStep ?? 0) >= 10);
    h.ports[0].crash('boom');
    await until(() => state(h).run.status === 'error', 5000);
    await settle();
    expect(h.ports).toHaveLength(1 + MAX_FAILED_STARTS);
    expect(state(h).run.error).toMatch(/^The training worker fails as it starts \(the training worker crashed: SyntaxError: Unexpected token\): reload the page$/);
    h.ports.at(-1)?.crash('again'); // no more restarts
    await settle();
    expect(h.ports).toHaveLength(1 + MAX_FAILED_STARTS);
  });
});

describe('resuming from a checkpoint', () => {
  it('a non-finite loss fails the run with its reason; it resumes from the last checkpoint and replaces the failed record', async () => {
    const h = makeHarness({ hash: link('steps=60'), failAtStep: 37 });
    await started(h);
    await until(() => state(h).run.saved);
    expect(state(h).run).toMatchObject({ status: 'error', checkpointStep: 30, error: expect.stringMatching(/non-finite loss at step 37/) });
    expect(state(h).runs.list[0].status).toBe('error');
    await settle();
    expect((await (await h.db).listCheckpoints())[0]).toMatchObject({ step: 30, failed: expect.stringMatching(/non-finite/) });
    await h.session.resumeFromCheckpoint();
    await until(() => state(h).run.saved);
    expect(state(h).run).toMatchObject({ status: 'done', step: 60, error: null });
    expect(steps(h)).toEqual(oneToN(60));
    expect(state(h).runs.list).toHaveLength(1);
    expect(state(h).runs.list[0]).toMatchObject({ status: 'done' });
  });

  it('after a reload, the interrupted run is offered and continues with its history', async () => {
    const before = makeHarness({ hash: link('steps=100000') });
    await started(before);
    await until(() => (state(before).run.checkpointStep ?? 0) >= 30);
    const runId = state(before).run.runId;
    const checkpointStep = state(before).run.checkpointStep ?? 0;
    await settle();
    before.session.dispose();
    before.client.dispose(); // the tab closes

    const after = makeHarness({ hash: '', idb: before.idb });
    await after.session.init();
    const offer = state(after).resume.offer;
    expect(offer).toMatchObject({ runId, setStored: true, fileName: 'tiny.safetensors', totalSteps: 100000 });
    expect(offer?.step).toBeGreaterThanOrEqual(checkpointStep);
    await after.session.resumeInterrupted();
    expect(state(after).resume.offer).toBeNull();
    expect(state(after).config.values.steps).toBe(100000); // the run's config is back in the form
    await until(() => state(after).run.step >= (offer?.step ?? 0) + 20);
    await after.session.stop();
    await until(() => state(after).run.saved);
    expect(state(after).run.runId).toBe(runId);
    expect(steps(after)).toEqual(oneToN(state(after).run.step));
    expect(state(after).runs.list[0]).toMatchObject({ id: runId, status: 'stopped' });
  });

  it('a file too large to store must be dropped again, and only the same file is accepted', async () => {
    const big = new Blob([new Uint8Array(STORED_SET_MAX_BYTES + 1).fill(7)]);
    const before = makeHarness({ hash: link('steps=100000') });
    await started(before, big);
    await until(() => (state(before).run.checkpointStep ?? 0) >= 10);
    await before.session.pause();
    await until(() => state(before).run.status === 'paused');
    await settle();
    before.session.dispose();
    before.client.dispose();

    const after = makeHarness({ idb: before.idb });
    await after.session.init();
    expect(state(after).resume.offer).toMatchObject({ setStored: false, fileBytes: big.size, fileMatches: null });
    await after.session.resumeInterrupted();
    expect(state(after).resume.offer?.message).toMatch(/drop tiny\.safetensors \(\d+ bytes\) again first/);
    const other = new Blob([new Uint8Array(STORED_SET_MAX_BYTES + 1).fill(8)]);
    await after.session.loadFile(other, 'tiny.safetensors');
    expect(state(after).resume.offer).toMatchObject({ fileMatches: false, message: expect.stringMatching(/is not the file the run trained on/) });
    await after.session.loadFile(big, 'tiny.safetensors');
    expect(state(after).resume.offer).toMatchObject({ fileMatches: true, message: null });
    await after.session.resumeInterrupted();
    await until(() => state(after).run.status === 'running');
    await after.session.stop();
    await until(() => state(after).run.saved);
    expect(steps(after)).toEqual(oneToN(state(after).run.step));
  });

  it('discarding the interrupted run deletes its checkpoint and data file', async () => {
    const before = makeHarness({ hash: link('steps=100000') });
    await started(before);
    await until(() => (state(before).run.checkpointStep ?? 0) >= 10);
    await settle();
    before.session.dispose();
    before.client.dispose();
    const after = makeHarness({ idb: before.idb });
    await after.session.init();
    const id = state(after).resume.offer?.runId ?? '';
    await after.session.discardInterrupted();
    expect(state(after).resume.offer).toBeNull();
    expect(await (await after.db).listCheckpoints()).toEqual([]);
    expect(await (await after.db).getSet(id)).toBeNull();
  });
});

describe('sameDataset', () => {
  const dataset = { file: 'a.safetensors', task: 'mlm' as const, n: 4, seq_len: 8, vocab_size: 20, num_classes: null, teacher: 'topk' as const, k: 4, has_labels: true, has_hidden: false, hidden_size: null, has_logsumexp: true, langs: null, teacher_name: null, teacher_params: null };
  it('ignores the file name, and keys a checkpoint saved before they existed', () => {
    expect(sameDataset({ ...dataset, file: 'renamed.safetensors', metadata_keys: ['vocab'] }, dataset)).toBe(true);
    expect(sameDataset({ ...dataset, n: 5 }, dataset)).toBe(false);
    expect(sameDataset(dataset, { ...dataset, metadata_keys: ['vocab'] })).toBe(false);
  });
});
