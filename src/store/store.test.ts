import { describe, expect, it } from 'vitest';
import { createAppStore } from './store.ts';
import { configBlocked } from './config_slice.ts';
import { DEFAULT_CONFIG } from '../engine/config/config.ts';
import type { StepRecord } from '../engine/trainer_types.ts';
import { summarizeSet } from '../io/summary.ts';
import { tinyMlmSet } from '../engine/testing/tiny_sets.ts';
import { fakeEval, FAKE_BACKEND } from '../engine/training/testing.ts';

const rec = (step: number): StepRecord => ({ step, total: 1 / step, lr: 1e-3, grad_norm: 1, ms_per_step: 10, tokens_per_s: 100 });

describe('data slice', () => {
  it('goes loading → progress → loaded; a failed file leaves its message and keeps the loaded set', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().dataLoading('a.safetensors', 100);
    s().dataProgress(40, 100);
    expect(s().data).toMatchObject({ status: 'loading', bytesRead: 40, totalBytes: 100 });
    s().dataLoaded(summarizeSet(tinyMlmSet({ n: 3 }), 'a.safetensors', 100), ['x'], undefined);
    expect(s().data).toMatchObject({ status: 'loaded', fileName: 'a.safetensors', vocab: ['x'], labelNames: null });
    s().dataProgress(1, 2); // late progress after load is ignored
    expect(s().data.bytesRead).toBe(100);
    s().dataLoading('b.npz', 50);
    expect(s().data).toMatchObject({ status: 'loading', fileName: 'b.npz', bytesRead: 0, summary: { fileName: 'a.safetensors' } });
    s().dataFailed('b.npz', 'bad zip');
    expect(s().data).toMatchObject({ status: 'loaded', fileName: 'a.safetensors', bytesRead: 100, error: 'bad zip', errorFile: 'b.npz', vocab: ['x'] });
    expect(s().data.summary?.fileName).toBe('a.safetensors');
    s().dataLoading('c.jsonl', 10); // the next read clears the message
    expect(s().data.error).toBeNull();
  });
  it('with no set loaded, a failed file leaves the message and an empty card', () => {
    const store = createAppStore();
    store.getState().dataLoading('b.npz', 50);
    store.getState().dataFailed('b.npz', 'bad zip');
    expect(store.getState().data).toMatchObject({ status: 'error', fileName: 'b.npz', error: 'bad zip', errorFile: 'b.npz', summary: null });
  });
});

describe('config slice', () => {
  it('starts at the defaults, validates edits and names the bad key', () => {
    const store = createAppStore();
    const s = () => store.getState();
    expect(s().config.values).toEqual(DEFAULT_CONFIG);
    s().setConfigValue('n_heads', 3);
    expect(s().config.error?.key).toBe('n_heads');
    expect(s().config.error?.message).toMatch(/divisible/);
    s().setConfigValue('n_heads', 4);
    expect(s().config.error).toBeNull();
  });
  it('applies a preset and forgets it when a loss knob is edited by hand', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().applyPreset('distilbert');
    expect(s().config).toMatchObject({ preset: 'distilbert', values: { alpha_kd: 5, alpha_hard: 2, alpha_cos: 1 } });
    s().setConfigValue('steps', 10);
    expect(s().config.preset).toBe('distilbert');
    s().setConfigValue('alpha_kd', 1);
    expect(s().config.preset).toBeNull();
  });
  it("blocks Train for a page rule (0 steps) and for a field whose text is not a value yet, naming each", () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().setConfigValue('steps', 0);
    expect(s().config.error).toEqual({ key: 'steps', message: expect.stringMatching(/at least 1 to train/) });
    expect(configBlocked(s().config)).toMatch(/at least 1 to train/);
    s().setConfigValue('steps', 20);
    expect(configBlocked(s().config)).toBeNull();
    s().setFieldDraft('steps', '"1.5" is not a whole number');
    expect(configBlocked(s().config)).toBe('steps: "1.5" is not a whole number');
    const before = s().config;
    s().setFieldDraft('steps', '"1.5" is not a whole number'); // the same message: no update
    expect(s().config).toBe(before);
    s().setFieldDraft('steps', null);
    expect(configBlocked(s().config)).toBeNull();
  });
  it('holds plain, mutable copies (no frozen config leaks in)', () => {
    const store = createAppStore();
    store.getState().replaceConfig({ ...DEFAULT_CONFIG, seed: 7 }, 'kd');
    expect(Object.isFrozen(store.getState().config.values)).toBe(false);
    expect(store.getState().config.values.seed).toBe(7);
  });
});

describe('run slice', () => {
  it('tracks a run and keeps a final state final', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().runEvent({ type: 'configure', runId: 'r1', config: { ...DEFAULT_CONFIG, steps: 50 } });
    expect(s().run).toMatchObject({ status: 'configuring', runId: 'r1', totalSteps: 50 });
    s().runEvent({ type: 'configured', paramCount: 999, config: { ...DEFAULT_CONFIG, steps: 50 }, backend: FAKE_BACKEND });
    s().runEvent({ type: 'status', status: 'running', step: 0 });
    expect(s().run.startedAt).not.toBeNull();
    s().runEvent({ type: 'step', step: 20 });
    s().runEvent({ type: 'step', step: 10 }); // steps never go back
    expect(s().run.step).toBe(20);
    s().runEvent({ type: 'ended', reason: 'completed', step: 50 });
    expect(s().run).toMatchObject({ status: 'saving', outcome: 'completed', saved: false });
    s().runEvent({ type: 'status', status: 'running', step: 50 }); // a late status event
    expect(s().run.status).toBe('saving');
    s().runEvent({ type: 'saved', reason: 'completed', stored: true });
    s().runEvent({ type: 'status', status: 'running', step: 50 });
    expect(s().run).toMatchObject({ status: 'done', saved: true });
    s().runEvent({ type: 'reset' });
    expect(s().run.status).toBe('idle');
  });
});

describe('metrics slice', () => {
  it('appends step batches in order and drops replays', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().appendSteps([rec(1), rec(2)]);
    s().appendSteps([rec(2), rec(3)]);
    expect(s().metrics.history.map((r) => r.step)).toEqual([1, 2, 3]);
  });
  it('keeps one eval per step, sorted', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().appendEval(fakeEval(20));
    s().appendEval(fakeEval(10));
    s().appendEval(fakeEval(20, 0.5));
    expect(s().metrics.evals.map((e) => [e.step, e.metrics.label_loyalty])).toEqual([
      [10, 0.1],
      [20, 0.5],
    ]);
  });
  it('appendMetrics writes steps and evals in one update and advances the run step', () => {
    const store = createAppStore();
    let updates = 0;
    store.subscribe(() => updates++);
    store.getState().appendMetrics([rec(1), rec(2)], [fakeEval(2), fakeEval(2, 0.9)]);
    expect(updates).toBe(1);
    expect(store.getState().metrics.evals.map((e) => e.metrics.label_loyalty)).toEqual([0.9]);
    expect(store.getState().run.step).toBe(2);
  });
  it('a batch is one store update (charts re-render per batch, not per step)', () => {
    const store = createAppStore();
    let updates = 0;
    store.subscribe(() => updates++);
    store.getState().appendSteps(Array.from({ length: 10 }, (_, i) => rec(i + 1)));
    expect(updates).toBe(1);
  });
});

describe('runs slice', () => {
  it('upserts newest first, toggles overlays and forgets them on delete', async () => {
    const { parseReport } = await import('./run_record.ts');
    const store = createAppStore();
    const s = () => store.getState();
    const run = (id: string, createdAt: number) => ({ ...parseReport(JSON.stringify({ config: {}, history: [] }), 'r.json', id), createdAt });
    s().upsertRun(run('a', 1));
    s().upsertRun(run('b', 2));
    s().upsertRun({ ...run('a', 1), name: 'renamed' });
    expect(s().runs.list.map((r) => r.id)).toEqual(['b', 'a']);
    expect(s().runs.list[1].name).toBe('renamed');
    s().toggleOverlay('a');
    s().toggleOverlay('b');
    s().toggleOverlay('b');
    expect(s().runs.overlay).toEqual(['a']);
    s().removeRun('a');
    expect(s().runs.overlay).toEqual([]);
  });
});

describe('recovery in the store', () => {
  it('a failed run resumes from its checkpoint: metrics trimmed to its step, running again, the failure cleared', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().runEvent({ type: 'configure', runId: 'run-1', config: { ...DEFAULT_CONFIG, steps: 50 } });
    s().appendMetrics([1, 2, 3, 4, 5, 6].map(rec), [fakeEval(0), fakeEval(5)]);
    s().runEvent({ type: 'checkpointed', step: 4 });
    s().runEvent({ type: 'ended', reason: 'error', step: 6, error: 'non-finite loss at step 7' });
    s().runEvent({ type: 'saved', reason: 'error', stored: true });
    s().runEvent({ type: 'status', status: 'running', step: 6 }); // a late status cannot reopen a failed run…
    expect(s().run.status).toBe('error');
    s().truncateMetrics(4);
    s().runEvent({ type: 'resumed', step: 4, status: 'running', recovery: { step: 4, from: 'webgpu', to: 'wasm', reason: 'lost', at: 1 } }); // …a resume can
    expect(s().metrics.history.map((r) => r.step)).toEqual([1, 2, 3, 4]);
    expect(s().metrics.evals.map((e) => e.step)).toEqual([0]);
    expect(s().run).toMatchObject({ status: 'running', step: 4, error: null, endedAt: null, checkpointStep: 4, recoveries: [{ to: 'wasm' }] });
  });

  it('offers an interrupted run, records the file check, and forgets the offer', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().updateOffer({ message: 'ignored without an offer' });
    expect(s().resume.offer).toBeNull();
    s().offerResume({ runId: 'r', step: 20, totalSteps: 100, savedAt: 1, fileName: 'a', fileBytes: 3, setStored: false, failed: null, fileMatches: null, message: null });
    s().updateOffer({ fileMatches: true });
    expect(s().resume.offer).toMatchObject({ runId: 'r', fileMatches: true });
    s().offerResume(null);
    expect(s().resume.offer).toBeNull();
  });
});
