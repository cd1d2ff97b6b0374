import { describe, expect, it } from 'vitest';
import { readSafetensors } from './safetensors_read.ts';
import { encodeSafetensors } from './safetensors_write.ts';
import { blobOf, bytesOf, fixtureBlob, rawSafetensors } from './test_helpers.ts';

const read = (bytes: Uint8Array, chunkBytes?: number) => readSafetensors(blobOf(bytes), { chunkBytes });
const f32 = (...x: number[]): Uint8Array => bytesOf(Float32Array.from(x));

describe('readSafetensors', () => {
  it('reads tensors and __metadata__ written by an independent (Python, spec-following) writer', async () => {
    const file = await readSafetensors(fixtureBlob('clm_dense_bf16.safetensors'));
    expect(file.metadata).toMatchObject({ task: 'clm', teacher_name: 'tiny-gpt' });
    const ids = file.tensors.get('input_ids');
    expect(ids?.dtype).toBe('i64');
    expect(ids?.shape).toEqual([2, 4]);
    expect(Array.from(ids?.data as BigInt64Array).map(Number)).toEqual([1, 2, 3, 4, 5, 6, 7, 1]);
    expect(file.tensors.get('teacher_logits')).toMatchObject({ dtype: 'bf16', shape: [2, 4, 8] });
  });
  it('reads every supported dtype', async () => {
    const bytes = encodeSafetensors([
      { name: 'a', dtype: 'F64', shape: [1], data: Float64Array.of(0.1) },
      { name: 'b', dtype: 'F16', shape: [2], data: Uint16Array.of(0x3c00, 0xc000) },
      { name: 'c', dtype: 'I64', shape: [1], data: BigInt64Array.of(-100n) },
      { name: 'd', dtype: 'BOOL', shape: [3], data: Uint8Array.of(1, 0, 1) },
      { name: 'e', dtype: 'I8', shape: [1], data: Int8Array.of(-3) },
      { name: 'f', dtype: 'U16', shape: [1], data: Uint16Array.of(9) },
    ]);
    const t = (await read(bytes)).tensors;
    expect([...t.values()].map((x) => x.dtype)).toEqual(['f64', 'f16', 'i64', 'bool', 'i8', 'u16']);
    expect(t.get('a')?.data[0]).toBe(0.1);
    expect(t.get('c')?.data[0]).toBe(-100n);
  });
  it('reads zero-size tensors and files without __metadata__', async () => {
    const bytes = encodeSafetensors([{ name: 'z', dtype: 'F32', shape: [0, 3], data: new Float32Array(0) }]);
    const file = await read(bytes);
    expect(file.metadata).toEqual({});
    expect(file.tensors.get('z')).toEqual({ dtype: 'f32', shape: [0, 3], data: new Float32Array(0) });
  });
  it('gives the same result for every chunk size (reads cross chunk boundaries)', async () => {
    const data = Float32Array.from({ length: 257 }, (_, i) => i / 7);
    const bytes = encodeSafetensors([{ name: 'x', dtype: 'F32', shape: [257], data }, { name: 'y', dtype: 'I32', shape: [3], data: Int32Array.of(1, -2, 3) }], { k: 'v' });
    for (const chunk of [1, 3, 8, 100, 1 << 20]) {
      const file = await read(bytes, chunk);
      expect(file.tensors.get('x')?.data).toEqual(data);
      expect(Array.from(file.tensors.get('y')?.data as Int32Array)).toEqual([1, -2, 3]);
      expect(file.metadata).toEqual({ k: 'v' });
    }
  });
  it('reports progress with increasing byte counts, ending at the file size', async () => {
    const bytes = encodeSafetensors([{ name: 'x', dtype: 'F32', shape: [100], data: new Float32Array(100) }]);
    const calls: [number, number][] = [];
    await readSafetensors(blobOf(bytes), { chunkBytes: 32, onProgress: (r, total) => calls.push([r, total]) });
    expect(calls.length).toBeGreaterThan(10);
    expect(calls.every(([, total]) => total === bytes.length)).toBe(true);
    expect(calls.every(([r], i) => i === 0 || r > calls[i - 1][0])).toBe(true);
    expect(calls.at(-1)).toEqual([bytes.length, bytes.length]);
  });
  it('stops at the abort signal with its reason', async () => {
    const ctl = new AbortController();
    const bytes = encodeSafetensors([{ name: 'x', dtype: 'F32', shape: [100], data: new Float32Array(100) }]);
    const reason = new DOMException('stop', 'AbortError');
    const p = readSafetensors(blobOf(bytes), { chunkBytes: 16, signal: ctl.signal, onProgress: (r) => r >= 64 && ctl.abort(reason) });
    await expect(p).rejects.toBe(reason);
  });

  describe('refuses', () => {
    it('a file shorter than 8 bytes', async () => {
      await expect(read(new Uint8Array(5))).rejects.toMatchObject({ code: 'header_length', offset: 0 });
    });
    it('a header length past the end of the file', async () => {
      await expect(read(rawSafetensors({}, new Uint8Array(0), 1000n))).rejects.toMatchObject({ code: 'header_length', found: '1000', offset: 0 });
      await expect(read(rawSafetensors({}, new Uint8Array(0), 1n << 62n))).rejects.toMatchObject({ code: 'header_length' });
    });
    it('a header that is not JSON, not UTF-8, or not an object', async () => {
      await expect(read(rawSafetensors('{"x": '))).rejects.toMatchObject({ code: 'bad_header', offset: 8 });
      await expect(read(rawSafetensors('[1, 2]'))).rejects.toMatchObject({ code: 'bad_header' });
      const bad = rawSafetensors('{"a":1}');
      bad[9] = 0xff;
      await expect(read(bad)).rejects.toMatchObject({ code: 'bad_header' });
      await expect(read(rawSafetensors({ x: 'F32' }))).rejects.toMatchObject({ code: 'bad_header', tensor: 'x' });
      await expect(read(rawSafetensors({ x: { dtype: 'F32', shape: [-1], data_offsets: [0, 0] } }))).rejects.toMatchObject({ code: 'bad_header', tensor: 'x' });
    });
    it('unknown and unsupported dtypes, naming the tensor', async () => {
      await expect(read(rawSafetensors({ x: { dtype: 'F17', shape: [1], data_offsets: [0, 4] } }, f32(1)))).rejects.toMatchObject({ code: 'unknown_dtype', tensor: 'x', found: 'F17' });
      await expect(read(rawSafetensors({ x: { dtype: 'F8_E4M3', shape: [4], data_offsets: [0, 4] } }, f32(1)))).rejects.toMatchObject({ code: 'unsupported_dtype', found: 'F8_E4M3' });
    });
    it('data_offsets out of range or reversed', async () => {
      await expect(read(rawSafetensors({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32(1)))).rejects.toMatchObject({ code: 'bad_offsets', tensor: 'x', found: '[0, 8]' });
      await expect(read(rawSafetensors({ x: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, f32(1)))).rejects.toMatchObject({ code: 'bad_offsets' });
      await expect(read(rawSafetensors({ x: { dtype: 'F32', shape: [1], data_offsets: [0] } }, f32(1)))).rejects.toMatchObject({ code: 'bad_offsets' });
    });
    it('overlapping data_offsets', async () => {
      const header = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } };
      await expect(read(rawSafetensors(header, f32(1, 2, 3)))).rejects.toMatchObject({ code: 'bad_offsets', tensor: 'b', offset: expect.any(Number) });
    });
    it('a byte range that does not match dtype × shape', async () => {
      await expect(read(rawSafetensors({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32(1, 2)))).rejects.toMatchObject({ code: 'size_mismatch', tensor: 'x', expected: '12 bytes', found: '8 bytes' });
      await expect(read(rawSafetensors({ x: { dtype: 'F16', shape: [3], data_offsets: [0, 8] } }, f32(1, 2)))).rejects.toMatchObject({ code: 'size_mismatch', expected: '6 bytes' });
    });
    it('a huge declared shape before allocating anything', async () => {
      await expect(read(rawSafetensors({ x: { dtype: 'F32', shape: [1e9, 1e9], data_offsets: [0, 4] } }, f32(1)))).rejects.toMatchObject({ code: 'size_mismatch', tensor: 'x' });
      await expect(read(rawSafetensors({ x: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 4] } }, f32(1)))).rejects.toMatchObject({ code: 'size_mismatch' });
    });
  });
});
