/**
 * What the wasm backend's memory allows. tfjs-backend-wasm is wasm32: one heap of at most 4 GiB, grown on
 * demand. A step that needs more dies inside the module ("Aborted()" from a failed malloc, or "memory access
 * out of bounds"), which says nothing to a person. The trainer refuses such a step up front from its shape
 * (memory/step_estimate.ts, whose budget on wasm is WASM_HEAP_BUDGET_BYTES); this turns the module's words into
 * a reason when the estimate was short.
 */
import type { TeacherOutput } from './types.ts';

const WASM_OOM = /Aborted\(|memory access out of bounds|Out of memory|Cannot enlarge memory|Array buffer allocation failed/i;

/**
 * An error that says what happened when the wasm module ran out of memory (its own message kept at the end);
 * any other error unchanged. A top-k teacher is suggested only to a set that has a dense one.
 */
export function explainWasmOutOfMemory(err: unknown, backendName: string, teacherKind: TeacherOutput['kind']): unknown {
  if (backendName !== 'wasm' || !(err instanceof Error) || !WASM_OOM.test(err.message)) return err;
  return new Error(
    `the wasm backend ran out of memory (its heap is capped at 4 GiB): lower batch_size or max_len, ` +
      `${teacherKind === 'dense' ? 'use a top-k teacher, ' : ''}or a GPU backend. The wasm module is unusable after this: reload to train on wasm again. (${err.message})`,
  );
}
