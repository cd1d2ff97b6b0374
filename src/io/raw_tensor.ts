/**
 * Container-neutral tensors: what each reader (safetensors, npz, jsonl) returns before the contract
 * (contract.ts) checks names, dtypes and shapes and builds a DistillSet.
 */

/** Element types the readers decode. f16 / bf16 keep their raw 16-bit patterns (converted in dtype_convert.ts). */
export type DType = 'f64' | 'f32' | 'f16' | 'bf16' | 'i64' | 'i32' | 'i16' | 'i8' | 'u64' | 'u32' | 'u16' | 'u8' | 'bool';

/** Storage per dtype: i64/u64 as BigInt arrays, f16/bf16 as raw Uint16 bit patterns, bool as 0/1 bytes. */
export interface DTypeArrays {
  f64: Float64Array;
  f32: Float32Array;
  f16: Uint16Array;
  bf16: Uint16Array;
  i64: BigInt64Array;
  i32: Int32Array;
  i16: Int16Array;
  i8: Int8Array;
  u64: BigUint64Array;
  u32: Uint32Array;
  u16: Uint16Array;
  u8: Uint8Array;
  bool: Uint8Array;
}

export type TypedArray = DTypeArrays[DType];

export interface RawTensor {
  dtype: DType;
  /** Row-major shape; [] for a scalar. */
  shape: number[];
  /** Elements in row-major order, typed per `dtype` (see DTypeArrays). */
  data: TypedArray;
  /**
   * Largest relative rounding error of the values when `dtype` does not tell it: jsonl numbers are text, written
   * from whatever precision the exporter had (the contract's logsumexp check then allows the loosest, bf16's).
   */
  roundingError?: number;
}

/** A decoded file: tensors by name plus the metadata map (string values for safetensors, any JSON for npz/jsonl). */
export interface TensorFile {
  tensors: Map<string, RawTensor>;
  metadata: Record<string, unknown>;
  /** Tensors the file has but the read skipped (ReadOptions.only), for messages that list what a file holds. */
  skipped?: string[];
}

/**
 * Most tensors one file may hold (safetensors entries, npz members): real checkpoints stay far below it, and a
 * reader's time and bookkeeping grow with it (a 73 MB header of empty tensors once held 1.3 GB).
 */
export const MAX_TENSORS = 4096;

export const ITEM_BYTES: Readonly<Record<DType, number>> = {
  f64: 8, f32: 4, f16: 2, bf16: 2, i64: 8, i32: 4, i16: 2, i8: 1, u64: 8, u32: 4, u16: 2, u8: 1, bool: 1,
};

export const FLOAT_DTYPES: ReadonlySet<DType> = new Set(['f64', 'f32', 'f16', 'bf16']);
export const INT_DTYPES: ReadonlySet<DType> = new Set(['i64', 'i32', 'i16', 'i8', 'u64', 'u32', 'u16', 'u8']);

/** Product of a shape's dimensions (1 for a scalar); NaN if any dimension is not a safe non-negative integer. */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) return NaN;
    n *= d;
  }
  return Number.isSafeInteger(n) ? n : NaN;
}

/**
 * Views `bytes` (little-endian, exactly count × itemsize long) as the typed array of `dtype`.
 * Copies only when the bytes are not aligned to the item size inside their buffer.
 */
export function viewAs(dtype: DType, bytes: Uint8Array): TypedArray {
  const size = ITEM_BYTES[dtype];
  const aligned = bytes.byteOffset % size === 0 ? bytes : bytes.slice();
  const { buffer, byteOffset } = aligned;
  const n = aligned.byteLength / size;
  switch (dtype) {
    case 'f64': return new Float64Array(buffer, byteOffset, n);
    case 'f32': return new Float32Array(buffer, byteOffset, n);
    case 'f16':
    case 'bf16':
    case 'u16': return new Uint16Array(buffer, byteOffset, n);
    case 'i64': return new BigInt64Array(buffer, byteOffset, n);
    case 'u64': return new BigUint64Array(buffer, byteOffset, n);
    case 'i32': return new Int32Array(buffer, byteOffset, n);
    case 'u32': return new Uint32Array(buffer, byteOffset, n);
    case 'i16': return new Int16Array(buffer, byteOffset, n);
    case 'i8': return new Int8Array(buffer, byteOffset, n);
    case 'u8':
    case 'bool': return new Uint8Array(buffer, byteOffset, n);
  }
}
