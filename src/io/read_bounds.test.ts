/**
 * What a read holds is bounded by what the file justifies: tensors the contract ignores are neither read nor
 * inflated, counts are capped before the structures are parsed, string metadata is decoded without JS arrays,
 * jsonl columns are allocated once; and errors name the real cause (the container the extension chose, a
 * metadata line after line 1, a name given twice).
 */
import { describe, expect, it } from 'vitest';
import { readDistillSet, readTensorFile } from './read.ts';
import { MAX_TENSORS } from './raw_tensor.ts';
import { encodeSafetensors } from './safetensors_write.ts';
import { blobOf, bytesOf, makeZip, npyBytes, rawSafetensors, recordingBlob, sliceBytes } from './test_helpers.ts';

const hdr = (descr: string, shape: string): string => `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
const ids = npyBytes(hdr('<i4', '(2, 3)'), bytesOf(Int32Array.of(1, 2, 3, 1, 2, 3)));
const logits = npyBytes(hdr('<f4', '(2, 3, 4)'), new Uint8Array(96));
const setMembers = [{ name: 'input_ids.npy', data: ids }, { name: 'teacher_logits.npy', data: logits }];
const noise = (n: number): Uint8Array => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
};

describe('tensors the contract ignores', () => {
  it('npz: are never read or inflated by readDistillSet (stored or deflated), but listed in messages', async () => {
    for (const deflate of [false, true]) {
      const extra = npyBytes(hdr('<u1', '(1048576,)'), noise(2 ** 20));
      const zip = await makeZip([...setMembers, { name: 'extra.npy', data: extra, deflate }]);
      const { blob, slices } = recordingBlob(blobOf(zip));
      await expect(readDistillSet(blob, 'a.npz')).resolves.toMatchObject({ n: 2, seqLen: 3 });
      expect(sliceBytes(slices)).toBeLessThan(256 * 1024); // the directory and two small members, not the 1 MiB one
      expect((await readTensorFile(blobOf(zip), 'a.npz')).tensors.get('extra')?.data.length).toBe(2 ** 20); // all, when asked
    }
    const onlyExtra = await makeZip([{ name: 'extra.npy', data: ids }]);
    await expect(readDistillSet(blobOf(onlyExtra), 'a.npz')).rejects.toMatchObject({ code: 'missing_tensor', found: 'extra' });
  });
  it('npz: an ignored member may be a string array; readTensorFile still refuses one', async () => {
    const zip = await makeZip([...setMembers, { name: 'notes.npy', data: npyBytes(hdr('<U3', '(2,)'), new Uint8Array(24)) }]);
    await expect(readDistillSet(blobOf(zip), 'a.npz')).resolves.toMatchObject({ n: 2 });
    await expect(readTensorFile(blobOf(zip), 'a.npz')).rejects.toMatchObject({ code: 'unsupported_dtype', tensor: 'notes' });
  });
  it('safetensors: their data is never read', async () => {
    const file = encodeSafetensors([
      { name: 'input_ids', dtype: 'I32', shape: [2, 3], data: Int32Array.of(1, 2, 3, 1, 2, 3) },
      { name: 'teacher_logits', dtype: 'F32', shape: [2, 3, 4], data: new Float32Array(24) },
      { name: 'optimizer.state', dtype: 'U8', shape: [2 ** 20], data: new Uint8Array(2 ** 20) },
    ]);
    const { blob, slices } = recordingBlob(blobOf(file));
    await expect(readDistillSet(blob, 'a.safetensors')).resolves.toMatchObject({ n: 2 });
    expect(sliceBytes(slices)).toBeLessThan(4096);
  });
});

describe('counts are capped before the structures are parsed', () => {
  it(`npz: more than ${MAX_TENSORS} members → too_large, from the end record`, async () => {
    const tiny = npyBytes(hdr('<f4', '(0,)'), new Uint8Array(0));
    const zip = await makeZip([...setMembers, ...Array.from({ length: MAX_TENSORS }, (_, i) => ({ name: `m${i}.npy`, data: tiny }))]);
    const { blob, slices } = recordingBlob(blobOf(zip));
    await expect(readDistillSet(blob, 'a.npz')).rejects.toMatchObject({ code: 'too_large', expected: `≤ ${MAX_TENSORS} members`, found: `${MAX_TENSORS + 2} members` });
    expect(sliceBytes(slices)).toBeLessThan(70 * 1024); // the archive's tail only
  });
  it(`safetensors: more than ${MAX_TENSORS} entries → too_large; one name twice → duplicate_tensor`, async () => {
    const header: Record<string, unknown> = {};
    for (let i = 0; i <= MAX_TENSORS; i++) header[`t${i}`] = { dtype: 'F32', shape: [0], data_offsets: [0, 0] };
    await expect(readDistillSet(blobOf(rawSafetensors(header)), 'a.safetensors')).rejects.toMatchObject({ code: 'too_large', message: expect.stringMatching(/the header lists 4,097 tensors, at most 4,096 are read/) });
    const twice = '{"input_ids": {"dtype": "I32", "shape": [1], "data_offsets": [0, 4]}, "input_ids": {"dtype": "I32", "shape": [1], "data_offsets": [4, 8]}}';
    await expect(readTensorFile(blobOf(rawSafetensors(twice, new Uint8Array(8))), 'a.safetensors')).rejects.toMatchObject({ code: 'duplicate_tensor', tensor: 'input_ids' });
    const fieldTwice = '{"x": {"dtype": "I32", "dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}';
    await expect(readTensorFile(blobOf(rawSafetensors(fieldTwice, new Uint8Array(4))), 'a.safetensors')).rejects.toMatchObject({ code: 'bad_header', tensor: 'dtype' });
  });
  it('safetensors metadata lists are flat JSON: a nested one is refused before it is built', async () => {
    const file = encodeSafetensors([{ name: 'input_ids', dtype: 'I32', shape: [1, 1], data: Int32Array.of(1) }, { name: 'teacher_logits', dtype: 'F32', shape: [1, 1, 2], data: new Float32Array(2) }], { vocab: `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}` });
    await expect(readDistillSet(blobOf(file), 'a.safetensors')).rejects.toMatchObject({ code: 'bad_metadata', tensor: 'metadata.vocab' });
  });
});

describe('npz string metadata', () => {
  const meta = (descr: string, data: Uint8Array) => makeZip([...setMembers, { name: 'metadata.npy', data: npyBytes(hdr(descr, '()'), data) }]);
  const utf32 = (s: string): Uint8Array => bytesOf(Uint32Array.from(Array.from(s, (c) => c.codePointAt(0) ?? 0)));
  it('decodes <U (UTF-32) through UTF-16 units, characters outside the BMP included', async () => {
    const text = JSON.stringify({ vocab: ['ä', '🙂', '日本', '\u0000x'], task: 'mlm', mask_id: 1 });
    const set = await readDistillSet(blobOf(await meta(`<U${[...text].length}`, utf32(text))), 'a.npz');
    expect(set.metadata.vocab).toEqual(['ä', '🙂', '日本', '\u0000x']);
  });
  it('refuses one longer than 16M characters from its header, and one that is not 0-d, before reading it', async () => {
    const big = await makeZip([...setMembers, { name: 'metadata.npy', data: npyBytes(hdr('<U16777217', '()'), new Uint8Array(4 * 16777217)), deflate: true }]);
    await expect(readDistillSet(blobOf(big), 'a.npz')).rejects.toMatchObject({ code: 'too_large', tensor: 'metadata', found: '16777217 characters' });
    const list = await makeZip([...setMembers, { name: 'metadata.npy', data: npyBytes(hdr('<U2', '(3,)'), new Uint8Array(24)) }]);
    await expect(readDistillSet(blobOf(list), 'a.npz')).rejects.toMatchObject({ code: 'bad_metadata', found: 'a string array of shape [3]' });
  }, 20_000);
  it('bounds the JSON: nesting, keys given twice', async () => {
    const deep = new TextEncoder().encode(`{"note": ${'['.repeat(100)}${']'.repeat(100)}}`);
    await expect(readDistillSet(blobOf(await meta(`|S${deep.length}`, deep)), 'a.npz')).rejects.toMatchObject({ code: 'bad_metadata', tensor: 'metadata.note' });
    const twice = new TextEncoder().encode('{"task": "mlm", "task": "clm"}');
    await expect(readDistillSet(blobOf(await meta(`|S${twice.length}`, twice)), 'a.npz')).rejects.toMatchObject({ code: 'bad_metadata', tensor: 'metadata.task' });
  });
});

describe('jsonl', () => {
  const example = '{"input_ids": [1, 2], "teacher_logits": [[0, 1, 2], [2, 1, 0]]}';
  it('a metadata object after the first line says so (it used to be "field missing")', async () => {
    const text = `${example}\n{"metadata": {"task": "mlm"}}\n${example}\n`;
    await expect(readDistillSet(blobOf(text), 'a.jsonl')).rejects.toMatchObject({ code: 'bad_metadata', message: expect.stringMatching(/line 2: a \{"metadata": …\} line must be the first line/) });
    await expect(readDistillSet(blobOf(`{"metadata": {}}\n{"metadata": {}}\n${example}\n`), 'a.jsonl')).rejects.toMatchObject({ code: 'bad_metadata' });
  });
  it('a field given twice in one line → duplicate_tensor (JSON.parse would keep the last)', async () => {
    await expect(readDistillSet(blobOf('{"input_ids": [1], "input_ids": [2], "teacher_logits": [[0, 1]]}\n'), 'a.jsonl')).rejects.toMatchObject({ code: 'duplicate_tensor', tensor: 'input_ids' });
  });
  it('a line of too many values is refused after a few MB of it, not at its end', async () => {
    const text = `{"input_ids": [1], "teacher_logits": [[0, 1]], "x": [${'0,'.repeat(30_000_000)}0]}\n`;
    const { blob, slices } = recordingBlob(blobOf(text));
    await expect(readDistillSet(blob, 'a.jsonl')).rejects.toMatchObject({ code: 'too_large', message: expect.stringMatching(/line 1: more than 8,388,608 values/) });
    // the first pass counts lines over the whole file; the second stops once the line passes the cap
    expect(sliceBytes(slices) - text.length).toBeLessThan(text.length / 2);
  });
  it('allocates each column once, for every line, and counts each line\'s parse against the budget', async () => {
    const text = Array.from({ length: 50 }, () => example).join('\n');
    const set = await readDistillSet(blobOf(text), 'a.jsonl');
    expect(set.inputIds.buffer.byteLength).toBe(50 * 2 * 4); // exactly N rows: no growth, no slack
    // 50 rows of ids (8 B), logits (24 B) and the default mask (2 B) = 1700 B; one line parsing needs ~1 KB more
    await expect(readDistillSet(blobOf(text), 'a.jsonl', { memoryBudgetBytes: 1700 })).rejects.toMatchObject({ code: 'too_large', message: expect.stringMatching(/while it is parsed/) });
    await expect(readDistillSet(blobOf(text), 'a.jsonl', { memoryBudgetBytes: 1699 })).rejects.toMatchObject({ code: 'too_large', message: expect.stringMatching(/50 examples shaped like line 1 need about/) });
  });
});

describe('the container the extension chose is named when its structure check fails', () => {
  it('a jsonl file named .safetensors, a safetensors file named .npz', async () => {
    const jsonl = '{"input_ids": [1], "teacher_logits": [[0, 1]]}\n';
    await expect(readDistillSet(blobOf(jsonl), 'x.safetensors')).rejects.toMatchObject({ code: 'header_length', message: expect.stringMatching(/; the name's \.safetensors extension chose the safetensors reader, but the file starts like jsonl: rename it to \.jsonl$/) });
    const st = encodeSafetensors([{ name: 'input_ids', dtype: 'I32', shape: [1, 1], data: Int32Array.of(1) }]);
    await expect(readDistillSet(blobOf(st), 'x.npz')).rejects.toMatchObject({ code: 'zip', message: expect.stringMatching(/starts like safetensors: rename it to \.safetensors/) });
    await expect(readDistillSet(blobOf('garbage that is long enough'), 'x.npz')).rejects.toMatchObject({ message: expect.stringMatching(/and the file does not start like npz$/) });
  });
});
