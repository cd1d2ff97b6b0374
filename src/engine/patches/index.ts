/**
 * Every workaround that reaches into tfjs (4.22) — replaced or added kernels, private members, the text of its
 * scripts — lives in this folder and is installed by one explicit call at start-up, never on import:
 *
 *   installPatches()   the CLI (main.ts), the training worker, the engine test setup, the bench peers
 *
 * It checks the tfjs version first (version.ts: a different one stops with what to re-check), then registers:
 *
 * | patch                   | upstream gap (tfjs 4.22, wasm backend)                            | file                         |
 * |-------------------------|-------------------------------------------------------------------|------------------------------|
 * | unsorted-segment-sum    | no UnsortedSegmentSum: tf.gather's gradient (embeddings) fails    | wasm_unsorted_segment_sum.ts |
 * | shared-identity         | Identity copies; every tensor a gradient saves is cloned          | wasm_shared_identity.ts      |
 * | take-rows               | GatherV2 of embedding rows is a general strided gather            | wasm_take_rows.ts            |
 * | transpose-2d            | Transpose does one strided read per element                       | wasm_transpose_2d.ts         |
 * | slice-columns           | Slice of a column range walks it element by element in JS         | wasm_slice_columns.ts        |
 * | gemm                    | XNNPACK's GEMM is slow here; batched or transposed products are a | wasm_gemm.ts, gemm/          |
 * |                         | scalar loop (XNNPACK only for batch 1, untransposed)              |                              |
 *
 * Two more read tfjs internals without installing anything: tape.ts (the gradient tape being recorded, for
 * ops/log_softmax.ts's cache), and the wasm thread pool set-ups that their platform's entry installs before
 * the backend starts — browser_wasm_threads.ts (the worker, the bench page: the pthread Blob and the core
 * count) and node_wasm_threads.ts (Node, opt-in: the threads flag, blob: workers, the core count). Each file
 * has a test beside it that says whether upstream still needs it.
 */
import { registerWasmGemm } from './wasm_gemm.ts';
import { registerWasmSharedIdentity } from './wasm_shared_identity.ts';
import { registerWasmSliceColumns } from './wasm_slice_columns.ts';
import { registerWasmTakeRows } from './wasm_take_rows.ts';
import { registerWasmTranspose2D } from './wasm_transpose_2d.ts';
import { registerWasmUnsortedSegmentSum } from './wasm_unsorted_segment_sum.ts';
import { checkTfjsVersion, type TfjsVersions } from './version.ts';

export { checkTfjsVersion, PATCHED_TFJS_VERSION, TfjsVersionError, tfjsVersions, type TfjsVersions } from './version.ts';

/** The patches installPatches() registers, by name. */
export const PATCHES = Object.freeze({
  'unsorted-segment-sum': registerWasmUnsortedSegmentSum,
  'shared-identity': registerWasmSharedIdentity,
  'take-rows': registerWasmTakeRows,
  'transpose-2d': registerWasmTranspose2D,
  'slice-columns': registerWasmSliceColumns,
  gemm: registerWasmGemm,
});
export type PatchName = keyof typeof PATCHES;

const installed = new Set<PatchName>();

export interface PatchOptions {
  /** Only these patches (the bench's nanogpt peer takes the missing kernel, not our speed-ups). Default: all. */
  only?: readonly PatchName[];
  /** The versions to check (tests); default: the running tfjs. */
  versions?: TfjsVersions;
}

/** Checks the tfjs version, then registers the patches (idempotent). Call once at start-up, before training. */
export function installPatches(options: PatchOptions = {}): void {
  checkTfjsVersion(options.versions);
  const names = options.only ?? (Object.keys(PATCHES) as PatchName[]);
  for (const name of names) {
    PATCHES[name]();
    installed.add(name);
  }
}

/** Whether installPatches() registered patch `name`. */
export function patchInstalled(name: PatchName): boolean {
  return installed.has(name);
}

/** Throws, naming the missing call, when an op that needs patch `name` runs before installPatches(). */
export function requirePatch(name: PatchName): void {
  if (!installed.has(name)) {
    throw new Error(`the tfjs patch "${name}" is not installed: call installPatches() (src/engine/patches) at start-up`);
  }
}
