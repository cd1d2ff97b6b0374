/**
 * What the wasm backend's memory allows. tfjs-backend-wasm is wasm32: one heap of at most 4 GiB, grown on
 * demand. A step that needs more dies inside the module ("Aborted()" from a failed malloc, or "memory access
 * out of bounds"), which says nothing to a person; these helpers refuse such a step up front from its shape,
 * and turn the module's words into a reason when the estimate was short.
 *
 * Heap measured after two steps of the bench student (d128, 2 layers, `distill bench` recipe), in copies of
 * one float32 [B·L, V] logits tensor: top-k teacher 14–16 copies at V = 8k (activations weigh in) and 8 at
 * V = 32k; dense teacher 31 at V = 8k. Dense cells with 128 MiB of logits failed in the bench grid.
 */
import type { DistillConfig } from './config/config.ts';
import { stepLogitsFloats } from './train/compatibility.ts';
import type { DistillSet } from './types.ts';

/** Heap a step may plan on: the 4 GiB wasm32 limit less room for fragmentation and growth. */
export const WASM_HEAP_BUDGET_BYTES = 3.5 * 2 ** 30;

/** Live copies of the [B·L, V] logits a step holds on the wasm heap, by teacher kind (see the file comment). */
export const WASM_LOGITS_COPIES = Object.freeze({ topk: 8, dense: 32 });

/** Estimated wasm heap of one training step's vocabulary-sized tensors, in bytes. */
export function estimateWasmStepBytes(set: DistillSet, config: Readonly<Pick<DistillConfig, 'batch_size'>>): number {
  const copies = set.teacher.kind === 'dense' ? WASM_LOGITS_COPIES.dense : WASM_LOGITS_COPIES.topk;
  return copies * 4 * stepLogitsFloats(set, config);
}

/** Throws a reason when one step would not fit the wasm heap. */
export function checkWasmHeap(set: DistillSet, config: Readonly<Pick<DistillConfig, 'batch_size'>>): void {
  const bytes = estimateWasmStepBytes(set, config);
  if (bytes <= WASM_HEAP_BUDGET_BYTES) return;
  const gib = (b: number) => (b / 2 ** 30).toFixed(1);
  throw new Error(
    `on wasm one step would need about ${gib(bytes)} GiB (${set.teacher.kind} teacher: ~${set.teacher.kind === 'dense' ? WASM_LOGITS_COPIES.dense : WASM_LOGITS_COPIES.topk} ` +
      `copies of the batch's logits), more than the ${gib(WASM_HEAP_BUDGET_BYTES)} GiB a wasm heap can give: lower batch_size` +
      (set.teacher.kind === 'dense' ? ', or export a top-k teacher (4× less memory)' : '') + ', or use a GPU backend',
  );
}

const WASM_OOM = /Aborted\(|memory access out of bounds|Out of memory|Cannot enlarge memory|Array buffer allocation failed/i;

/**
 * An error that says what happened when the wasm module ran out of memory (its own message kept at the end);
 * any other error unchanged.
 */
export function explainWasmOutOfMemory(err: unknown, backendName: string): unknown {
  if (backendName !== 'wasm' || !(err instanceof Error) || !WASM_OOM.test(err.message)) return err;
  return new Error(
    `the wasm backend ran out of memory (its heap is capped at 4 GiB): lower batch_size or max_len, ` +
      `use a top-k teacher, or a GPU backend. The wasm module is unusable after this: reload to train on wasm again. (${err.message})`,
  );
}
