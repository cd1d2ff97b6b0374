import { describe, expect, it } from 'vitest';
import { f16ToF32 } from './dtype_convert.ts';
import { readNpz } from './npz_read.ts';
import { blobOf, bytesOf, fixtureBlob, makeZip, npyBytes, ramp } from './test_helpers.ts';

const hdr = (descr: string, shape: string): string => `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
const utf32 = (s: string): Uint8Array => bytesOf(Uint32Array.from(Array.from(s, (c) => c.codePointAt(0) ?? 0)));

describe('readNpz on numpy-written files', () => {
  it('np.savez (stored): int64 ids, bool mask, f16 logits, <U metadata with native JSON values', async () => {
    const file = await readNpz(fixtureBlob('mlm_dense_f16.npz'));
    expect([...file.tensors.keys()]).toEqual(['input_ids', 'attention_mask', 'labels', 'teacher_logits']);
    const ids = file.tensors.get('input_ids');
    expect(ids).toMatchObject({ dtype: 'i64', shape: [3, 6] });
    expect(Array.from(ids?.data as BigInt64Array).map(Number).slice(0, 10)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 1]);
    expect(file.tensors.get('attention_mask')).toMatchObject({ dtype: 'bool', shape: [3, 6] });
    const logits = file.tensors.get('teacher_logits');
    expect(logits).toMatchObject({ dtype: 'f16', shape: [3, 6, 10] });
    expect(f16ToF32(logits?.data as Uint16Array)).toEqual(ramp(180, 17, 8, 4));
    expect(file.metadata).toMatchObject({ task: 'mlm', vocab_size: 10, mask_id: 3, langs: ['en', 'de', 'en'], exporter_note: 'kept' });
  });
  it('np.savez_compressed (deflate): top-k tensors and string-valued metadata', async () => {
    const file = await readNpz(fixtureBlob('clm_topk_compressed.npz'));
    expect(file.tensors.get('teacher_topk_ids')).toMatchObject({ dtype: 'i64', shape: [2, 5, 3] });
    expect(file.tensors.get('teacher_topk_logits')).toMatchObject({ dtype: 'f32', shape: [2, 5, 3] });
    expect(file.tensors.get('teacher_logsumexp')).toMatchObject({ dtype: 'f32', shape: [2, 5] });
    expect(file.metadata).toEqual({ task: 'clm', vocab_size: '50', pad_id: '0', langs: '["en", "fr"]', teacher_ms_per_example: '2.5' });
  });
  it('|S bytes metadata and big-endian arrays', async () => {
    const file = await readNpz(fixtureBlob('cls_bytes_meta.npz'));
    expect(file.metadata).toEqual({ task: 'classification', label_names: ['neg', 'neu', 'pos'], vocab_size: 6 });
    expect(file.tensors.get('teacher_hidden')?.data).toEqual(ramp(24, 9, 4, 8));
  });
  it('reports progress up to the file size, and reads the same with tiny chunks', async () => {
    const calls: number[] = [];
    const blob = fixtureBlob('clm_topk_compressed.npz');
    const file = await readNpz(blob, { chunkBytes: 13, onProgress: (r, total) => (expect(total).toBe(blob.size), calls.push(r)) });
    expect(calls.every((r, i) => i === 0 || r > calls[i - 1])).toBe(true);
    expect(calls.at(-1)).toBe(blob.size);
    expect(file).toEqual(await readNpz(blob));
  });
  it('refuses Fortran-order arrays, naming the member', async () => {
    await expect(readNpz(fixtureBlob('fortran_order.npz'))).rejects.toMatchObject({ code: 'fortran_order', tensor: 'input_ids' });
  });
  it('refuses pickled object metadata', async () => {
    await expect(readNpz(fixtureBlob('object_metadata.npz'))).rejects.toMatchObject({ code: 'unsupported_dtype', tensor: 'metadata', found: '"|O"' });
  });
});

describe('readNpz on built archives', () => {
  const ids = npyBytes(hdr('<i4', '(1, 2)'), bytesOf(Int32Array.of(1, 2)));
  it('accepts members named without .npy and a ZIP64 archive', async () => {
    const zip = await makeZip([{ name: 'input_ids', data: ids }, { name: 'metadata', data: npyBytes(hdr('<U2', '()'), utf32('{}')) }], { zip64: true });
    const file = await readNpz(blobOf(zip));
    expect(file.tensors.get('input_ids')?.shape).toEqual([1, 2]);
    expect(file.metadata).toEqual({});
  });
  it('refuses metadata that is not a JSON object in a 0-d string array', async () => {
    const cases = [
      npyBytes(hdr('<U11', '()'), utf32('{"task":"x"')), // not JSON
      npyBytes(hdr('<U3', '()'), utf32('[1]')),
      npyBytes(hdr('<U1', '(2,)'), utf32('{}')),
      npyBytes(hdr('<i4', '()'), bytesOf(Int32Array.of(1))),
    ];
    for (const data of cases) {
      await expect(readNpz(blobOf(await makeZip([{ name: 'metadata.npy', data }])))).rejects.toMatchObject({ code: 'bad_metadata' });
    }
  });
  it('refuses string arrays under other names, and a member stored twice', async () => {
    const strs = npyBytes(hdr('<U2', '()'), utf32('ab'));
    await expect(readNpz(blobOf(await makeZip([{ name: 'langs.npy', data: strs }])))).rejects.toMatchObject({ code: 'unsupported_dtype', tensor: 'langs' });
    await expect(readNpz(blobOf(await makeZip([{ name: 'input_ids.npy', data: ids }, { name: 'input_ids', data: ids }])))).rejects.toMatchObject({ code: 'duplicate_tensor' });
  });
  it('refuses a member that is not .npy (bad magic) and a truncated archive', async () => {
    await expect(readNpz(blobOf(await makeZip([{ name: 'x.npy', data: new Uint8Array(20) }])))).rejects.toMatchObject({ code: 'npy_magic', tensor: 'x' });
    const zip = await makeZip([{ name: 'input_ids.npy', data: ids }]);
    await expect(readNpz(blobOf(zip.subarray(0, zip.length - 30)))).rejects.toMatchObject({ code: 'zip' });
  });
});
