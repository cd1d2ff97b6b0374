/**
 * A trainer's resumable state (TrainerCheckpoint): the trainable weights, AdamW's moments and step, and the
 * positions of the seeded batch and dropout streams — and its restoration, which refuses a checkpoint of
 * another config (a missing name, another shape or size) before it changes anything.
 *
 * Memory: a 250k-vocabulary student's weights and moments are ~370 MiB (three 122 MiB embeddings). Taken at
 * once as arrays they were held by the worker, cloned into the page and serialised again into IndexedDB, all in
 * the one renderer process that also holds the wasm heap. Here each tensor is read, checked and made a Blob
 * before the next is read (one tensor's copy alive at a time, as the streamed export does: io's
 * encodeSafetensorsStreamed), and a Blob posts and stores as a handle to bytes the browser keeps. Restoring
 * reads them back one at a time the same way.
 */
import * as tf from '@tensorflow/tfjs';
import type { IndexStreamState } from '../data/batches.ts';
import type { AdamWState } from '../optim/adamw.ts';
import type { CheckpointTensor, TrainerCheckpoint } from '../trainer_types.ts';

/** What a checkpoint captures of a trainer. */
export interface CheckpointParts {
  trainable: ReadonlyMap<string, tf.Variable>;
  optimizer: { state: AdamWState };
  stream: { getState(): IndexStreamState; setState(state: IndexStreamState): void };
  dropoutRng: { getState(): number; setState(state: number): void };
}

const F32_BYTES = 4;

/** The first index of a NaN or ±Inf in `data`, or −1. */
function nonFiniteAt(data: Float32Array): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return i;
  return -1;
}

/**
 * Each variable as a Blob of its float32 bytes, read one after the other: `v.data()` may be the backend's own
 * storage (cpu, webgl), which the Blob copies and never detaches. A NaN or ±Inf refuses the whole checkpoint
 * (the engine never applies a non-finite update, but a weight written from outside may hold one, e.g. the
 * debug fault), so a checkpoint never carries one.
 */
async function blobsOf(vars: ReadonlyMap<string, tf.Variable>, what: string): Promise<CheckpointTensor[]> {
  const out: CheckpointTensor[] = [];
  for (const [name, v] of vars) {
    const data = (await v.data()) as Float32Array<ArrayBuffer>;
    const at = nonFiniteAt(data);
    if (at >= 0) throw new Error(`no checkpoint: ${what} "${name}" holds ${data[at]} at index ${at}`);
    out.push({ name, dtype: 'F32', shape: [...v.shape], data: new Blob([data]) });
  }
  return out;
}

/** Checks that `tensors` hold every variable (by name) with its shape and size; returns them by name. */
function matchAll(vars: ReadonlyMap<string, tf.Variable>, tensors: readonly CheckpointTensor[], what: string): Map<string, CheckpointTensor> {
  const byName = new Map(tensors.map((a) => [a.name, a]));
  for (const [name, v] of vars) {
    const a = byName.get(name);
    const size = a ? (a.data instanceof Float32Array ? a.data.byteLength : a.data.size) : -1;
    if (!a || a.shape.join(',') !== v.shape.join(',') || size !== v.size * F32_BYTES) {
      throw new Error(`checkpoint ${what} "${name}" is missing or has another shape: was it taken with another config?`);
    }
  }
  return byName;
}

/**
 * Assigns every variable from its tensor, reading a Blob only when its variable's turn comes. Told apart by
 * `instanceof Float32Array`, never `instanceof Blob`: the page's worker replaces its global Blob with a
 * subclass (patches/browser_wasm_threads.ts), of which a Blob posted to it is no instance.
 */
async function assignAll(vars: ReadonlyMap<string, tf.Variable>, byName: ReadonlyMap<string, CheckpointTensor>): Promise<void> {
  for (const [name, v] of vars) {
    const { data } = byName.get(name) as CheckpointTensor;
    const values = data instanceof Float32Array ? data : new Float32Array(await data.arrayBuffer());
    tf.tidy(() => v.assign(tf.tensor(values, v.shape, 'float32')));
  }
}

export async function takeCheckpoint(parts: CheckpointParts, step: number): Promise<TrainerCheckpoint> {
  const { state } = parts.optimizer;
  return {
    version: 1,
    step,
    params: await blobsOf(parts.trainable, 'weight'),
    adam: { step: state.step, m: await blobsOf(state.m, 'AdamW first moment'), v: await blobsOf(state.v, 'AdamW second moment') },
    rng: { stream: parts.stream.getState(), dropout: parts.dropoutRng.getState() },
  };
}

/**
 * Puts `checkpoint` back into the trainer's parts (keep the trainer paused until it resolves); resolves with
 * the step the run continues from. Names, shapes and sizes are checked before anything is assigned; a Blob
 * that cannot be read (its bytes gone from the browser) rejects with the trainer partly restored, to be
 * rebuilt (a resume configures a fresh trainer first).
 */
export async function restoreCheckpoint(parts: CheckpointParts, checkpoint: TrainerCheckpoint): Promise<number> {
  if (checkpoint.version !== 1) throw new Error(`unsupported checkpoint version ${String(checkpoint.version)}`);
  const { state } = parts.optimizer;
  const params = matchAll(parts.trainable, checkpoint.params, 'weight');
  const m = matchAll(state.m, checkpoint.adam.m, 'AdamW first moment');
  const v = matchAll(state.v, checkpoint.adam.v, 'AdamW second moment');
  await assignAll(parts.trainable, params);
  await assignAll(state.m, m);
  await assignAll(state.v, v);
  state.step = checkpoint.adam.step;
  parts.stream.setState(checkpoint.rng.stream);
  parts.dropoutRng.setState(checkpoint.rng.dropout);
  return checkpoint.step;
}
