import { describe, expect, it } from 'vitest';
import { readSafetensors } from './safetensors_read.ts';
import { encodeSafetensors, encodeSafetensorsStreamed } from './safetensors_write.ts';
import { blobOf } from './test_helpers.ts';

function header(bytes: Uint8Array): { len: number; json: string } {
  const len = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { len, json: new TextDecoder().decode(bytes.subarray(8, 8 + len)) };
}

describe('encodeSafetensors', () => {
  const tensors = [
    { name: 'w', dtype: 'F32' as const, shape: [2], data: Float32Array.of(1, 2) },
    { name: 'b', dtype: 'I64' as const, shape: [1], data: BigInt64Array.of(-100n) },
    { name: 'h', dtype: 'BF16' as const, shape: [1], data: Uint16Array.of(0x3f80) },
  ];

  it('pads the header with spaces to 8-byte alignment and lays out data in name order', () => {
    const bytes = encodeSafetensors(tensors, { format: 'pt' });
    const { len, json } = header(bytes);
    expect(len % 8).toBe(0);
    expect(/^ *$/.test(json.slice(json.lastIndexOf('}') + 1))).toBe(true);
    const h = JSON.parse(json);
    expect(Object.keys(h)).toEqual(['__metadata__', 'b', 'h', 'w']);
    expect(h.b).toEqual({ dtype: 'I64', shape: [1], data_offsets: [0, 8] });
    expect(h.h).toEqual({ dtype: 'BF16', shape: [1], data_offsets: [8, 10] });
    expect(h.w).toEqual({ dtype: 'F32', shape: [2], data_offsets: [10, 18] });
    expect(bytes.length).toBe(8 + len + 18);
  });
  it('is deterministic regardless of input order, and omits empty metadata', () => {
    const a = encodeSafetensors(tensors);
    const b = encodeSafetensors([...tensors].reverse());
    expect(a).toEqual(b);
    expect(header(a).json).not.toContain('__metadata__');
  });
  it('round-trips through the reader', async () => {
    const file = await readSafetensors(blobOf(encodeSafetensors(tensors, { a: '1' })));
    expect(file.metadata).toEqual({ a: '1' });
    expect(file.tensors.get('w')).toEqual({ dtype: 'f32', shape: [2], data: Float32Array.of(1, 2) });
    expect(file.tensors.get('b')?.data).toEqual(BigInt64Array.of(-100n));
  });
  it('copies only the view of a subarray', () => {
    const big = Float32Array.of(9, 1, 2, 9);
    const bytes = encodeSafetensors([{ name: 'x', dtype: 'F32', shape: [2], data: big.subarray(1, 3) }]);
    expect(Array.from(new Float32Array(bytes.slice(bytes.length - 8).buffer))).toEqual([1, 2]);
  });
  it('refuses data of the wrong size, repeated names and unknown dtypes', () => {
    expect(() => encodeSafetensors([{ name: 'x', dtype: 'F32', shape: [3], data: Float32Array.of(1) }])).toThrow(expect.objectContaining({ code: 'size_mismatch', tensor: 'x' }));
    expect(() => encodeSafetensors([tensors[0], tensors[0]])).toThrow(expect.objectContaining({ code: 'duplicate_tensor' }));
    // @ts-expect-error: not a safetensors dtype
    expect(() => encodeSafetensors([{ name: 'x', dtype: 'F8', shape: [1], data: Uint8Array.of(1) }])).toThrow(expect.objectContaining({ code: 'unknown_dtype' }));
  });
  it('streamed, writes the same bytes and refuses a source whose data does not fit its shape', async () => {
    const sources = tensors.map(({ data, ...t }) => ({ ...t, read: async () => data }));
    expect(await encodeSafetensorsStreamed(sources, { format: 'pt' })).toEqual(encodeSafetensors(tensors, { format: 'pt' }));
    await expect(encodeSafetensorsStreamed([{ name: 'x', dtype: 'F32', shape: [3], read: () => Float32Array.of(1) }])).rejects.toMatchObject({ code: 'size_mismatch', tensor: 'x' });
  });
});
