/**
 * The LM head as the losses see it, and the vocabulary chunks they walk through.
 *
 * A head is either the student's last features with the tied output weights (token tasks: logits = X·Eᵀ + b,
 * never materialised as one [P, V] tensor) or logits that are already small (classification: [B, C]). The
 * chunked ops (gathered.ts, dense.ts) ask for one chunk of logits at a time, [P, C] with C ≤ V, and hand the
 * gradient with respect to that chunk back to `chunkedHeadOp`, which turns it into the gradients of the head's
 * inputs (dX, dE, db) — so the step holds O(P·C) of vocabulary-sized memory, not O(P·V).
 *
 * Every chunk carries one extra column (index C) whose logit is −BIG: the ops use it as a harmless target for
 * scatter writes of ids outside the chunk (tensorScatterUpdate needs one index per entry), and it contributes
 * exp(−BIG) = 0 to every sum. For a linear head it comes out of the same matmul (a zero weight row and a −BIG
 * bias), so it costs no pass of its own.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradSaveFunc, Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { concatChunked } from '../ops/chunked.ts';
import { columnSums } from '../ops/column_sums.ts';
import { prefersExplicitTranspose } from '../ops/matmul.ts';
import { sliceColumns } from '../ops/slice_columns.ts';
import { transpose2d } from '../ops/transpose_2d.ts';

export { BIG, DENSE_HEAD_CHUNK_FLOATS, HEAD_CACHE_FLOATS, HEAD_CHUNK_FLOATS, chunkRanges, type ChunkRange } from './plan.ts';
import { BIG, chunkRanges, type ChunkRange } from './plan.ts';

export type HeadInput =
  | {
      kind: 'linear';
      features: Tensor2D; // [P, D], the head's input (after the architecture's transform)
      weight: Tensor2D; // [V, D], tied to the word embeddings
      bias?: Tensor1D; // [V]
    }
  | { kind: 'logits'; logits: Tensor2D /* [P, V] */ };

export interface HeadOptions {
  /** Floats per [P, C] chunk (tests use tiny chunks to exercise the multi-chunk paths). */
  chunkFloats?: number;
  /** Floats of forward results a chunked op may keep for its backward pass. */
  cacheFloats?: number;
}

export function headRows(head: HeadInput): number {
  return head.kind === 'linear' ? head.features.shape[0] : head.logits.shape[0];
}

export function headWidth(head: HeadInput): number {
  return head.kind === 'linear' ? head.weight.shape[0] : head.logits.shape[1];
}

/** Computes one chunk's extended logits [P, C + 1] (column C = −BIG) from the op's saved head tensors. */
export type ChunkLogits = (c: ChunkRange) => Tensor2D;

export interface ChunkedForward {
  /** The op's single output (several results are packed as columns). */
  value: Tensor;
  /** Tensors the backward pass reads (tfjs keeps clones of them until the gradient is computed). */
  saved: Tensor[];
  /** Tensors the forward pass tf.keep()'d out of its chunk scopes: disposed once `saved` has been taken. */
  owned?: Tensor[];
}

/**
 * Wraps a chunked statistic of the head with a written-out gradient.
 * `forward(logitsOf, chunks)` computes the value; `dLogits(dy, saved, logitsOf, chunk)` returns ∂L/∂(extended
 * chunk logits) [P, C + 1] (its last column is ignored). Called inside tf.tidy; each chunk's temporaries are
 * freed before the next chunk starts.
 */
export function chunkedHeadOp(
  head: HeadInput,
  options: HeadOptions,
  forward: (logitsOf: ChunkLogits, chunks: ChunkRange[]) => ChunkedForward,
  dLogits: (dy: Tensor, saved: Tensor[], logitsOf: ChunkLogits, c: ChunkRange) => Tensor2D,
): Tensor {
  const chunks = chunkRanges(headRows(head), headWidth(head), options.chunkFloats);
  if (head.kind === 'logits') {
    const op = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
      const [logits, save] = args as [Tensor2D, GradSaveFunc];
      const { value, saved, owned } = forward((c) => extendedSlice(logits, c), chunks);
      save([logits, ...saved]);
      tf.dispose(owned ?? []);
      return {
        value,
        gradFunc: (dy: Tensor | Tensor[], all: Tensor[]) => {
          const logitsOf = (c: ChunkRange) => extendedSlice(all[0] as Tensor2D, c);
          const parts = chunks.map((c) => tf.tidy(() => dropLastColumn(dLogits(dy as Tensor, all.slice(1), logitsOf, c))));
          const grad = concatChunked(parts, 1);
          tf.dispose(parts);
          return grad;
        },
      };
    });
    return op(head.logits);
  }
  const hasBias = head.bias !== undefined;
  const op = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const save = args[args.length - 1] as GradSaveFunc;
    const [x, w] = args as [Tensor2D, Tensor2D];
    const b = hasBias ? (args[2] as Tensor1D) : undefined;
    const { value, saved, owned } = forward((c) => linearChunk(x, w, b, c), chunks);
    save([x, w, ...(b ? [b] : []), ...saved]);
    tf.dispose(owned ?? []);
    return {
      value,
      gradFunc: (dy: Tensor | Tensor[], all: Tensor[]) => {
        const n = hasBias ? 3 : 2;
        const [sx, sw] = all as [Tensor2D, Tensor2D];
        const sb = hasBias ? (all[2] as Tensor1D) : undefined;
        const logitsOf = (c: ChunkRange) => linearChunk(sx, sw, sb, c);
        let dx: Tensor2D = tf.zerosLike(sx);
        const dws: Tensor2D[] = [];
        const dbs: Tensor1D[] = [];
        for (const c of chunks) {
          const [nextDx, dw, db] = tf.tidy(() => {
            const ds = dLogits(dy as Tensor, all.slice(n), logitsOf, c); // [P, C + 1]
            const wExt = extendedWeight(sw, c); // [C + 1, D], last row 0
            const grads = linearChunkGrads(ds, sx, wExt);
            return [tf.add(dx, grads.dx), grads.dw.slice([0, 0], [c.size, -1]), grads.db.slice([0], [c.size])] as [Tensor2D, Tensor2D, Tensor1D];
          });
          dx.dispose();
          dx = nextDx;
          dws.push(dw);
          dbs.push(db);
        }
        const dw = concatChunked(dws, 0);
        const db = concatChunked(dbs, 0);
        tf.dispose([...dws, ...dbs]);
        if (!hasBias) db.dispose();
        return hasBias ? [dx, dw, db] : [dx, dw];
      },
    };
  });
  return hasBias ? op(head.features, head.weight, head.bias as Tensor1D) : op(head.features, head.weight);
}

/** Columns [start, start + C) of a [P, V] tensor with a −BIG column appended → [P, C + 1]. */
export function extendedSlice(logits: Tensor2D, c: ChunkRange): Tensor2D {
  return sliceColumns(logits, c.start, c.size, -BIG);
}

function dropLastColumn(x: Tensor2D): Tensor2D {
  return sliceColumns(x, 0, x.shape[1] - 1);
}

/** Rows [start, start + C) of the weight plus a zero row: [C + 1, D]. */
function extendedWeight(w: Tensor2D, c: ChunkRange): Tensor2D {
  const d = w.shape[1];
  const rows = c.start === 0 && c.size === w.shape[0] ? w : tf.slice(w, [c.start, 0], [c.size, d]);
  return tf.concat2d([rows, tf.zeros([1, d])], 0);
}

/** X·E_cᵀ + b_c with the extra −BIG column, in one matmul ([P, D] × [D, C + 1]). */
function linearChunk(x: Tensor2D, w: Tensor2D, b: Tensor1D | undefined, c: ChunkRange): Tensor2D {
  const wExt = extendedWeight(w, c);
  const bPart: Tensor1D = b ? (c.start === 0 && c.size === b.shape[0] ? b : tf.slice(b, [c.start], [c.size])) : tf.zeros([c.size]);
  const bExt = tf.concat1d([bPart, tf.fill([1], -BIG)]);
  // wasm without the GEMM patch: XNNPACK serves only untransposed operands (a flag falls onto a ~10× slower loop)
  if (prefersExplicitTranspose()) return tf.fused.matMul({ a: x, b: transpose2d(wExt), bias: bExt }) as Tensor2D;
  return tf.fused.matMul({ a: x, b: wExt, transposeB: true, bias: bExt }) as Tensor2D;
}

/**
 * Gradients of logits = X·Wᵀ + b for one chunk: dX = ds·W, dW = dsᵀ·X, db = Σ_rows ds. On wasm with the GEMM
 * patch ds is a transposed operand as it is and db one pass down its rows (ops/column_sums.ts); without it
 * dsᵀ is formed once and serves both dW (untransposed operands) and db (a last-axis sum).
 */
function linearChunkGrads(ds: Tensor2D, x: Tensor2D, w: Tensor2D): { dx: Tensor2D; dw: Tensor2D; db: Tensor1D } {
  const dx: Tensor2D = tf.matMul(ds, w);
  if (prefersExplicitTranspose()) {
    const dsT = transpose2d(ds); // [C + 1, P]
    return { dx, dw: tf.matMul(dsT, x) as Tensor2D, db: tf.sum(dsT, 1) as Tensor1D };
  }
  return { dx, dw: tf.matMul(ds, x, true, false) as Tensor2D, db: columnSums(ds) };
}

/** Runs `step` for every chunk, threading an accumulator; each step's temporaries are freed before the next. */
export function foldChunks<A extends Tensor[]>(chunks: readonly ChunkRange[], init: A, step: (acc: A, c: ChunkRange) => A): A {
  let acc = init;
  for (const c of chunks) {
    const next = tf.tidy(() => step(acc, c));
    tf.dispose(acc.filter((t) => !next.includes(t)));
    acc = next;
  }
  return acc;
}
