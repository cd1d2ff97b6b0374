import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bf16ToF32, f16BitsToNumber, f16ToF32, toFloat32, toInt32, toMask } from './dtype_convert.ts';
import { FormatError } from './errors.ts';
import { tensor } from './test_helpers.ts';

describe('f16ToF32', () => {
  it('decodes normal values exactly', () => {
    const bits = Uint16Array.from([0x3c00, 0xc000, 0x3555, 0x7bff, 0x0400, 0x3800]);
    expect(Array.from(f16ToF32(bits))).toEqual([1, -2, 0.333251953125, 65504, 2 ** -14, 0.5]);
  });
  it('decodes subnormals, signed zeros and infinities', () => {
    const out = f16ToF32(Uint16Array.from([0x0001, 0x03ff, 0x8001, 0x0000, 0x8000, 0x7c00, 0xfc00]));
    expect(out[0]).toBe(2 ** -24);
    expect(out[1]).toBe(1023 * 2 ** -24);
    expect(out[2]).toBe(-(2 ** -24));
    expect(Object.is(out[3], 0)).toBe(true);
    expect(Object.is(out[4], -0)).toBe(true);
    expect(out[5]).toBe(Infinity);
    expect(out[6]).toBe(-Infinity);
  });
  it('decodes NaN patterns to NaN', () => {
    expect(Array.from(f16ToF32(Uint16Array.from([0x7e00, 0x7c01, 0xfe00]))).every(Number.isNaN)).toBe(true);
  });
  it('is strictly increasing over the positive finite patterns (no value lost or reordered)', () => {
    const all = f16ToF32(Uint16Array.from({ length: 0x7c01 }, (_, i) => i));
    const firstBad = all.findIndex((v, i) => i > 0 && !(v > all[i - 1]));
    expect(firstBad).toBe(-1);
  });
  it('agrees with the scalar decoder (and is exactly representable in f32)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffff }), (h) => {
      const v = f16ToF32(Uint16Array.of(h))[0];
      const ref = f16BitsToNumber(h);
      return Number.isNaN(ref) ? Number.isNaN(v) : Object.is(v, ref) && Math.fround(ref) === ref;
    }));
  });
});

describe('bf16ToF32', () => {
  it('decodes known patterns', () => {
    const out = bf16ToF32(Uint16Array.from([0x3f80, 0xc000, 0x4049, 0x7f80, 0xff80, 0x0001, 0x8000]));
    expect(out[0]).toBe(1);
    expect(out[1]).toBe(-2);
    expect(out[2]).toBe(3.140625);
    expect(out[3]).toBe(Infinity);
    expect(out[4]).toBe(-Infinity);
    expect(out[5]).toBe(2 ** -133); // smallest bf16 subnormal
    expect(Object.is(out[6], -0)).toBe(true);
    expect(Number.isNaN(bf16ToF32(Uint16Array.of(0x7fc0))[0])).toBe(true);
  });
  it('is the top half of the float32 bit pattern', () => {
    fc.assert(fc.property(fc.float({ noNaN: true }), (x) => {
      const u = new Uint32Array(new Float32Array([x]).buffer)[0];
      const truncated = new Float32Array(Uint32Array.of(u & 0xffff0000).buffer)[0];
      return Object.is(bf16ToF32(Uint16Array.of(u >>> 16))[0], truncated);
    }));
  });
});

describe('toFloat32', () => {
  it('passes f32 through, widens f16 / bf16, narrows f64', () => {
    const f32 = Float32Array.of(1.5);
    expect(toFloat32(tensor('f32', [1], f32), 'x')).toBe(f32);
    expect(Array.from(toFloat32(tensor('f16', [1], Uint16Array.of(0x3c00)), 'x'))).toEqual([1]);
    expect(Array.from(toFloat32(tensor('bf16', [1], Uint16Array.of(0x3f80)), 'x'))).toEqual([1]);
    expect(Array.from(toFloat32(tensor('f64', [1], Float64Array.of(0.1)), 'x'))).toEqual([Math.fround(0.1)]);
  });
  it('refuses integer tensors, naming the tensor and dtypes', () => {
    expect(() => toFloat32(tensor('i32', [1], Int32Array.of(1)), 'teacher_logits')).toThrow(
      expect.objectContaining({ code: 'wrong_dtype', tensor: 'teacher_logits', expected: 'f32|f16|bf16', found: 'i32' }),
    );
  });
});

describe('toInt32', () => {
  it('converts int64 including -100 and the int32 extremes', () => {
    const t = tensor('i64', [5], BigInt64Array.from([-100n, 0n, 30521n, 2147483647n, -2147483648n]));
    expect(Array.from(toInt32(t, 'labels'))).toEqual([-100, 0, 30521, 2147483647, -2147483648]);
  });
  it('fails on int64 values outside int32, naming the first bad index', () => {
    for (const bad of [2147483648n, -2147483649n, 1n << 40n, -(1n << 62n)]) {
      const t = tensor('i64', [3], BigInt64Array.from([1n, 2n, bad]));
      expect(() => toInt32(t, 'input_ids')).toThrow(expect.objectContaining({ code: 'id_range', tensor: 'input_ids', index: 2, found: bad.toString() }));
    }
  });
  it('matches BigInt range logic on random int64 values', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (x) => {
      const fits = x >= -(2n ** 31n) && x < 2n ** 31n;
      try {
        const v = toInt32(tensor('i64', [1], BigInt64Array.of(x)), 'x')[0];
        return fits && v === Number(x);
      } catch (e) {
        return !fits && e instanceof FormatError;
      }
    }));
  });
  it('converts uint64 / uint32 / small ints, range-checked', () => {
    expect(Array.from(toInt32(tensor('u64', [2], BigUint64Array.from([0n, 7n])), 'x'))).toEqual([0, 7]);
    expect(() => toInt32(tensor('u64', [1], BigUint64Array.of(1n << 31n)), 'x')).toThrow(FormatError);
    expect(() => toInt32(tensor('u32', [1], Uint32Array.of(2 ** 31)), 'x')).toThrow(FormatError);
    expect(Array.from(toInt32(tensor('u16', [1], Uint16Array.of(65535)), 'x'))).toEqual([65535]);
    expect(Array.from(toInt32(tensor('i8', [1], Int8Array.of(-5)), 'x'))).toEqual([-5]);
  });
  it('refuses floats and bools', () => {
    expect(() => toInt32(tensor('f32', [1], Float32Array.of(1)), 'input_ids')).toThrow(expect.objectContaining({ code: 'wrong_dtype', expected: 'int32|int64', found: 'f32' }));
    expect(() => toInt32(tensor('bool', [1], Uint8Array.of(1)), 'input_ids')).toThrow(expect.objectContaining({ code: 'wrong_dtype' }));
  });
});

describe('toMask', () => {
  it('accepts bool, uint8, int32 and int64 0/1', () => {
    expect(Array.from(toMask(tensor('bool', [2], Uint8Array.of(1, 0)), 'm'))).toEqual([1, 0]);
    expect(Array.from(toMask(tensor('i32', [2], Int32Array.of(0, 1)), 'm'))).toEqual([0, 1]);
    expect(Array.from(toMask(tensor('i64', [2], BigInt64Array.of(1n, 0n)), 'm'))).toEqual([1, 0]);
  });
  it('refuses other values and float dtypes', () => {
    expect(() => toMask(tensor('u8', [3], Uint8Array.of(1, 0, 2)), 'attention_mask')).toThrow(expect.objectContaining({ code: 'bad_value', index: 2, found: '2' }));
    expect(() => toMask(tensor('f32', [1], Float32Array.of(1)), 'attention_mask')).toThrow(expect.objectContaining({ code: 'wrong_dtype', found: 'f32' }));
  });
});
