/**
 * The worker host with the real engine and io (cpu backend, in Node): a tiny set written with the io writer
 * is parsed, trained a few steps, and exported; the exported safetensors reads back with the io reader. And
 * recovery end to end: checkpoints taken by the host mid-run, a NaN forced into the weights (the debug
 * fault) fails the run as non-finite, and the last checkpoint restored into a new trainer continues the
 * uninterrupted run's curve.
 */
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../engine/backend.ts';
import { mergeConfig } from '../engine/config/merge.ts';
import { createTrainer } from '../engine/trainer.ts';
import { encodeDistillSet } from '../io/distill_set_write.ts';
import { readDistillSet } from '../io/read.ts';
import { readSafetensors } from '../io/safetensors_read.ts';
import { encodeStudentFiles } from '../io/student_files.ts';
import { summarizeSet } from '../io/summary.ts';
import { createTrainingClient } from './client.ts';
import { inMemoryPort } from './testing.ts';
import { tinyMlmSet } from '../engine/testing/tiny_sets.ts';
import type { WorkerEvent } from './protocol.ts';
import type { LocalSessionDeps } from '../engine/training/local_session.ts';
import type { TrainerCheckpoint } from '../engine/trainer_types.ts';

const realDeps: LocalSessionDeps = {
  readDistillSet,
  summarizeSet,
  selectBackend: () => selectBackend('cpu'),
  createTrainer,
  encodeStudentFiles,
  probe: async () => ({ webgpu: false, webgl: false, wasm: true, crossOriginIsolated: false, wasmThreads: 1, hardwareConcurrency: 1 }),
};

const waitFor = async (cond: () => boolean, ms = 60_000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('host with the real engine (cpu)', () => {
  it('loads, trains, evaluates and exports', async () => {
    const client = createTrainingClient(inMemoryPort(realDeps));
    const events: WorkerEvent[] = [];
    client.subscribe((e) => events.push(e));
    const bytes = encodeDistillSet(tinyMlmSet({ n: 16, seqLen: 8 }));
    const loaded = await client.load(new Blob([bytes]), 'tiny.safetensors');
    expect(loaded.summary).toMatchObject({ examples: 16, seqLen: 8, teacherKind: 'topk', topk: 4 });

    const config = { ...mergeConfig({ n_layers: 1, d_model: 16, n_heads: 2, d_ff: 32, max_len: 8, steps: 6, batch_size: 4, report_every: 3, eval_every: 3, backend: 'cpu' }) };
    const configured = await client.configure(config);
    expect(configured.backend.name).toBe('cpu');
    expect(configured.paramCount).toBeGreaterThan(0);
    await client.start();
    const t0 = Date.now();
    while (!events.some((e) => e.type === 'done') && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 20));
    expect(events.find((e) => e.type === 'done')).toMatchObject({ reason: 'completed', step: 6 });
    const steps = events.flatMap((e) => (e.type === 'steps' ? e.records : []));
    expect(steps.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(steps.every((r) => Number.isFinite(r.total))).toBe(true);

    const example = await client.example(0, 5);
    expect(example.student?.positions).toBe(8);
    const files = await client.exportStudent();
    const back = await readSafetensors(new Blob([new Uint8Array(files.safetensors)]));
    expect(back.tensors.has('distilbert.embeddings.word_embeddings.weight')).toBe(true);
    expect(files.paramCount).toBe(configured.paramCount);
    expect(JSON.parse(files.configJson)).toMatchObject({ model_type: 'distilbert', dim: 16 });
    client.dispose();
  });

  it('a NaN in the weights fails the run as non-finite; the last checkpoint continues the uninterrupted curve', async () => {
    const client = createTrainingClient(inMemoryPort(realDeps, { debug: true }));
    const events: WorkerEvent[] = [];
    client.subscribe((e) => events.push(e));
    await client.load(new Blob([encodeDistillSet(tinyMlmSet({ n: 16, seqLen: 8 }))]), 'tiny.safetensors');
    const config = { ...mergeConfig({ n_layers: 1, d_model: 16, n_heads: 2, d_ff: 32, max_len: 8, steps: 16, batch_size: 4, report_every: 2, eval_every: 0, dropout: 0.1, checkpoint_every: 4, backend: 'cpu' }) };
    const totals = () => events.flatMap((e) => (e.type === 'steps' ? e.records.map((r) => [r.step, r.total] as const) : []));
    const doneEvents = () => events.filter((e) => e.type === 'done');

    await client.configure(config); // the uninterrupted reference
    await client.start();
    await waitFor(() => doneEvents().length === 1);
    const reference = new Map(totals());
    events.length = 0;

    await client.configure(config);
    await client.start();
    await waitFor(() => events.some((e) => e.type === 'checkpoint' && e.checkpoint.step >= 4));
    await client.pause();
    await waitFor(() => events.some((e) => e.type === 'status' && e.status === 'paused'));
    await client.debug('non-finite');
    await client.resume();
    await waitFor(() => doneEvents().length === 1);
    expect(doneEvents()[0]).toMatchObject({ reason: 'error', failure: 'non_finite', error: expect.stringMatching(/^non-finite loss at step \d+/) });
    const checkpoints = events.flatMap((e) => (e.type === 'checkpoint' ? [e.checkpoint] : []));
    const last: TrainerCheckpoint | undefined = checkpoints.at(-1);
    expect(last).toBeDefined();
    const failedAt = (doneEvents()[0] as Extract<WorkerEvent, { type: 'done' }>).step;
    expect(last?.step).toBeLessThanOrEqual(failedAt); // no checkpoint after the NaN went in
    // the checkpoint's tensors are Blobs (posted as handles), every value finite
    for (const p of last?.params ?? []) {
      expect(p.data).toBeInstanceOf(Blob);
      expect(new Float32Array(await (p.data as Blob).arrayBuffer()).every(Number.isFinite)).toBe(true);
    }
    const before = totals().filter(([step]) => step <= (last?.step ?? 0));
    events.length = 0;

    await client.configure(config);
    expect(await client.restore(last as TrainerCheckpoint)).toBe(last?.step);
    await client.start();
    await waitFor(() => doneEvents().length === 1);
    expect(doneEvents()[0]).toMatchObject({ reason: 'completed', step: 16 });
    const resumed = [...before, ...totals()];
    expect(resumed.map(([step]) => step)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    for (const [step, total] of resumed) expect(Math.abs(total - (reference.get(step) ?? Number.NaN)), `step ${step}`).toBeLessThan(1e-6);
    client.dispose();
  });
});
