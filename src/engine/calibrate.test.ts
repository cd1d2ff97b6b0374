import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { calibrateStudent } from './calibrate.ts';
import { mergeConfig } from './config/merge.ts';
import { syntheticSet } from './testing/synthetic.ts';

const set = syntheticSet({ n: 24, seqLen: 8, vocabSize: 16, topk: 4 });
const config = mergeConfig({ n_layers: 1, d_model: 16, n_heads: 2, d_ff: 32, max_len: 8, batch_size: 4, steps: 2, eval_every: 1 });

describe('calibrateStudent', () => {
  it('times the timed steps on the current backend and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    // steps: 2 in the config, 1 + 3 calibration steps: the probe run must not stop at the config's end
    const record = await calibrateStudent(set, config, { warmupSteps: 1, timedSteps: 3 });
    expect(record.error).toBeUndefined();
    expect(record.name).toBe(tf.getBackend());
    expect(record.steps).toBe(3);
    expect(record.ms_per_step).toBeGreaterThan(0);
    expect(record.step_ms).toHaveLength(3);
    expect(record.ms_per_step).toBe([...record.step_ms!].sort((a, b) => a - b)[1]); // the median
    expect(record.warmup_ms).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('returns the error of a config the set cannot serve, in one line', async () => {
    const tooShort = mergeConfig(config, { max_len: 4 });
    const record = await calibrateStudent(set, tooShort);
    expect(record.ms_per_step).toBeUndefined();
    expect(record.error).toMatch(/^the set's sequence length 8 exceeds max_len 4/);
  });
});
