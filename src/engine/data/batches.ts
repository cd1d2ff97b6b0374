import * as tf from '@tensorflow/tfjs';
import { teacherTensors, topKTeacherBatch, type TeacherBatch } from '../losses/teacher.ts';
import { createRng, shuffleInPlace } from '../rng.ts';
import { IGNORE_INDEX, type DistillSet } from '../types.ts';
import type { DistillPositions } from '../config/config.ts';

/** Tensors of one batch; P = B·L positions for token tasks, P = B for classification. */
export interface Batch {
  inputIds: tf.Tensor2D; // int32 [B, L]
  mask: tf.Tensor2D; // float32 [B, L], 1 = token
  /** int32 [P], −100 = no label; undefined when the set has none. */
  labels?: tf.Tensor1D;
  /** float32 [P]: 1 where the KD / MSE terms are computed (distilled positions). */
  weights: tf.Tensor1D;
  /** float32 [B·L]: 1 on non-pad tokens, for the hidden-state cosine loss. */
  tokenWeights: tf.Tensor1D;
  teacher: TeacherBatch;
  teacherHidden?: tf.Tensor2D; // float32 [B·L, H]
  /** Non-pad input tokens in this batch (host side, for tokens/s). */
  tokenCount: number;
  /** Per-position weight on the host, for the metric accumulator: float32 [P]. */
  hostWeights: Float32Array;
  /** 1 at positions with a label (≠ −100) in valid rows: the accuracy denominator. Undefined without labels. */
  hostLabelMask?: Float32Array;
  /** Example index of each row; rows past `validRows` only pad a short final eval batch. */
  indices: number[];
  validRows: number;
}

export function disposeBatch(batch: Batch): void {
  const list: (tf.Tensor | undefined)[] = [batch.inputIds, batch.mask, batch.labels, batch.weights, batch.tokenWeights, batch.teacherHidden];
  list.push(...teacherTensors(batch.teacher));
  for (const t of list) t?.dispose();
}

/** Copies rows `indices` of a row-major array whose rows have `width` elements into a new array. */
function gatherRows<T extends Float32Array | Int32Array | Uint8Array>(src: T, width: number, indices: readonly number[]): T {
  const out = new (src.constructor as new (n: number) => T)(indices.length * width);
  indices.forEach((row, i) => out.set(src.subarray(row * width, (row + 1) * width), i * width));
  return out;
}

/** For clm sets without labels: labels[n, t] = input_ids[n, t+1] where both positions are tokens, else −100. */
export function shiftedCausalLabels(set: DistillSet): Int32Array {
  const { n, seqLen: l, inputIds, attentionMask } = set;
  const labels = new Int32Array(n * l).fill(IGNORE_INDEX);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t + 1 < l; t++) {
      const here = i * l + t;
      if (attentionMask[here] && attentionMask[here + 1]) labels[here] = inputIds[here + 1];
    }
  }
  return labels;
}

/**
 * Builds batches of fixed shape from a DistillSet. `labels` may override the set's (derived clm labels).
 */
export function createBatcher(set: DistillSet, labels: Int32Array | undefined, positions: DistillPositions) {
  const l = set.seqLen;
  const isClassification = set.task === 'classification';

  function make(indices: readonly number[], validRows: number): Batch {
    const b = indices.length;
    const ids = gatherRows(set.inputIds, l, indices);
    const maskU8 = gatherRows(set.attentionMask, l, indices);
    const maskF = Float32Array.from(maskU8);
    const p = isClassification ? b : b * l;
    const labelWidth = isClassification ? 1 : l;
    const rowLabels = labels ? gatherRows(labels, labelWidth, indices) : undefined;
    rowLabels?.fill(IGNORE_INDEX, validRows * labelWidth); // padding rows of a short eval batch carry no label
    const hostWeights = new Float32Array(p);
    for (let i = 0; i < p; i++) {
      const row = isClassification ? i : Math.floor(i / l);
      if (row >= validRows) continue;
      if (positions === 'labelled' && rowLabels) hostWeights[i] = rowLabels[i] !== IGNORE_INDEX ? 1 : 0;
      else hostWeights[i] = isClassification ? 1 : maskF[i];
    }
    const hostLabelMask = rowLabels ? Float32Array.from(rowLabels, (y) => (y === IGNORE_INDEX ? 0 : 1)) : undefined;
    const tokenWeights = maskF.slice();
    for (let i = validRows * l; i < tokenWeights.length; i++) tokenWeights[i] = 0;
    let tokenCount = 0;
    for (let i = 0; i < validRows * l; i++) tokenCount += maskF[i];

    let teacher: TeacherBatch;
    if (set.teacher.kind === 'dense') {
      const w = set.teacher.width;
      const rowWidth = isClassification ? w : l * w;
      teacher = { kind: 'dense', logits: tf.tensor2d(gatherRows(set.teacher.logits, rowWidth, indices), [p, w]), droppedColumn: set.teacher.droppedColumn };
    } else {
      const k = set.teacher.k;
      const lse = set.teacher.logsumexp ? gatherRows(set.teacher.logsumexp, l, indices) : undefined;
      teacher = topKTeacherBatch(gatherRows(set.teacher.ids, l * k, indices), gatherRows(set.teacher.logits, l * k, indices), k, lse);
    }
    const hidden = set.teacherHidden;
    return {
      inputIds: tf.tensor2d(ids, [b, l], 'int32'),
      mask: tf.tensor2d(maskF, [b, l]),
      labels: rowLabels ? tf.tensor1d(rowLabels, 'int32') : undefined,
      weights: tf.tensor1d(hostWeights),
      tokenWeights: tf.tensor1d(tokenWeights),
      teacher,
      teacherHidden: hidden ? tf.tensor2d(gatherRows(hidden.data, l * hidden.size, indices), [b * l, hidden.size]) : undefined,
      tokenCount,
      hostWeights,
      hostLabelMask,
      indices: [...indices],
      validRows,
    };
  }

  return {
    /** A batch of exactly `batchSize` rows from `indices` (a short list is padded by repeating, rows masked out). */
    batchOf(indices: readonly number[], batchSize: number): Batch {
      const rows = indices.slice(0, batchSize);
      const valid = rows.length;
      for (let i = 0; rows.length < batchSize; i++) rows.push(indices[i % valid]);
      return make(rows, valid);
    },
  };
}

/** Endless seeded stream of training batches' indices: reshuffles every epoch, always `batchSize` long. */
export function createIndexStream(train: readonly number[], batchSize: number, seed: number) {
  const rng = createRng(seed ^ 0xba7c);
  let order: number[] = [];
  let cursor = 0;
  return {
    next(): number[] {
      const out: number[] = [];
      while (out.length < batchSize) {
        if (cursor >= order.length) {
          order = shuffleInPlace([...train], rng);
          cursor = 0;
        }
        out.push(order[cursor++]);
      }
      return out;
    },
    /** Position in the stream, for checkpoints. */
    getState(): IndexStreamState {
      return { order: [...order], cursor, rng: rng.getState() };
    },
    setState(state: IndexStreamState): void {
      order = [...state.order];
      cursor = state.cursor;
      rng.setState(state.rng);
    },
  };
}

export interface IndexStreamState {
  order: number[];
  cursor: number;
  rng: number;
}
