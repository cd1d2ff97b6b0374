import { describe, expect, it } from 'vitest';
import { mergeConfig } from '../config/merge.ts';
import { tinyClassificationSet, tinyMlmSet } from '../testing/tiny_sets.ts';
import { createLocalSession } from './local_session.ts';
import { fakeDeps } from './testing.ts';
import type { SessionEvent } from './session.ts';

const config = { ...mergeConfig({ steps: 12, report_every: 4, eval_every: 6, n_layers: 1, d_model: 8, n_heads: 2, d_ff: 16, max_len: 16, checkpoint_every: 5 }) };
const until = async (cond: () => boolean, ms = 2000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
};

function open(set = tinyMlmSet(), checkpoints?: boolean) {
  const session = createLocalSession({ ...fakeDeps(set), checkpoints });
  const events: SessionEvent[] = [];
  session.subscribe((e) => events.push(e));
  return { session, events, of: (type: SessionEvent['type']) => events.filter((e) => e.type === type) };
}

describe('local training session (in-thread)', () => {
  it('loads, configures, runs to the end with its events, and exports the student', async () => {
    const { session, events, of } = open();
    const loaded = await session.load(new Blob([new Uint8Array(8)]), 'tiny.safetensors');
    expect(loaded.summary).toMatchObject({ fileName: 'tiny.safetensors', fileBytes: 8, task: 'mlm' });
    expect(of('progress').at(-1)).toEqual({ type: 'progress', bytesRead: 8, totalBytes: 8 });
    const configured = await session.configure(config);
    expect(configured).toMatchObject({ paramCount: 1234, backend: { name: 'cpu' } });
    expect(of('backend')).toHaveLength(1);
    await session.start();
    await until(() => of('done').length > 0);
    expect(events.flatMap((e) => (e.type === 'steps' ? e.records.map((r) => r.step) : []))).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(of('checkpoint').map((e) => (e.type === 'checkpoint' ? e.checkpoint.step : 0))).toEqual([8]); // between windows, ≥ 5 steps apart
    expect(of('done')).toEqual([{ type: 'done', reason: 'completed', step: 12 }]);
    const files = await session.exportStudent();
    expect(files.paramCount).toBe(1234);
    expect(JSON.parse(files.configJson).hidden_size).toBe(3);
    expect(await session.measureLatency()).toEqual({ ms_per_example: 0.75 });
    session.dispose();
  });

  it('takes no checkpoints when asked not to (the CLI)', async () => {
    const { session, of } = open(tinyMlmSet(), false);
    await session.load(new Blob(['x']), 'tiny.safetensors');
    await session.configure(config);
    await session.start();
    await until(() => of('done').length > 0);
    expect(of('checkpoint')).toEqual([]);
  });

  it('answers the compare view: an example with both top-k lists, the confusion counts', async () => {
    const { session } = open(tinyClassificationSet({ n: 30 }));
    await session.load(new Blob(['x']), 'c.npz');
    const teacherOnly = await session.example(3, 2);
    expect(teacherOnly).toMatchObject({ index: 3, k: 2, positions: 1 });
    expect(teacherOnly.student).toBeUndefined();
    await session.configure({ ...config, eval_fraction: 0.2 });
    expect((await session.example(3, 2)).student?.topIds).toEqual(new Int32Array([0, 1]));
    const confusion = await session.confusion(100);
    expect(confusion).toMatchObject({ numClasses: 3, examples: 6, scope: 'held-out split (6 examples)' });
    expect(confusion.counts.reduce((a, b) => a + b, 0)).toBe(6);
  });

  it('a file that fails to read leaves the loaded set and its trainer as they were; one that reads replaces both', async () => {
    const deps = fakeDeps(tinyMlmSet());
    const read = deps.readDistillSet;
    deps.readDistillSet = async (blob, name, o) => {
      if (name === 'bad.jsonl') throw new Error('line 1: too many values');
      return read(blob, name, o);
    };
    const session = createLocalSession(deps);
    await session.load(new Blob(['x']), 'tiny.safetensors');
    await session.configure(config);
    await expect(session.load(new Blob(['y']), 'bad.jsonl')).rejects.toThrow('line 1: too many values');
    expect((await session.evaluate()).step).toBe(0); // the trainer is still there
    expect((await session.example(0, 2)).index).toBe(0); // and the set
    await session.load(new Blob(['z']), 'other.safetensors');
    await expect(session.evaluate()).rejects.toThrow(/no run is configured/);
    session.dispose();
  });

  it('refuses calls that need a set or a trainer, saying which', async () => {
    const { session } = open();
    await expect(session.configure(config)).rejects.toThrow(/no data set is loaded/);
    await session.load(new Blob(['x']), 'tiny.safetensors');
    await expect(session.evaluate()).rejects.toThrow(/no run is configured/);
  });
  it("auto hands the backend selection a calibration of the run's student; a given choice is made current again", async () => {
    const deps = fakeDeps(tinyMlmSet());
    const asked: { preference: string; calibrates: boolean; steps?: number }[] = [];
    const ensured: string[] = [];
    const calibrated: number[] = [];
    const session = createLocalSession({
      ...deps,
      selectBackend: async (preference, run) => {
        asked.push({ preference, calibrates: run?.calibrate !== undefined, steps: run?.steps });
        const record = await run?.calibrate?.();
        return { name: 'wasm', reason: 'wasm: test', skipped: [], calibration: record ? [record] : undefined };
      },
      calibrate: async (_set, c) => {
        calibrated.push(c.steps);
        return { name: 'wasm', ms_per_step: 12, steps: 3 };
      },
      ensureBackend: async (name) => void ensured.push(name),
    });
    await session.load(new Blob([new Uint8Array(8)]), 'tiny.safetensors');
    const auto = await session.configure({ ...config, backend: 'auto' });
    expect(asked).toEqual([{ preference: 'auto', calibrates: true, steps: 12 }]);
    expect(calibrated).toEqual([12]);
    expect(auto.backend.calibration?.[0].ms_per_step).toBe(12);
    await session.configure({ ...config, backend: 'cpu' });
    expect(asked[1]).toEqual({ preference: 'cpu', calibrates: false, steps: 12 }); // a named backend is not timed
    await session.configure(config, { backend: auto.backend });
    expect(ensured).toEqual(['wasm']);
    expect(asked).toHaveLength(2);
    session.dispose();
  });
});
