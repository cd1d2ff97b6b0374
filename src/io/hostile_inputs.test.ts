/**
 * Named regressions for what the fuzz tests (*_fuzz.test.ts) and their review found: each of these once ended
 * in a TypeError / RangeError, a misleading code, or an invalid set accepted.
 */
import { describe, expect, it } from 'vitest';
import { FORMAT_ERROR_CODES, FormatError } from './errors.ts';
import { inspectDistillSet } from './inspect.ts';
import { readDistillSet } from './read.ts';
import { encodeSafetensors } from './safetensors_write.ts';
import { blobOf, makeZip, npyBytes, rawSafetensors } from './test_helpers.ts';

const deep = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const base = [
  { name: 'input_ids', dtype: 'I32' as const, shape: [1, 2], data: Int32Array.of(1, 2) },
  { name: 'teacher_logits', dtype: 'F32' as const, shape: [1, 2, 3], data: new Float32Array(6) },
];
const st = (meta: Record<string, string> = {}, extra: typeof base = []): Blob => blobOf(encodeSafetensors([...base, ...extra], meta));
const read = (blob: Blob, name = 'a.safetensors') => readDistillSet(blob, name);
const jsonl = (...lines: string[]) => read(blobOf(lines.join('\n')), 'a.jsonl');

describe('names that are also Object.prototype properties', () => {
  it('metadata keys "constructor", "toString", "__proto__" are kept as unknown keys (was: TypeError)', async () => {
    const set = await read(st(JSON.parse('{"constructor": "1", "toString": "x", "__proto__": "y", "task": "clm"}')));
    expect(Object.keys(set.rawMetadata).sort()).toEqual(['__proto__', 'constructor', 'task', 'toString']);
    expect(inspectDistillSet(set).metadata_keys).toContain('__proto__');
    const viaJsonl = await jsonl('{"metadata": {"constructor": 5, "hasOwnProperty": [1]}}', '{"input_ids": [1], "teacher_logits": [[0, 1]]}');
    expect(Object.keys(viaJsonl.rawMetadata).sort()).toEqual(['constructor', 'hasOwnProperty']);
  });
  it('a safetensors dtype "constructor" is an unknown dtype (was: size_mismatch)', async () => {
    const bytes = rawSafetensors({ x: { dtype: 'constructor', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4));
    await expect(read(blobOf(bytes))).rejects.toMatchObject({ code: 'unknown_dtype', tensor: 'x' });
  });
  it('a jsonl field "toString" is an unknown field, ignored (was: read as a tensor)', async () => {
    const set = await jsonl('{"input_ids": [1], "teacher_logits": [[0, 1]], "toString": [[1]], "__proto__": [2]}');
    expect(set).toMatchObject({ n: 1, seqLen: 1, vocabSize: 2 });
  });
});

describe('deep nesting never overflows the stack', () => {
  it('safetensors shape / data_offsets nested 30,000 deep → bad_header / bad_offsets (was: RangeError)', async () => {
    const shape = `{"x": {"dtype": "F32", "shape": ${deep(30_000)}, "data_offsets": [0, 4]}}`;
    await expect(read(blobOf(rawSafetensors(shape, new Uint8Array(4))))).rejects.toMatchObject({ code: 'bad_header', message: expect.stringMatching(/nested more than 8 levels/) });
    const offsets = `{"x": {"dtype": "F32", "shape": [1], "data_offsets": ${deep(30_000)}}}`;
    await expect(read(blobOf(rawSafetensors(offsets, new Uint8Array(4))))).rejects.toMatchObject({ code: 'bad_header' });
    const shallow = `{"x": {"dtype": "F32", "shape": [1], "data_offsets": ${deep(5)}}}`; // within the scan's bound
    await expect(read(blobOf(rawSafetensors(shallow, new Uint8Array(4))))).rejects.toMatchObject({ code: 'bad_offsets' });
  });
  it('a metadata value nested deeper than 32 levels → bad_metadata (was: RangeError)', async () => {
    await expect(jsonl(`{"metadata": {"note": ${deep(20_000)}}}`, '{"input_ids": [1], "teacher_logits": [[0, 1]]}')).rejects.toMatchObject({ code: 'bad_metadata', tensor: 'metadata.note' });
    await expect(jsonl(`{"metadata": {"vocab": ${deep(20_000)}}}`, '{"input_ids": [1], "teacher_logits": [[0, 1]]}')).rejects.toMatchObject({ code: 'bad_metadata', tensor: 'metadata.vocab' });
    await expect(jsonl(`{"metadata": {"note": ${deep(30)}}}`, '{"input_ids": [1], "teacher_logits": [[0, 1]]}')).resolves.toMatchObject({ n: 1 });
  });
  it('a jsonl field nested 20,000 deep → wrong_shape, found by the scan before JSON.parse (was: RangeError in flatten)', async () => {
    await expect(jsonl(`{"input_ids": ${deep(20_000)}, "teacher_logits": [[0, 1]]}`)).rejects.toMatchObject({ code: 'wrong_shape', tensor: 'input_ids' });
    await expect(jsonl(`{"input_ids": [{"a": ${deep(20_000)}}], "teacher_logits": [[0, 1]]}`)).rejects.toMatchObject({ code: 'wrong_shape', tensor: 'input_ids' });
    await expect(jsonl(`{"input_ids": [1], "teacher_logits": [[0, 1]], "note": ${deep(20_000)}}`)).rejects.toMatchObject({ code: 'too_large', tensor: 'note' });
  });
});

describe('invalid UTF-8 is refused, not replaced by U+FFFD', () => {
  it('jsonl → jsonl_parse, whatever the chunking', async () => {
    const text = new TextEncoder().encode('{"input_ids": [1], "teacher_logits": [[0, 1]], "lang": "e?"}\n');
    text[text.indexOf(0x3f)] = 0xff;
    for (const chunkBytes of [undefined, 7]) {
      await expect(readDistillSet(blobOf(text), 'a.jsonl', { chunkBytes })).rejects.toMatchObject({ code: 'jsonl_parse', message: expect.stringMatching(/not UTF-8 text.*line 1|line 1.*not UTF-8 text/) });
    }
  });
  it('npz |S metadata → bad_metadata', async () => {
    const meta = Uint8Array.from([...new TextEncoder().encode('{"task": "'), 0xc3, 0x28, ...new TextEncoder().encode('"}')]);
    const zip = await makeZip([
      { name: 'metadata.npy', data: npyBytes(`{'descr': '|S${meta.length}', 'fortran_order': False, 'shape': (), }`, meta) },
      { name: 'input_ids.npy', data: npyBytes("{'descr': '<i4', 'fortran_order': False, 'shape': (1, 1), }", new Uint8Array(4)) },
    ]);
    await expect(read(blobOf(zip), 'a.npz')).rejects.toMatchObject({ code: 'bad_metadata', tensor: 'metadata' });
  });
});

describe('zip and npy', () => {
  it('a ZIP64 extra field claiming more bytes than its entry has → zip (was: RangeError out of the DataView)', async () => {
    const zip = await makeZip([{ name: 'a.npy', data: npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)) }], { zip64: true });
    const v = new DataView(zip.buffer);
    const find = (sig: number): number => {
      for (let i = zip.length - 4; i >= 0; i--) if (v.getUint32(i, true) === sig) return i;
      return -1;
    };
    v.setUint16(find(0x02014b50) + 30, 4, true); // the extra field: only its (id, size) header left…
    const z64 = find(0x06064b50);
    v.setBigUint64(z64 + 40, v.getBigUint64(z64 + 40, true) - 24n, true); // …and the directory shortened to match
    await expect(read(blobOf(zip), 'a.npz')).rejects.toMatchObject({ code: 'zip' });
  });
  it('an npy header longer than 1 MiB → npy_header, before it is read', async () => {
    const member = npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4), 2);
    new DataView(member.buffer).setUint32(8, 2 ** 21, true);
    await expect(read(blobOf(await makeZip([{ name: 'input_ids.npy', data: member }])), 'a.npz')).rejects.toMatchObject({ code: 'npy_header' });
  });
});

describe('contract', () => {
  it('teacher_hidden with H = 0 → empty (was: accepted)', async () => {
    await expect(read(st({}, [{ name: 'teacher_hidden', dtype: 'F32', shape: [1, 2, 0], data: new Float32Array(0) }]))).rejects.toMatchObject({ code: 'empty', tensor: 'teacher_hidden' });
  });
  it('vocab_size beyond the int32 id range → bad_metadata', async () => {
    await expect(read(st({ vocab_size: String(2 ** 40), task: 'clm' }))).rejects.toMatchObject({ code: 'bad_metadata', tensor: 'metadata.vocab_size' });
  });
});

describe('error messages', () => {
  it('stay one line and short whatever the file holds (names with newlines, megabyte dtype strings)', async () => {
    const bytes = rawSafetensors({ 'a\nb': { dtype: 'X'.repeat(1_000_000), shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4));
    const err = (await read(blobOf(bytes)).catch((e: unknown) => e)) as FormatError;
    expect(err).toMatchObject({ code: 'unknown_dtype', tensor: 'a\\u000ab' });
    expect(err.message).not.toMatch(/[\n\r]/);
    expect(err.message.length).toBeLessThan(1200);
  });
  it('every code is documented in docs/format.md', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../docs/format.md', import.meta.url), 'utf8');
    for (const code of FORMAT_ERROR_CODES) expect(doc, code).toContain(`| \`${code}\` |`);
  });
});
