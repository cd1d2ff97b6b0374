import { describe, expect, it } from 'vitest';
import { decodeNpy, npyHeaderLength } from './npy.ts';
import { bytesOf, npyBytes } from './test_helpers.ts';

const hdr = (descr: string, shape: string, fortran = 'False'): string => `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;

describe('decodeNpy', () => {
  it('decodes a little-endian float32 array with 64-byte aligned data', () => {
    const bytes = npyBytes(hdr('<f4', '(2, 2)'), bytesOf(Float32Array.of(1, 2, 3, 4)));
    expect(npyHeaderLength(bytes, 'x') % 64).toBe(0);
    const a = decodeNpy(bytes, 'x');
    expect(a.kind === 'tensor' && a.tensor).toEqual({ dtype: 'f32', shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) });
  });
  it('decodes format 2.0 and 3.0 headers', () => {
    for (const version of [2, 3]) {
      const a = decodeNpy(npyBytes(hdr('<i8', '(2,)'), bytesOf(BigInt64Array.of(-100n, 5n)), version), 'x');
      expect(a.kind === 'tensor' && Array.from(a.tensor.data as BigInt64Array)).toEqual([-100n, 5n]);
    }
  });
  it('byte-swaps big-endian arrays', () => {
    const be = new Uint8Array(8);
    new DataView(be.buffer).setFloat32(0, 1.5, false);
    new DataView(be.buffer).setFloat32(4, -2, false);
    const a = decodeNpy(npyBytes(hdr('>f4', '(2,)'), be), 'x');
    expect(a.kind === 'tensor' && Array.from(a.tensor.data as Float32Array)).toEqual([1.5, -2]);
  });
  it('decodes bools, unaligned data (copied), and 0-d unicode / bytes strings', () => {
    const b = decodeNpy(npyBytes(hdr('|b1', '(3,)'), Uint8Array.of(1, 0, 1)), 'm');
    expect(b.kind === 'tensor' && b.tensor.dtype).toBe('bool');
    const text = 'héllo 🙂';
    const cps = Array.from(text, (c) => c.codePointAt(0) ?? 0);
    const u = new Uint32Array(10);
    u.set(cps);
    expect(decodeNpy(npyBytes(hdr('<U10', '()'), bytesOf(u)), 'metadata')).toEqual({ kind: 'strings', shape: [], values: [text] });
    const s = new Uint8Array(12);
    s.set(new TextEncoder().encode('{"a": 1}'));
    expect(decodeNpy(npyBytes(hdr('|S12', '()'), s), 'metadata')).toEqual({ kind: 'strings', shape: [], values: ['{"a": 1}'] });
  });
  it('refuses a bad magic', () => {
    const bytes = npyBytes(hdr('<f4', '(1,)'), bytesOf(Float32Array.of(1)));
    bytes[1] = 0x58;
    expect(() => decodeNpy(bytes, 'teacher_logits')).toThrow(expect.objectContaining({ code: 'npy_magic', tensor: 'teacher_logits', offset: 0 }));
  });
  it('refuses unsupported versions and unreadable headers', () => {
    const bytes = npyBytes(hdr('<f4', '(1,)'), bytesOf(Float32Array.of(1)));
    bytes[6] = 9;
    expect(() => decodeNpy(bytes, 'x')).toThrow(expect.objectContaining({ code: 'npy_header', found: '9.0' }));
    expect(() => decodeNpy(npyBytes("{'descr': <f4}", new Uint8Array(0)), 'x')).toThrow(expect.objectContaining({ code: 'npy_header' }));
    expect(() => decodeNpy(npyBytes(hdr('<f4', '(-1,)'), new Uint8Array(0)), 'x')).toThrow(expect.objectContaining({ code: 'npy_header' }));
  });
  it('refuses unsupported descrs: complex, object, structured, unknown', () => {
    expect(() => decodeNpy(npyBytes(hdr('<c8', '(1,)'), new Uint8Array(8)), 'x')).toThrow(expect.objectContaining({ code: 'unsupported_dtype', found: '<c8' }));
    expect(() => decodeNpy(npyBytes(hdr('|O', '(1,)'), new Uint8Array(8)), 'x')).toThrow(expect.objectContaining({ code: 'unsupported_dtype' }));
    expect(() => decodeNpy(npyBytes("{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)), 'x')).toThrow(expect.objectContaining({ code: 'unsupported_dtype' }));
    expect(() => decodeNpy(npyBytes(hdr('<z4', '(1,)'), new Uint8Array(4)), 'x')).toThrow(expect.objectContaining({ code: 'unknown_dtype' }));
  });
  it('refuses fortran_order for matrices but not for vectors', () => {
    expect(() => decodeNpy(npyBytes(hdr('<i4', '(2, 3)', 'True'), new Uint8Array(24)), 'input_ids')).toThrow(expect.objectContaining({ code: 'fortran_order', tensor: 'input_ids' }));
    expect(decodeNpy(npyBytes(hdr('<i4', '(1, 3)', 'True'), new Uint8Array(12)), 'x').kind).toBe('tensor');
  });
  it('refuses data shorter or longer than the shape', () => {
    expect(() => decodeNpy(npyBytes(hdr('<f4', '(3,)'), new Uint8Array(8)), 'x')).toThrow(expect.objectContaining({ code: 'size_mismatch', expected: '12 bytes', found: '8 bytes' }));
    expect(() => decodeNpy(npyBytes(hdr('<f4', '(1,)'), new Uint8Array(8)), 'x')).toThrow(expect.objectContaining({ code: 'size_mismatch' }));
  });
});
