/**
 * The memory budget of a read: what reading a file will hold in memory at its peak, worked out from the
 * container's headers (dtypes, shapes, member sizes) before any tensor data is read, and refused up front
 * with 'too_large' when it exceeds the budget. See docs/format.md § Limits.
 *
 * Peak = every tensor's stored bytes (the readers keep them until the contract has converted them) + the
 * converted copy of each tensor the contract does not use as stored (f16 / bf16 / f64 → f32 doubles or
 * halves it, int64 → int32 halves it, masks → one byte each) + the default mask when the file has none
 * + the bookkeeping of each tensor read + what the container's own structures hold while they are read (the
 * parsed safetensors header, the zip directory: the reader passes it as `overheadBytes`).
 */
import { CONTRACT_DTYPES } from './distill_set.ts';
import { FormatError } from './errors.ts';
import { ITEM_BYTES, type DType } from './raw_tensor.ts';

/**
 * Bytes one tensor costs beyond its data: the RawTensor and shape objects, the typed-array view and its
 * ArrayBuffer, the map entry, the reader's plan (V8 on x64: a few hundred bytes; rounded up).
 */
export const TENSOR_BOOKKEEPING_BYTES = 1024;

/** Used where the environment says nothing about its memory (Node without an explicit budget, Firefox, Safari). */
export const DEFAULT_MEMORY_BUDGET_BYTES = 4 * 2 ** 30;

/** One tensor as its header describes it. */
export interface TensorPlan {
  name: string;
  dtype: DType;
  /** Elements (the product of the shape). */
  count: number;
  /** Bytes the reader holds for it; default count × item size (more when a reader must copy, e.g. to byte-swap). */
  storedBytes?: number;
}

export interface MemoryEstimate {
  /** Bytes of the tensors as read from the file. */
  storedBytes: number;
  /** Bytes of the decoded DistillSet (int32 ids, float32 floats, byte masks). */
  decodedBytes: number;
  /** Bytes held at the peak of the read: stored + converted copies + bookkeeping and the container's structures. */
  peakBytes: number;
}

/** Contract tensor name → the in-memory type it is converted to (contract.ts). */
const DECODED: Readonly<Record<string, DType>> = CONTRACT_DTYPES;

export function estimateMemory(plans: readonly TensorPlan[], overheadBytes = 0): MemoryEstimate {
  let stored = 0;
  let decoded = 0;
  let copies = 0;
  for (const p of plans) {
    const own = p.storedBytes ?? p.count * ITEM_BYTES[p.dtype];
    stored += own;
    const target = Object.hasOwn(DECODED, p.name) ? DECODED[p.name] : undefined;
    if (target === undefined) continue;
    const bytes = p.count * ITEM_BYTES[target];
    decoded += bytes;
    if (p.dtype !== target || p.name === 'attention_mask') copies += bytes; // the contract converts into a new array
  }
  const ids = plans.find((p) => p.name === 'input_ids');
  if (ids && !plans.some((p) => p.name === 'attention_mask')) {
    decoded += ids.count; // the default mask, input_ids != pad_id
    copies += ids.count;
  }
  return { storedBytes: stored, decodedBytes: decoded, peakBytes: stored + copies + plans.length * TENSOR_BOOKKEEPING_BYTES + overheadBytes };
}

/** The budget a read runs under: the caller's, else defaultMemoryBudgetBytes(). */
export function resolveBudget(budget: number | undefined): number {
  const b = budget ?? defaultMemoryBudgetBytes();
  if (!(b > 0)) throw new RangeError(`memoryBudgetBytes must be a positive number of bytes (or Infinity), got ${b}`);
  return b;
}

/**
 * The default budget where the environment tells: half of navigator.deviceMemory (Chrome, Edge; GiB, capped at
 * 8 by browsers), else Chrome's performance.memory.jsHeapSizeLimit, else DEFAULT_MEMORY_BUDGET_BYTES.
 * The CLI passes its own (a share of os.totalmem()).
 */
export function defaultMemoryBudgetBytes(): number {
  const nav = (globalThis as { navigator?: { deviceMemory?: unknown } }).navigator;
  if (typeof nav?.deviceMemory === 'number' && nav.deviceMemory > 0) return Math.floor((nav.deviceMemory * 2 ** 30) / 2);
  const perf = (globalThis as { performance?: { memory?: { jsHeapSizeLimit?: unknown } } }).performance;
  const limit = perf?.memory?.jsHeapSizeLimit;
  if (typeof limit === 'number' && limit > 0) return limit;
  return DEFAULT_MEMORY_BUDGET_BYTES;
}

/** Refuses with 'too_large' when the estimate's peak exceeds the budget. */
export function checkMemoryBudget(est: MemoryEstimate, budget: number): void {
  if (est.peakBytes <= budget) return;
  throw new FormatError('too_large', `the file needs about ${formatBytes(est.peakBytes)} in memory to read (the decoded set alone ${formatBytes(est.decodedBytes)}), more than the memory budget`, {
    expected: `≤ ${budget} bytes (${formatBytes(budget)})`,
    found: `${est.peakBytes} bytes`,
  });
}

/** A fresh byte buffer, or 'too_large' when the runtime cannot allocate it (instead of a RangeError). */
export function allocateBytes(length: number, what: string): Uint8Array<ArrayBuffer> {
  try {
    return new Uint8Array(length);
  } catch {
    throw new FormatError('too_large', `${what}: cannot allocate a buffer of ${formatBytes(length)}`, { tensor: what, expected: 'an allocation this runtime can make', found: `${length} bytes` });
  }
}

/** "1.5 GiB", "512 KiB", "12 B". */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let x = n;
  let u = 0;
  while (x >= 1024 && u < units.length - 1) {
    x /= 1024;
    u++;
  }
  return `${u === 0 ? x : x.toFixed(x < 10 ? 2 : 1)} ${units[u]}`;
}
