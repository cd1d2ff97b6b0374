/**
 * One estimate of everything a training step and the optimiser hold, from the set's shape and the config,
 * before any tensor exists: the trainer refuses a run that does not fit its backend (checkStepFits), the CLI
 * prints it, the page's size card shows it (describeStepEstimate / the StepEstimate fields). Written after the
 * step estimate of branch issue-14 (same names and structure), with the LM head counted as the chunked head
 * computes it (head/: no [B·L, V] logits) and AdamW as it now updates (one parameter at a time).
 *
 * Bytes at the peak of a step, float32 (P parameters, p_max the largest parameter, B batch, L positions, V
 * vocabulary or C classes, D width, F MLP width, H heads, N layers, C_h the head's chunk, K teacher top-k):
 *   weights + AdamW moments   12·P                                      (for the whole run)
 *   gradients + update        4·P + 16·p_max                            (every gradient, then AdamW's few temporaries
 *                                                                         of one parameter at a time)
 *   activations               4·N·(120·BLD + 32·BLF + 12·BHL²) + 4·24·BLD   (what the backward pass keeps)
 *   LM head                   4·(8·BL·(C_h + 1) + cache + BL·(2K + 16) + 2·V·D)      (head/chunks.ts)
 *                             cache: one [BL, V] copy while it fits HEAD_CACHE_FLOATS; dense teachers add 18 chunk
 *                             copies and their [BL, V] logits (a batch input); 2·V·D: the tied gradient's pieces
 *   teacher hidden (cosine)   4·8·BL·H_teacher
 * Classification heads are [B, C] logits, counted as 16 copies.
 */
import type { DistillConfig } from '../config/config.ts';
import { chunkRanges, DENSE_HEAD_CHUNK_FLOATS, HEAD_CACHE_FLOATS, HEAD_CHUNK_FLOATS } from '../head/plan.ts';
import { parameterShapes, studentParamCount, studentSpec } from '../model/spec.ts';
import { logitsRow } from '../train/compatibility.ts';
import type { DistillSet } from '../types.ts';

export const HELD_BYTES_PER_PARAM = 12;
/** AdamW's live temporaries of the parameter being updated, in copies of it (optim/adamw.ts). */
export const UPDATE_COPIES_OF_LARGEST = 4;
/** Floats the backward pass keeps per layer, per B·L·D, B·L·F and B·H·L² element; and outside the layers per B·L·D. */
export const ACTIVATION_FLOATS = Object.freeze({ perWidth: 120, perMlp: 32, perScore: 12, outsideLayersPerWidth: 24 });
/**
 * [P, C + 1] chunk tensors alive at once inside the chunked head: the backward pass of a chunk holds its logits,
 * the masked copy, their softmax, the two gradient parts, ds and dsᵀ. Measured with tf.profile on wasm and cpu:
 * 5.5 copies for the op alone, 7.5 in a training step at 3 chunks of [256, 65537] (step_estimate.test.ts).
 */
export const HEAD_CHUNK_COPIES = 8;
/**
 * A dense teacher's extra chunk copies: per chunk both log-probabilities, each divergence's terms and the softmax
 * gradient are elementwise temporaries of the chunk's shape (22 copies measured in a step at [256, 2049]).
 */
export const DENSE_TEACHER_CHUNK_COPIES = 18;
/** Extra copies of the tied weight's gradient while the head's backward pass assembles it (the chunks' pieces, their concat). */
export const TIED_GRADIENT_COPIES = 2;
/** Live copies of a classification step's [B, C] logits. */
export const CLASSIFIER_LOGITS_COPIES = 16;
/** Live copies of the batch's teacher hidden states (the cosine loss and its gradient). */
export const HIDDEN_COPIES = 8;

/** Heap a wasm step may plan on: the 4 GiB wasm32 limit less room for fragmentation and growth. */
export const WASM_HEAP_BUDGET_BYTES = 3.5 * 2 ** 30;
/** Budget of the other backends when the caller gives none (the page passes its own; the CLI a share of RAM). */
export const DEFAULT_TRAINING_BUDGET_BYTES = 4 * 2 ** 30;
/** Largest single tensor: browsers cap an ArrayBuffer near 2 GiB, and WebGPU buffers are capped lower still. */
export const MAX_TENSOR_BYTES = 2 * 2 ** 30;

/** What the estimate reads of a set: its shape, not its data. */
export type StepShape = Pick<DistillSet, 'task' | 'seqLen' | 'vocabSize' | 'numClasses'> & {
  teacher: Pick<DistillSet['teacher'], 'kind'> & { k?: number };
  teacherHidden?: Pick<NonNullable<DistillSet['teacherHidden']>, 'size'>;
  metadata?: Pick<DistillSet['metadata'], 'padId'>;
};

export interface StepEstimate {
  /** Trainable parameters: the student and the cosine loss's projection. */
  params: number;
  /** Of which the token embedding [V, D] (tied to the LM head). */
  embeddingParams: number;
  heldBytes: number;
  updateBytes: number;
  activationBytes: number;
  /** The LM head and the losses on it (chunked for token tasks). */
  headBytes: number;
  /** [positions per step, columns per chunk] of the head's chunks, and how many chunks cover the vocabulary. */
  headChunk: { rows: number; columns: number; chunks: number; cached: boolean };
  hiddenBytes: number;
  totalBytes: number;
  /** The biggest single tensor a step makes. */
  largest: { what: string; bytes: number };
}

export function estimateStep(set: StepShape, config: Readonly<DistillConfig>): StepEstimate {
  const spec = studentSpec(config, set.task, { vocabSize: set.vocabSize, numClasses: set.numClasses, padId: set.metadata?.padId });
  const projection = config.alpha_cos > 0 && set.teacherHidden && set.teacherHidden.size !== spec.dModel ? spec.dModel * set.teacherHidden.size : 0;
  const params = studentParamCount(spec) + projection;
  const largestParam = Math.max(projection, ...parameterShapes(spec).map(([, shape]) => shape.reduce((a, b) => a * b, 1)));
  const embeddingParams = set.vocabSize * spec.dModel;
  const b = config.batch_size;
  const tokens = b * set.seqLen; // B·L
  const f = ACTIVATION_FLOATS;
  const perLayer = f.perWidth * tokens * spec.dModel + f.perMlp * tokens * spec.dFf + f.perScore * b * spec.nHeads * set.seqLen ** 2;
  const activationBytes = 4 * (spec.nLayers * perLayer + f.outsideLayersPerWidth * tokens * spec.dModel);
  const { positions, width } = logitsRow(set);
  const rows = b * positions;
  const chunks = chunkRanges(rows, width, set.teacher.kind === 'dense' ? DENSE_HEAD_CHUNK_FLOATS : HEAD_CHUNK_FLOATS);
  const columns = chunks[0]?.size ?? width;
  const cached = rows * (width + chunks.length) <= HEAD_CACHE_FLOATS;
  let headFloats: number;
  if (set.task === 'classification') headFloats = CLASSIFIER_LOGITS_COPIES * rows * width;
  else {
    const dense = set.teacher.kind === 'dense';
    const chunkCopies = HEAD_CHUNK_COPIES + (dense ? DENSE_TEACHER_CHUNK_COPIES : 0);
    const k = set.teacher.k ?? 0;
    headFloats = chunkCopies * rows * (columns + 1) + (cached ? rows * (width + chunks.length) : 0) + rows * (2 * k + 16) + (dense ? rows * width : 0) +
      TIED_GRADIENT_COPIES * width * spec.dModel;
  }
  const headBytes = 4 * headFloats;
  const hiddenBytes = config.alpha_cos > 0 && set.teacherHidden ? 4 * HIDDEN_COPIES * tokens * set.teacherHidden.size : 0;
  const heldBytes = HELD_BYTES_PER_PARAM * params;
  const updateBytes = 4 * params + 4 * UPDATE_COPIES_OF_LARGEST * largestParam;
  const chunkBytes = 4 * rows * (columns + 1);
  const embeddingBytes = 4 * embeddingParams;
  const largest = chunkBytes >= embeddingBytes
    ? { what: `a head chunk [${rows}, ${columns + 1}]`, bytes: chunkBytes }
    : { what: `the embedding [${set.vocabSize}, ${spec.dModel}]`, bytes: embeddingBytes };
  return {
    params,
    embeddingParams,
    heldBytes,
    updateBytes,
    activationBytes,
    headBytes,
    headChunk: { rows, columns, chunks: chunks.length, cached },
    hiddenBytes,
    totalBytes: heldBytes + updateBytes + activationBytes + headBytes + hiddenBytes,
    largest,
  };
}

/** The budget a backend trains under: wasm's heap, else the caller's number (default 4 GiB). */
export function trainingBudget(backend: string, budgetBytes?: number): { bytes: number; what: string } {
  if (backend === 'wasm') {
    const bytes = Math.min(WASM_HEAP_BUDGET_BYTES, budgetBytes ?? Infinity);
    return { bytes, what: bytes === WASM_HEAP_BUDGET_BYTES ? `the ${gib(bytes)} a wasm heap can give` : `the ${gib(bytes)} memory budget` };
  }
  const bytes = budgetBytes ?? DEFAULT_TRAINING_BUDGET_BYTES;
  return { bytes, what: `the ${gib(bytes)} memory budget of ${backend}` };
}

/** "about 1.9 GiB: weights and AdamW moments 390 MiB, gradients and update 640 MiB, …; 32,548,866 parameters" */
export function describeStepEstimate(e: StepEstimate): string {
  const c = e.headChunk;
  const parts = [
    `weights and AdamW moments ${gib(e.heldBytes)}`,
    `gradients and update ${gib(e.updateBytes)}`,
    `activations ${gib(e.activationBytes)}`,
    `LM head ${gib(e.headBytes)} (${c.chunks} chunk${c.chunks === 1 ? '' : 's'} of [${c.rows}, ${c.columns}]${c.cached ? ', kept for the backward pass' : ''})`,
  ];
  if (e.hiddenBytes > 0) parts.push(`teacher hidden states ${gib(e.hiddenBytes)}`);
  return `about ${gib(e.totalBytes)} (${Math.round(e.totalBytes)} bytes): ${parts.join(', ')}; ${e.params.toLocaleString('en-US')} parameters`;
}

/**
 * Throws, naming the numbers and what to change, when one step would not fit `backend`'s budget or makes a
 * tensor bigger than MAX_TENSOR_BYTES; returns the estimate otherwise.
 */
export function checkStepFits(set: StepShape, config: Readonly<DistillConfig>, backend: string, budgetBytes?: number): StepEstimate {
  const e = estimateStep(set, config);
  const budget = trainingBudget(backend, budgetBytes);
  if (e.largest.bytes > MAX_TENSOR_BYTES) {
    throw new Error(`one step would make ${e.largest.what} of ${gib(e.largest.bytes)}, more than the ${gib(MAX_TENSOR_BYTES)} one tensor may take: ${advice(set, config, e, backend, 'params')}`);
  }
  if (e.totalBytes <= budget.bytes) return e;
  throw new Error(`one step needs ${describeStepEstimate(e)}, more than ${budget.what}: ${advice(set, config, e, backend, dominant(e))}`);
}

type Part = 'params' | 'activations' | 'head';

function dominant(e: StepEstimate): Part {
  const byPart: [Part, number][] = [['params', e.heldBytes + e.updateBytes], ['activations', e.activationBytes + e.hiddenBytes], ['head', e.headBytes]];
  return byPart.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
}

/** What to change, for the part that dominates; never a top-k teacher to a set that already has one. */
function advice(set: StepShape, config: Readonly<DistillConfig>, e: StepEstimate, backend: string, part: Part): string {
  const tips: string[] = [];
  if (part === 'params') {
    if (e.embeddingParams > e.params / 2) {
      const trim = config.trim_vocab === false ? 'set trim_vocab to auto or true (the student keeps only the ids the set uses), ' : '';
      tips.push(`the ${set.vocabSize.toLocaleString('en-US')}-token vocabulary makes the embedding ${e.embeddingParams.toLocaleString('en-US')} of the ${e.params.toLocaleString('en-US')} parameters: ${trim}lower d_model (now ${config.d_model}), or export the set with a smaller vocabulary`);
    } else {
      tips.push(`lower d_model (now ${config.d_model}), n_layers (${config.n_layers}) or d_ff (${config.d_ff})`);
    }
  } else if (part === 'activations') {
    tips.push(`lower batch_size (now ${config.batch_size}), n_layers (${config.n_layers}) or d_model (${config.d_model})`);
  } else {
    tips.push(`the head grows with batch_size × positions: lower batch_size (now ${config.batch_size})`);
    if (set.teacher.kind === 'dense' && set.task !== 'classification') tips.push('export a top-k teacher (its logits are [B·L, K], not [B·L, V])');
  }
  if (backend === 'wasm') tips.push('or train on a backend with more memory (webgpu, or cpu in the CLI)');
  return tips.join('; ');
}

function gib(bytes: number): string {
  if (bytes < 2 ** 30) return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  return `${(bytes / 2 ** 30).toFixed(bytes < 10 * 2 ** 30 ? 2 : 1)} GiB`;
}
