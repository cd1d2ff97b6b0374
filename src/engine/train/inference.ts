/**
 * Inference over examples of the loaded set with the student as it is now (no gradient): top-k predictions
 * per position for the page's example browser, full or top-k logits for `distill predict`, and forward latency.
 * Batches come from the trainer's batcher, so shapes match training (the last chunk is padded).
 */
import * as tf from '@tensorflow/tfjs';
import { disposeBatch, type Batch } from '../data/batches.ts';
import { headLogitSum, headTopK } from '../head/logits.ts';
import type { Student } from '../model/student.ts';
import type { ExamplePrediction, LogitsPrediction } from '../trainer_types.ts';
import type { DistillSet } from '../types.ts';
import { logitsRow } from './compatibility.ts';

export interface InferenceDeps {
  student: Student;
  set: DistillSet;
  batchSize: number;
  /** A batch of exactly batchSize rows holding these examples (padded). */
  batchOf(indices: readonly number[]): Batch;
  /** Examples the latency is measured on. */
  latencyPool: readonly number[];
}

export function createInference({ student, set, batchSize, batchOf, latencyPool }: InferenceDeps) {
  const { positions, width } = logitsRow(set);

  async function predictExamples(indices: readonly number[], k: number): Promise<ExamplePrediction[]> {
    const out: ExamplePrediction[] = [];
    for (let i = 0; i < indices.length; i += batchSize) {
      const chunk = indices.slice(i, i + batchSize);
      const batch = batchOf(chunk);
      try {
        const kk = Math.min(k, width);
        const { values, idx } = tf.tidy(() => {
          // chunked: the k best logits and the log-sum-exp, never [B·L, V] (a 250k vocabulary's compare view)
          const top = headTopK(student.forward(batch.inputIds, batch.mask, { training: false }).head, kk);
          return { values: tf.exp(tf.sub(top.values, tf.reshape(top.lse, [-1, 1]))), idx: top.indices };
        });
        const [probs, ids] = await Promise.all([values.data(), idx.data()]);
        values.dispose();
        idx.dispose();
        chunk.forEach((index, row) => {
          const from = row * positions * kk;
          out.push({
            index,
            k: kk,
            positions,
            topIds: Int32Array.from(ids.subarray(from, from + positions * kk)),
            topProbs: Float32Array.from(probs.subarray(from, from + positions * kk)),
          });
        });
      } finally {
        disposeBatch(batch);
      }
    }
    return out;
  }

  async function predictLogits(indices: readonly number[], topk?: number): Promise<LogitsPrediction> {
    const k = topk ? Math.min(topk, width) : 0;
    const rowFloats = positions * (k || width);
    const logitsOut = new Float32Array(indices.length * rowFloats);
    const idsOut = k ? new Int32Array(indices.length * rowFloats) : undefined;
    const lseOut = k ? new Float32Array(indices.length * positions) : undefined;
    for (let i = 0; i < indices.length; i += batchSize) {
      const chunk = indices.slice(i, i + batchSize);
      const batch = batchOf(chunk);
      try {
        const outs = tf.tidy(() => {
          if (!k) return [student.logits(batch.inputIds, batch.mask).reshape([-1, width])];
          const top = headTopK(student.forward(batch.inputIds, batch.mask, { training: false }).head, k);
          return [top.values, top.indices, top.lse];
        });
        const data = await Promise.all(outs.map((t) => t.data()));
        outs.forEach((t) => t.dispose());
        const n = chunk.length;
        logitsOut.set(data[0].subarray(0, n * rowFloats), i * rowFloats);
        idsOut?.set(data[1].subarray(0, n * rowFloats), i * rowFloats);
        lseOut?.set(data[2].subarray(0, n * positions), i * positions);
      } finally {
        disposeBatch(batch);
      }
    }
    const lead = set.task === 'classification' ? [indices.length] : [indices.length, positions];
    if (idsOut && lseOut) return { kind: 'topk', ids: idsOut, logits: logitsOut, logsumexp: lseOut, shape: [...lead, k] };
    return { kind: 'dense', logits: logitsOut, shape: [...lead, width] };
  }

  async function measureLatency(): Promise<{ ms_per_example: number }> {
    const batch = batchOf(latencyPool);
    try {
      const once = async () => {
        // the whole forward pass, the head chunk by chunk (no [B·L, V] tensor)
        const logits = tf.tidy(() => headLogitSum(student.forward(batch.inputIds, batch.mask, { training: false }).head));
        await logits.data();
        logits.dispose();
      };
      await once();
      await once();
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        await once();
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      return { ms_per_example: times[2] / batchSize };
    } finally {
      disposeBatch(batch);
    }
  }

  return { predictExamples, predictLogits, measureLatency };
}
