/**
 * One estimate of everything a training step and the optimiser hold, worked out from the set's shape and the
 * config before any tensor is allocated. The trainer refuses a run that does not fit its backend's budget
 * (checkStepFits); the CLI prints the estimate (describeStepEstimate). Parameter counts come from the model's
 * own spec (parameterShapes / studentParamCount), so the estimate follows the architecture.
 *
 * Bytes held at the peak of a step, float32 throughout (P parameters, B batch, L positions, V vocabulary or C
 * classes, D width, F MLP width, H heads, N layers):
 *   weights + AdamW moments      12·P                      (for the whole run)
 *   update                       80·P                      gradients, their squares and clipped copies, and
 *                                                          AdamW's temporaries, all alive until the step's tidy ends
 *   activations                  4·N·(120·BLD + 32·BLF + 12·BHL²) + 4·24·BLD   (what the backward pass keeps)
 *   logits                       4·copies·B·L·V            (B·C for classification): copies 10 top-k, 32 dense
 *   teacher hidden (cosine loss) 4·8·B·L·H_teacher
 * Factors measured with tf.profile's peakBytes on cpu and wasm (step_estimate.test.ts checks the estimate
 * bounds the measured peak on every backend): a parameter-bound step (V = 20k) peaked at 77 B per parameter
 * beyond the 12 held; activations per layer 114·BLD + 28·BLF + 9·BHL² floats; logits 9.1 copies (top-k) and
 * 26.5 (dense) on cpu, 8.0 / 24.6 on wasm. Each is rounded up.
 */
import type { DistillConfig } from '../config/config.ts';
import { studentParamCount, studentSpec } from '../model/spec.ts';
import { logitsRow } from '../train/compatibility.ts';
import type { DistillSet } from '../types.ts';

export const HELD_BYTES_PER_PARAM = 12;
export const UPDATE_BYTES_PER_PARAM = 80;
/** Floats the backward pass keeps per layer, per B·L·D, B·L·F and B·H·L² element; and outside the layers per B·L·D. */
export const ACTIVATION_FLOATS = Object.freeze({ perWidth: 120, perMlp: 32, perScore: 12, outsideLayersPerWidth: 24 });
/** Live float32 copies of the step's [B·L, V] logits, by teacher kind. */
export const LOGITS_COPIES = Object.freeze({ topk: 10, dense: 32 });
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
  teacher: Pick<DistillSet['teacher'], 'kind'>;
  teacherHidden?: Pick<NonNullable<DistillSet['teacherHidden']>, 'size'>;
};

export interface StepEstimate {
  /** Trainable parameters: the student and the cosine loss's projection. */
  params: number;
  /** Of which the token embedding [V, D] (tied to the LM head). */
  embeddingParams: number;
  heldBytes: number;
  updateBytes: number;
  activationBytes: number;
  logitsBytes: number;
  logitsCopies: number;
  /** [positions per step, width] of one logits tensor. */
  logitsShape: [number, number];
  hiddenBytes: number;
  totalBytes: number;
  /** The biggest single tensor a step makes. */
  largest: { what: string; bytes: number };
}

export function estimateStep(set: StepShape, config: Readonly<DistillConfig>): StepEstimate {
  const spec = studentSpec(config, set.task, { vocabSize: set.vocabSize, numClasses: set.numClasses });
  const projection = config.alpha_cos > 0 && set.teacherHidden && set.teacherHidden.size !== spec.dModel ? spec.dModel * set.teacherHidden.size : 0;
  const params = studentParamCount(spec) + projection;
  const embeddingParams = set.vocabSize * spec.dModel;
  const b = config.batch_size;
  const tokens = b * set.seqLen; // B·L
  const f = ACTIVATION_FLOATS;
  const perLayer = f.perWidth * tokens * spec.dModel + f.perMlp * tokens * spec.dFf + f.perScore * b * spec.nHeads * set.seqLen ** 2;
  const activationBytes = 4 * (spec.nLayers * perLayer + f.outsideLayersPerWidth * tokens * spec.dModel);
  const { positions, width } = logitsRow(set);
  const logitsShape: [number, number] = [b * positions, width];
  const logitsCopies = set.teacher.kind === 'dense' ? LOGITS_COPIES.dense : LOGITS_COPIES.topk;
  const oneLogits = 4 * logitsShape[0] * logitsShape[1];
  const hiddenBytes = config.alpha_cos > 0 && set.teacherHidden ? 4 * HIDDEN_COPIES * tokens * set.teacherHidden.size : 0;
  const heldBytes = HELD_BYTES_PER_PARAM * params;
  const updateBytes = UPDATE_BYTES_PER_PARAM * params;
  const logitsBytes = logitsCopies * oneLogits;
  const embeddingBytes = 4 * embeddingParams;
  const largest = oneLogits >= embeddingBytes
    ? { what: `the logits [${logitsShape.join(', ')}]`, bytes: oneLogits }
    : { what: `the embedding [${set.vocabSize}, ${spec.dModel}]`, bytes: embeddingBytes };
  return {
    params,
    embeddingParams,
    heldBytes,
    updateBytes,
    activationBytes,
    logitsBytes,
    logitsCopies,
    logitsShape,
    hiddenBytes,
    totalBytes: heldBytes + updateBytes + activationBytes + logitsBytes + hiddenBytes,
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

/** "about 14.2 GiB (15250000000 bytes): weights and AdamW moments 3.4 GiB, update 23 GiB, …" */
export function describeStepEstimate(e: StepEstimate): string {
  const parts = [
    `weights and AdamW moments ${gib(e.heldBytes)}`,
    `gradients and update ${gib(e.updateBytes)}`,
    `activations ${gib(e.activationBytes)}`,
    `logits ${gib(e.logitsBytes)} (${e.logitsCopies} copies of [${e.logitsShape.join(', ')}])`,
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
    const part = e.largest.what.startsWith('the logits') ? 'logits' : 'params';
    throw new Error(`one step would make ${e.largest.what} of ${gib(e.largest.bytes)}, more than the ${gib(MAX_TENSOR_BYTES)} one tensor may take: ${advice(set, config, e, backend, part)}`);
  }
  if (e.totalBytes <= budget.bytes) return e;
  throw new Error(`one step needs ${describeStepEstimate(e)}, more than ${budget.what}: ${advice(set, config, e, backend, dominant(e))}`);
}

type Part = 'params' | 'activations' | 'logits';

function dominant(e: StepEstimate): Part {
  const byPart: [Part, number][] = [['params', e.heldBytes + e.updateBytes], ['activations', e.activationBytes + e.hiddenBytes], ['logits', e.logitsBytes]];
  return byPart.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
}

/** What to change, for the part that dominates; never a top-k teacher to a set that already has one. */
function advice(set: StepShape, config: Readonly<DistillConfig>, e: StepEstimate, backend: string, part: Part): string {
  const tips: string[] = [];
  if (part === 'params') {
    if (e.embeddingParams > e.params / 2) {
      tips.push(`the ${set.vocabSize.toLocaleString('en-US')}-token vocabulary makes the embedding ${e.embeddingParams.toLocaleString('en-US')} of the ${e.params.toLocaleString('en-US')} parameters: lower d_model (now ${config.d_model}), or export the set with a smaller vocabulary (its vocab_size)`);
    } else {
      tips.push(`lower d_model (now ${config.d_model}), n_layers (${config.n_layers}) or d_ff (${config.d_ff})`);
    }
  } else if (part === 'activations') {
    tips.push(`lower batch_size (now ${config.batch_size}), n_layers (${config.n_layers}) or d_model (${config.d_model})`);
  } else {
    const what = set.task === 'classification' ? 'classes' : `${set.vocabSize.toLocaleString('en-US')}-token vocabulary`;
    tips.push(`the logits grow with batch_size × positions × the ${what}: lower batch_size (now ${config.batch_size})`);
    if (set.teacher.kind === 'dense' && set.task !== 'classification') tips.push(`export a top-k teacher (${LOGITS_COPIES.topk} copies instead of ${LOGITS_COPIES.dense})`);
  }
  if (backend === 'wasm') tips.push('or train on a backend with more memory (webgpu, or cpu in the CLI)');
  return tips.join('; ');
}

function gib(bytes: number): string {
  if (bytes < 2 ** 30) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${(bytes / 2 ** 30).toFixed(bytes < 10 * 2 ** 30 ? 2 : 1)} GiB`;
}
