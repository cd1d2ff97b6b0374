/**
 * Element conversions the contract needs: half floats to float32, wide or narrow integers to int32 (range
 * checked), any integer or bool to a 0/1 mask. Each takes a RawTensor and the tensor's name for errors.
 */
import { FormatError } from './errors.ts';
import { FLOAT_DTYPES, INT_DTYPES, type RawTensor } from './raw_tensor.ts';

let f16Table: Float32Array | undefined;

/** IEEE 754 binary16 bit pattern → its exact value (subnormals, ±0, ±Inf, NaN included). */
export function f16BitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24; // ±0 and subnormals
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** float16 bit patterns → float32 values (exact: every f16 is representable in f32), via a 64K lookup table. */
export function f16ToF32(bits: Uint16Array): Float32Array {
  if (!f16Table) {
    f16Table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) f16Table[h] = f16BitsToNumber(h);
  }
  const table = f16Table;
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]];
  return out;
}

/** bfloat16 bit patterns → float32 values: bf16 is the top half of a float32, so this is a 16-bit shift. */
export function bf16ToF32(bits: Uint16Array): Float32Array {
  const out = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = bits[i] << 16;
  return new Float32Array(out.buffer);
}

/** Any float tensor → float32 (f64 rounds to nearest f32). Refuses non-float dtypes. */
export function toFloat32(t: RawTensor, name: string, allowed = 'f32|f16|bf16'): Float32Array {
  switch (t.dtype) {
    case 'f32': return t.data as Float32Array;
    case 'f16': return f16ToF32(t.data as Uint16Array);
    case 'bf16': return bf16ToF32(t.data as Uint16Array);
    case 'f64': return Float32Array.from(t.data as Float64Array);
    default:
      throw new FormatError('wrong_dtype', 'must be a float tensor', { tensor: name, expected: allowed, found: t.dtype });
  }
}

const I32_MIN = -(2 ** 31);
const I32_MAX = 2 ** 31 - 1;

/**
 * Any integer tensor → int32, failing with 'id_range' at the first element outside the int32 range.
 * int64 is checked without BigInt: a value fits iff its high word is the sign extension of its low word.
 */
export function toInt32(t: RawTensor, name: string, allowed = 'int32|int64'): Int32Array {
  const { dtype, data } = t;
  if (!INT_DTYPES.has(dtype)) {
    throw new FormatError('wrong_dtype', 'must be an integer tensor', { tensor: name, expected: allowed, found: dtype });
  }
  if (dtype === 'i32') return data as Int32Array;
  if (dtype === 'i64' || dtype === 'u64') {
    const src = data as BigInt64Array | BigUint64Array;
    const words = new Int32Array(src.buffer, src.byteOffset, src.length * 2); // little-endian [lo, hi] pairs
    const out = new Int32Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const lo = words[2 * i];
      const hi = words[2 * i + 1];
      const fits = dtype === 'i64' ? hi === lo >> 31 : hi === 0 && lo >= 0;
      if (!fits) throw outOfInt32(name, src[i].toString(), i);
      out[i] = lo;
    }
    return out;
  }
  const src = data as Uint32Array | Int16Array | Int8Array | Uint16Array | Uint8Array;
  if (dtype === 'u32') {
    for (let i = 0; i < src.length; i++) if (src[i] > I32_MAX) throw outOfInt32(name, String(src[i]), i);
  }
  return Int32Array.from(src);
}

function outOfInt32(name: string, value: string, index: number): FormatError {
  return new FormatError('id_range', 'value outside the int32 range', { tensor: name, expected: `[${I32_MIN}, ${I32_MAX}]`, found: value, index });
}

/** bool or integer 0/1 tensor → Uint8Array of 0/1; any other value fails with 'bad_value'. */
export function toMask(t: RawTensor, name: string): Uint8Array {
  if (t.dtype !== 'bool' && !INT_DTYPES.has(t.dtype)) {
    throw new FormatError('wrong_dtype', 'must be a bool or integer 0/1 tensor', { tensor: name, expected: 'bool|uint8|int32|int64', found: t.dtype });
  }
  const out = new Uint8Array(t.data.length);
  const src = t.data;
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (v === 1 || v === 1n) out[i] = 1;
    else if (!(v === 0 || v === 0n)) {
      throw new FormatError('bad_value', 'mask values must be 0 or 1', { tensor: name, expected: '0|1', found: String(v), index: i });
    }
  }
  return out;
}

export function isFloatTensor(t: RawTensor): boolean {
  return FLOAT_DTYPES.has(t.dtype);
}
