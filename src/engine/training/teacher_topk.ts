/**
 * The teacher's top-k distribution at every position of one example, in plain JS from the DistillSet arrays
 * (no tfjs: the compare view must not disturb a running trainer). Probabilities at T = 1.
 */
import type { DistillSet } from '../types.ts';

export interface TopK {
  /** int32 [P, k]: ids sorted by probability, descending. */
  ids: Int32Array;
  /** float32 [P, k]. */
  probs: Float32Array;
  k: number;
  /** P: L for token tasks, 1 for classification. */
  positions: number;
}

/** Indices of the k largest values of row[0..width), sorted descending (ties: lower index first). */
export function topIndices(row: ArrayLike<number>, offset: number, width: number, k: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < width; i++) {
    const v = row[offset + i];
    if (best.length === k && v <= row[offset + best[k - 1]]) continue;
    let j = best.length === k ? k - 1 : best.length;
    if (best.length < k) best.push(i);
    while (j > 0 && row[offset + best[j - 1]] < v) {
      best[j] = best[j - 1];
      j--;
    }
    best[j] = i;
  }
  return best;
}

/** log Σ exp(row[offset .. offset+width)), stable. */
export function logSumExp(row: ArrayLike<number>, offset: number, width: number): number {
  let max = -Infinity;
  for (let i = 0; i < width; i++) max = Math.max(max, row[offset + i]);
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = 0; i < width; i++) sum += Math.exp(row[offset + i] - max);
  return max + Math.log(sum);
}

/**
 * Teacher top-k at each position of example `index`. Dense teachers: softmax over the full width. Top-k
 * teachers: exp(logit − logsumexp) when the file ships logsumexp (exact), else a softmax over the kept k.
 */
export function teacherTopK(set: DistillSet, index: number, k: number): TopK {
  if (index < 0 || index >= set.n || !Number.isInteger(index)) throw new Error(`example ${index} is out of range 0..${set.n - 1}`);
  const teacher = set.teacher;
  const positions = set.task === 'classification' ? 1 : set.seqLen;
  if (teacher.kind === 'dense') {
    const width = teacher.width;
    const kk = Math.min(k, width);
    const ids = new Int32Array(positions * kk);
    const probs = new Float32Array(positions * kk);
    for (let p = 0; p < positions; p++) {
      const offset = (index * positions + p) * width;
      const lse = logSumExp(teacher.logits, offset, width);
      topIndices(teacher.logits, offset, width, kk).forEach((id, j) => {
        ids[p * kk + j] = id;
        probs[p * kk + j] = Math.exp(teacher.logits[offset + id] - lse);
      });
    }
    return { ids, probs, k: kk, positions };
  }
  const K = teacher.k;
  const kk = Math.min(k, K);
  const ids = new Int32Array(positions * kk);
  const probs = new Float32Array(positions * kk);
  for (let p = 0; p < positions; p++) {
    const row = index * positions + p;
    const offset = row * K;
    const lse = teacher.logsumexp ? teacher.logsumexp[row] : logSumExp(teacher.logits, offset, K);
    topIndices(teacher.logits, offset, K, kk).forEach((j0, j) => {
      ids[p * kk + j] = teacher.ids[offset + j0];
      probs[p * kk + j] = Math.exp(teacher.logits[offset + j0] - lse);
    });
  }
  return { ids, probs, k: kk, positions };
}

/** Teacher argmax class of each listed example (classification, dense teacher). */
export function teacherClasses(set: DistillSet, indices: readonly number[]): Int32Array {
  if (set.teacher.kind !== 'dense') throw new Error('teacher classes need a dense teacher');
  const { logits, width } = set.teacher;
  return Int32Array.from(indices, (i) => topIndices(logits, i * width, width, 1)[0]);
}
