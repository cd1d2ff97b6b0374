/**
 * A trainer's resumable state as plain arrays (TrainerCheckpoint): the trainable weights, AdamW's moments
 * and step, and the positions of the seeded batch and dropout streams — and its restoration, which refuses a
 * checkpoint of another config (a missing name or another shape) before it changes anything.
 */
import * as tf from '@tensorflow/tfjs';
import type { IndexStreamState } from '../data/batches.ts';
import type { AdamWState } from '../optim/adamw.ts';
import type { NamedArray, TrainerCheckpoint } from '../trainer_types.ts';

/** What a checkpoint captures of a trainer. */
export interface CheckpointParts {
  trainable: ReadonlyMap<string, tf.Variable>;
  optimizer: { state: AdamWState };
  stream: { getState(): IndexStreamState; setState(state: IndexStreamState): void };
  dropoutRng: { getState(): number; setState(state: number): void };
}

async function namedArrays(vars: ReadonlyMap<string, tf.Variable>): Promise<NamedArray[]> {
  const out: NamedArray[] = [];
  for (const [name, v] of vars) out.push({ name, dtype: 'F32', shape: [...v.shape], data: (await v.data()) as Float32Array });
  return out;
}

/** Assigns every variable from `arrays` (by name), after checking that all are there with their shapes. */
function assignAll(vars: ReadonlyMap<string, tf.Variable>, arrays: readonly NamedArray[], what: string): void {
  const byName = new Map(arrays.map((a) => [a.name, a]));
  for (const [name, v] of vars) {
    const a = byName.get(name);
    if (!a || a.shape.join(',') !== v.shape.join(',')) {
      throw new Error(`checkpoint ${what} "${name}" is missing or has another shape: was it taken with another config?`);
    }
  }
  for (const [name, v] of vars) {
    const a = byName.get(name) as NamedArray;
    tf.tidy(() => v.assign(tf.tensor(a.data, a.shape, 'float32')));
  }
}

export async function takeCheckpoint(parts: CheckpointParts, step: number): Promise<TrainerCheckpoint> {
  const { state } = parts.optimizer;
  return {
    version: 1,
    step,
    params: await namedArrays(parts.trainable),
    adam: { step: state.step, m: await namedArrays(state.m), v: await namedArrays(state.v) },
    rng: { stream: parts.stream.getState(), dropout: parts.dropoutRng.getState() },
  };
}

/** Puts `checkpoint` back into the trainer's parts; returns the step the run continues from. */
export function restoreCheckpoint(parts: CheckpointParts, checkpoint: TrainerCheckpoint): number {
  if (checkpoint.version !== 1) throw new Error(`unsupported checkpoint version ${String(checkpoint.version)}`);
  const { state } = parts.optimizer;
  assignAll(parts.trainable, checkpoint.params, 'weight');
  assignAll(state.m, checkpoint.adam.m, 'AdamW first moment');
  assignAll(state.v, checkpoint.adam.v, 'AdamW second moment');
  state.step = checkpoint.adam.step;
  parts.stream.setState(checkpoint.rng.stream);
  parts.dropoutRng.setState(checkpoint.rng.dropout);
  return checkpoint.step;
}
