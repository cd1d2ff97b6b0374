/**
 * Synthetic distillation sets shaped like a real export (docs/format.md), built fast enough for the benchmark
 * grid (vocabulary 32k, 128 positions): throughput does not depend on what the numbers mean, only on shapes.
 *
 * Top-k teacher: K distinct ids per position (a random window start, so no sort over V), descending logits and
 * a logsumexp that leaves 20% of the mass outside the top-k (the K+1 bucket path of align.ts). Dense teacher:
 * uniform noise logits [N, L, V]. Every example is full length (no padding), so tokens/s = B·L / s.
 */
import { createRng } from '../src/engine/rng.ts';
import type { DistillSet, TeacherOutput } from '../src/engine/types.ts';

export type TeacherKind = 'dense' | 'topk';

export interface BenchSetOptions {
  vocabSize: number;
  seqLen: number;
  /** Examples N (≥ the batch size; the trainer cycles through them). */
  n: number;
  teacher: TeacherKind;
  /** K for the top-k teacher (the exporter's default is 32). */
  k?: number;
  seed?: number;
}

/** Tail mass left outside the top-k by the synthetic logsumexp. */
const TAIL_MASS = 0.2;

export function benchSet(opts: BenchSetOptions): DistillSet {
  const { vocabSize: v, seqLen: l, n } = opts;
  const k = Math.min(opts.k ?? 32, v);
  const rng = createRng(opts.seed ?? 7);
  const positions = n * l;
  const inputIds = new Int32Array(positions);
  for (let i = 0; i < positions; i++) inputIds[i] = 1 + rng.int(v - 1);
  const attentionMask = new Uint8Array(positions).fill(1);
  // clm labels: the next token, none after the last position.
  const labels = new Int32Array(positions);
  for (let i = 0; i < positions; i++) labels[i] = (i + 1) % l === 0 ? -100 : inputIds[i + 1];
  let teacher: TeacherOutput;
  if (opts.teacher === 'dense') {
    const logits = new Float32Array(positions * v);
    for (let i = 0; i < logits.length; i++) logits[i] = 4 * rng.next();
    teacher = { kind: 'dense', logits, width: v };
  } else {
    const ids = new Int32Array(positions * k);
    const logits = new Float32Array(positions * k);
    const logsumexp = new Float32Array(positions);
    for (let p = 0; p < positions; p++) {
      const start = rng.int(v);
      let sum = 0;
      for (let j = 0; j < k; j++) {
        ids[p * k + j] = (start + j) % v;
        const z = 8 - 0.25 * j + 0.1 * rng.next();
        logits[p * k + j] = z;
        sum += Math.exp(z);
      }
      logsumexp[p] = Math.log(sum / (1 - TAIL_MASS));
    }
    teacher = { kind: 'topk', k, ids, logits, logsumexp };
  }
  return {
    task: 'clm',
    n,
    seqLen: l,
    vocabSize: v,
    inputIds,
    attentionMask,
    labels,
    teacher,
    metadata: { task: 'clm', vocabSize: v, padId: 0, formatVersion: '1' },
    rawMetadata: { task: 'clm' },
  };
}
