/**
 * The worker host with the real engine and io (cpu backend, in Node): a tiny set written with the io writer
 * is parsed, trained a few steps, and exported; the exported safetensors reads back with the io reader.
 */
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../engine/backend.ts';
import { mergeConfig } from '../engine/config/merge.ts';
import { createTrainer } from '../engine/trainer.ts';
import { encodeDistillSet } from '../io/distill_set_write.ts';
import { readDistillSet } from '../io/read.ts';
import { readSafetensors } from '../io/safetensors_read.ts';
import { encodeSafetensors } from '../io/safetensors_write.ts';
import { createTrainingClient } from './client.ts';
import { inMemoryPort } from './testing.ts';
import { tinyMlmSet } from './tiny_sets.ts';
import type { WorkerEvent } from './protocol.ts';

describe('host with the real engine (cpu)', () => {
  it('loads, trains, evaluates and exports', async () => {
    const client = createTrainingClient(
      inMemoryPort({
        readDistillSet,
        selectBackend: () => selectBackend('cpu'),
        createTrainer,
        encodeSafetensors,
        probe: async () => ({ webgpu: false, webgl: false, wasm: true, crossOriginIsolated: false, wasmThreads: false, hardwareConcurrency: 1 }),
      }),
    );
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
    expect(back.tensors.has('embeddings.word_embeddings.weight')).toBe(true);
    expect(files.paramCount).toBe(configured.paramCount);
    expect(JSON.parse(files.configJson).hidden_size).toBe(16);
    client.dispose();
  });
});
