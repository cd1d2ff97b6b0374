import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdamW } from '../optim/adamw.ts';
import { factorySwappingBlob } from '../patches/browser_wasm_threads.ts';
import { createRng } from '../rng.ts';
import type { CheckpointTensor, TrainerCheckpoint } from '../trainer_types.ts';
import { restoreCheckpoint, takeCheckpoint, type CheckpointParts } from './checkpoint.ts';

/** A trainer's checkpointed parts over two small variables, with every value set from `seed`. */
function partsOf(seed: number): CheckpointParts & { dispose(): void } {
  const trainable = new Map<string, tf.Variable>([
    ['emb', tf.variable(tf.tensor2d([seed, seed + 1, seed + 2, seed + 3, seed + 4, seed + 5], [3, 2]))],
    ['bias', tf.variable(tf.tensor1d([-seed, seed / 2]))],
  ]);
  const optimizer = createAdamW(trainable, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }, () => false);
  tf.tidy(() => {
    for (const [name, m] of optimizer.state.m) m.assign(tf.mul(trainable.get(name) as tf.Variable, 0.1));
    for (const [name, v] of optimizer.state.v) v.assign(tf.mul(trainable.get(name) as tf.Variable, 0.01).abs());
  });
  optimizer.state.step = seed;
  let stream = { order: [seed, 1, 0], cursor: 1, rng: seed * 7 };
  const dropoutRng = createRng(seed);
  return {
    trainable,
    optimizer,
    stream: { getState: () => ({ ...stream, order: [...stream.order] }), setState: (s) => (stream = { ...s, order: [...s.order] }) },
    dropoutRng,
    dispose() {
      trainable.forEach((v) => v.dispose());
      optimizer.dispose();
    },
  };
}

const values = async (vars: ReadonlyMap<string, tf.Variable>) => Promise.all([...vars].map(async ([name, v]) => [name, Array.from(await v.data())] as const));

/** The same checkpoint in the shape stored before checkpoints held Blobs: each tensor's values as a Float32Array. */
async function asArrays(cp: TrainerCheckpoint): Promise<TrainerCheckpoint> {
  const arrays = (list: CheckpointTensor[]) =>
    Promise.all(list.map(async (a) => ({ ...a, data: a.data instanceof Blob ? new Float32Array(await a.data.arrayBuffer()) : a.data })));
  return { ...cp, params: await arrays(cp.params), adam: { ...cp.adam, m: await arrays(cp.adam.m), v: await arrays(cp.adam.v) } };
}

describe('trainer checkpoints', () => {
  let from: ReturnType<typeof partsOf>;
  let into: ReturnType<typeof partsOf>;
  beforeEach(() => {
    from = partsOf(3);
    into = partsOf(11);
  });
  afterEach(() => {
    from.dispose();
    into.dispose();
  });

  it('holds each tensor as a Blob of its float32 bytes, and round-trips every weight, moment and stream position', async () => {
    const cp = await takeCheckpoint(from, 42);
    for (const a of [...cp.params, ...cp.adam.m, ...cp.adam.v]) {
      expect(a.data).toBeInstanceOf(Blob);
      expect((a.data as Blob).size).toBe(4 * a.shape.reduce((x, y) => x * y, 1));
    }
    expect(Array.from(new Float32Array(await (cp.params[0].data as Blob).arrayBuffer()))).toEqual([3, 4, 5, 6, 7, 8]);
    // a Blob is structured-cloneable as it is (what posting to the page and storing in IndexedDB do)
    const cloned = structuredClone(cp);
    const before = tf.memory().numTensors;
    await expect(restoreCheckpoint(into, cloned)).resolves.toBe(42);
    expect(tf.memory().numTensors).toBe(before);
    expect(await values(into.trainable)).toEqual(await values(from.trainable));
    expect(await values(into.optimizer.state.m)).toEqual(await values(from.optimizer.state.m));
    expect(await values(into.optimizer.state.v)).toEqual(await values(from.optimizer.state.v));
    expect(into.optimizer.state.step).toBe(3);
    expect(into.stream.getState()).toEqual(from.stream.getState());
    expect(into.dropoutRng.getState()).toBe(from.dropoutRng.getState());
  });

  it('restores a checkpoint stored before checkpoints held Blobs (Float32Arrays)', async () => {
    const old = await asArrays(await takeCheckpoint(from, 7));
    expect(old.params[0].data).toBeInstanceOf(Float32Array);
    await expect(restoreCheckpoint(into, old)).resolves.toBe(7);
    expect(await values(into.trainable)).toEqual(await values(from.trainable));
    expect(await values(into.optimizer.state.v)).toEqual(await values(from.optimizer.state.v));
  });

  it("restores Blobs made before the worker's wasm threads patch replaced the global Blob with its subclass", async () => {
    const cp = await takeCheckpoint(from, 9); // native Blobs, as the page posts them
    const native = globalThis.Blob;
    globalThis.Blob = factorySwappingBlob(native, 'factory'); // what patches/browser_wasm_threads.ts installs in the worker
    try {
      expect(cp.params[0].data instanceof globalThis.Blob).toBe(false);
      await expect(restoreCheckpoint(into, cp)).resolves.toBe(9);
    } finally {
      globalThis.Blob = native;
    }
    expect(await values(into.trainable)).toEqual(await values(from.trainable));
  });

  it('refuses a checkpoint of another shape or size before it changes anything', async () => {
    const cp = await takeCheckpoint(from, 5);
    const untouched = await values(into.trainable);
    const shorter = { ...cp, adam: { ...cp.adam, v: cp.adam.v.map((a) => (a.name === 'bias' ? { ...a, data: new Blob([new Float32Array(1)]) } : a)) } };
    await expect(restoreCheckpoint(into, shorter)).rejects.toThrow(/AdamW second moment "bias" is missing or has another shape/);
    const reshaped = { ...cp, params: cp.params.map((a) => (a.name === 'emb' ? { ...a, shape: [2, 3] } : a)) };
    await expect(restoreCheckpoint(into, reshaped)).rejects.toThrow(/weight "emb" is missing or has another shape/);
    await expect(restoreCheckpoint(into, { ...cp, params: cp.params.slice(1) })).rejects.toThrow(/weight "emb" is missing/);
    expect(await values(into.trainable)).toEqual(untouched);
    expect(into.optimizer.state.step).toBe(11);
  });

  it('refuses to take a checkpoint holding a NaN or ±Inf, naming the tensor', async () => {
    (from.trainable.get('bias') as tf.Variable).assign(tf.tensor1d([1, Number.NaN]));
    await expect(takeCheckpoint(from, 1)).rejects.toThrow('no checkpoint: weight "bias" holds NaN at index 1');
    (from.trainable.get('bias') as tf.Variable).assign(tf.tensor1d([1, 2]));
    (from.optimizer.state.v.get('emb') as tf.Variable).assign(tf.fill([3, 2], Number.POSITIVE_INFINITY));
    await expect(takeCheckpoint(from, 1)).rejects.toThrow('no checkpoint: AdamW second moment "emb" holds Infinity at index 0');
  });

  it('copies the values: training on after a checkpoint does not change it', async () => {
    const cp = await takeCheckpoint(from, 2);
    (from.trainable.get('emb') as tf.Variable).assign(tf.zeros([3, 2]));
    expect(Array.from(new Float32Array(await (cp.params[0].data as Blob).arrayBuffer()))).toEqual([3, 4, 5, 6, 7, 8]);
  });
});
