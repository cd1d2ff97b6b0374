import { describe, expect, it } from 'vitest';
import { mergeConfig } from '../engine/config/merge.ts';
import { createTrainingClient } from './client.ts';
import { fakeDeps } from '../engine/training/testing.ts';
import { inMemoryPort, type TestPort } from './testing.ts';
import { tinyClassificationSet, tinyMlmSet } from '../engine/testing/tiny_sets.ts';
import type { WorkerEvent } from './protocol.ts';

const config = { ...mergeConfig({ steps: 25, report_every: 10, eval_every: 10, n_layers: 1, d_model: 8, n_heads: 2, d_ff: 16, max_len: 16 }) };

function setup(set = tinyMlmSet(), opts: { failWith?: string; failAtStep?: number } = {}) {
  const client = createTrainingClient(inMemoryPort(fakeDeps(set, opts)));
  const events: WorkerEvent[] = [];
  client.subscribe((e) => events.push(e));
  return { client, events };
}

const until = async (cond: () => boolean, ms = 2000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
};

describe('training client ↔ host', () => {
  it('probes the worker', async () => {
    const { client } = setup();
    expect((await client.probe()).wasm).toBe(true);
  });

  it('loads a file with progress, and answers with the summary and vocabulary', async () => {
    const { client, events } = setup();
    const loaded = await client.load(new Blob([new Uint8Array(100)]), 'tiny.safetensors');
    expect(loaded.summary).toMatchObject({ fileName: 'tiny.safetensors', fileBytes: 100, task: 'mlm', examples: 48 });
    expect(loaded.vocab?.[2]).toBe('the');
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.at(-1)).toMatchObject({ bytesRead: 100, totalBytes: 100 });
  });

  it('transfers an ArrayBuffer payload', async () => {
    const { client } = setup();
    const loaded = await client.load(new ArrayBuffer(64), 'x.safetensors');
    expect(loaded.summary.fileBytes).toBe(64);
  });

  it('rejects with the reader message for a bad file, and keeps working after', async () => {
    const { client } = setup(tinyMlmSet(), { failWith: 'input_ids: missing tensor' });
    await expect(client.load(new Blob(['nope']), 'bad.safetensors')).rejects.toThrow('input_ids: missing tensor');
    await expect(client.probe()).resolves.toMatchObject({ wasm: true });
  });

  it('refuses to configure before a set is loaded', async () => {
    const { client } = setup();
    await expect(client.configure(config)).rejects.toThrow(/no data set is loaded/);
  });

  it('configures, trains to the end with step batches, evals and done, then exports', async () => {
    const { client, events } = setup();
    await client.load(new Blob(['x']), 'tiny.safetensors');
    const configured = await client.configure(config);
    expect(configured.paramCount).toBe(1234);
    expect(events.some((e) => e.type === 'backend' && e.choice.name === 'cpu')).toBe(true);
    await client.start();
    await until(() => events.some((e) => e.type === 'done'));
    const batches = events.flatMap((e) => (e.type === 'steps' ? [e.records.map((r) => r.step)] : []));
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(batches.flat()).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(events.filter((e) => e.type === 'eval').map((e) => (e.type === 'eval' ? e.record.step : 0))).toEqual([10, 20, 25]);
    expect(events.find((e) => e.type === 'done')).toMatchObject({ reason: 'completed', step: 25 });
    const files = await client.exportStudent();
    // the student's files only (the page builds the tfjs layout from the stored safetensors when asked)
    expect(JSON.parse(new TextDecoder().decode(files.safetensors)).names).toEqual(['embeddings.word_embeddings.weight', 'lm_head.bias']);
    expect(files.paramCount).toBe(1234);
    expect(JSON.parse(files.configJson).hidden_size).toBe(3);
    expect(await client.measureLatency()).toEqual({ ms_per_example: 0.75 });
  });

  it('pauses, resumes and stops', async () => {
    const { client, events } = setup();
    await client.load(new Blob(['x']), 'tiny.safetensors');
    await client.configure({ ...config, steps: 100000 });
    await client.start();
    await until(() => events.some((e) => e.type === 'steps'));
    await client.pause();
    await until(() => events.some((e) => e.type === 'status' && e.status === 'paused'));
    await client.resume();
    await until(() => events.filter((e) => e.type === 'status' && e.status === 'running').length >= 2);
    await client.stop();
    await until(() => events.some((e) => e.type === 'done'));
    expect(events.find((e) => e.type === 'done')).toMatchObject({ reason: 'stopped' });
  });

  it('a run that fails (non-finite loss) reports one done event with the reason, then pauses', async () => {
    const { client, events } = setup(tinyMlmSet(), { failAtStep: 7 });
    await client.load(new Blob(['x']), 'tiny.safetensors');
    await client.configure(config);
    await client.start();
    await until(() => events.some((e) => e.type === 'status' && e.status === 'paused'));
    const done = events.filter((e) => e.type === 'done');
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ reason: 'error', step: 6, error: expect.stringMatching(/non-finite loss at step 7/) });
    // the last good weights can still be exported
    expect((await client.exportStudent()).paramCount).toBe(1234);
  });

  it('serves an example with the teacher top-k and the student prediction', async () => {
    const { client } = setup();
    await client.load(new Blob(['x']), 'tiny.safetensors');
    const before = await client.example(3, 5);
    expect(before.student).toBeUndefined();
    expect(before.k).toBe(4); // the set keeps k = 4
    expect(before.inputIds.length).toBe(12);
    expect(before.lang).toBe('en');
    await client.configure(config);
    const after = await client.example(3, 5);
    expect(after.student?.topIds.length).toBe(12 * 5);
  });

  it('counts a teacher-vs-student confusion matrix on the held-out split', async () => {
    const set = tinyClassificationSet({ n: 20 });
    const { client } = setup(set);
    await client.load(new Blob(['x']), 'c.safetensors');
    await client.configure({ ...config, eval_fraction: 0.25 });
    const confusion = await client.confusion(100);
    expect(confusion.numClasses).toBe(3);
    expect(confusion.examples).toBe(5);
    expect(confusion.counts.reduce((a, b) => a + b, 0)).toBe(5);
    // the fake student always says class 0: every count is in column 0
    for (let t = 0; t < 3; t++) for (let s = 1; s < 3; s++) expect(confusion.counts[t * 3 + s]).toBe(0);
  });

  it('a crashed worker rejects what was pending and says so; restart() brings a fresh one', async () => {
    const ports: TestPort[] = [];
    const client = createTrainingClient(() => {
      const port = inMemoryPort(fakeDeps(tinyMlmSet()));
      ports.push(port);
      return port;
    });
    const events: WorkerEvent[] = [];
    client.subscribe((e) => events.push(e));
    await client.load(new Blob(['x']), 'tiny.safetensors');
    ports[0].hang(); // the load below is never answered…
    const pending = client.load(new Blob(['x']), 'tiny.safetensors');
    ports[0].crash('Uncaught Error: out of memory'); // …and then the worker dies
    await expect(pending).rejects.toThrow('the training worker crashed: Uncaught Error: out of memory');
    expect(events.at(-1)).toEqual({ type: 'crashed', message: 'the training worker crashed: Uncaught Error: out of memory' });
    client.restart();
    expect(ports).toHaveLength(2);
    ports[0].crash('late'); // the old worker's last words are ignored
    expect(events.filter((e) => e.type === 'crashed')).toHaveLength(1);
    await expect(client.probe()).resolves.toMatchObject({ wasm: true });
    await expect(client.configure(config)).rejects.toThrow(/no data set is loaded/); // a fresh worker knows nothing
  });

  it('ping tells a live worker from a hung one', async () => {
    const port = inMemoryPort(fakeDeps(tinyMlmSet()));
    const client = createTrainingClient(port);
    expect(await client.ping(500)).toBe(true);
    port.hang();
    expect(await client.ping(30)).toBe(false);
    expect(() => client.restart()).toThrow(/cannot restart/); // a plain port has no way to start another
  });

  it('fault simulation is refused unless the worker runs in debug mode', async () => {
    const { client } = setup();
    await expect(client.debug('crash')).rejects.toThrow(/debug mode/);
    const debug = createTrainingClient(inMemoryPort(fakeDeps(tinyMlmSet()), { debug: true }));
    const events: WorkerEvent[] = [];
    debug.subscribe((e) => events.push(e));
    await debug.load(new Blob(['x']), 'tiny.safetensors');
    await debug.configure({ ...config, steps: 100000 });
    await debug.start();
    await debug.debug('lose-device');
    await until(() => events.some((e) => e.type === 'device-lost'));
    expect(events.find((e) => e.type === 'device-lost')).toMatchObject({ message: 'the WebGPU device was lost (destroyed)' });
    const count = events.length;
    await new Promise((r) => setTimeout(r, 20));
    expect(events.slice(count).filter((e) => e.type === 'steps')).toEqual([]); // nothing more from a lost device
  });
});
