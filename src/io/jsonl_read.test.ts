import { describe, expect, it } from 'vitest';
import { readJsonl } from './jsonl_read.ts';
import { blobOf } from './test_helpers.ts';

const lines = (...objs: unknown[]): string => objs.map((o) => (typeof o === 'string' ? o : JSON.stringify(o))).join('\n') + '\n';
const read = (text: string, chunkBytes?: number) => readJsonl(blobOf(new TextEncoder().encode(text)), { chunkBytes });

const ex = (i: number) => ({
  input_ids: [i + 1, i + 2, 0],
  attention_mask: [true, 1, false],
  labels: [-100, i + 3, -100],
  teacher_logits: [[0.5, -1, 2], [1, 1, 1], [0, 0, 0]].map((r) => r.map((x) => x + i)),
});

describe('readJsonl', () => {
  it('reads the metadata line and stacks examples into [N, …] tensors', async () => {
    const file = await read(lines({ metadata: { task: 'mlm', vocab_size: 3, note: 'x' } }, ex(0), ex(1)));
    expect(file.metadata).toEqual({ task: 'mlm', vocab_size: 3, note: 'x' });
    expect(file.tensors.get('input_ids')).toEqual({ dtype: 'i32', shape: [2, 3], data: Int32Array.of(1, 2, 0, 2, 3, 0) });
    expect(file.tensors.get('attention_mask')).toEqual({ dtype: 'u8', shape: [2, 3], data: Uint8Array.of(1, 1, 0, 1, 1, 0) });
    expect(file.tensors.get('labels')?.data).toEqual(Int32Array.of(-100, 3, -100, -100, 4, -100));
    expect(file.tensors.get('teacher_logits')).toMatchObject({ dtype: 'f32', shape: [2, 3, 3] });
    expect((file.tensors.get('teacher_logits')?.data as Float32Array).slice(9, 12)).toEqual(Float32Array.of(1.5, 0, 3));
  });
  it('works without a metadata line, with CRLF, blank lines and a missing final newline', async () => {
    const file = await read(`${JSON.stringify(ex(0))}\r\n\r\n${JSON.stringify(ex(1))}`);
    expect(file.metadata).toEqual({});
    expect(file.tensors.get('input_ids')?.shape).toEqual([2, 3]);
  });
  it('reads scalar per-example labels (classification) as [N]', async () => {
    const file = await read(lines({ input_ids: [1, 2], labels: 1, teacher_logits: [0, 1] }, { input_ids: [2, 2], labels: 0, teacher_logits: [1, 0] }));
    expect(file.tensors.get('labels')).toEqual({ dtype: 'i32', shape: [2], data: Int32Array.of(1, 0) });
    expect(file.tensors.get('teacher_logits')?.shape).toEqual([2, 2]);
  });
  it('gives the same result for every chunk size, multi-byte UTF-8 split across chunks included', async () => {
    const text = lines({ metadata: { vocab: ['ä', '🙂', '日本'] } }, ex(0), ex(1));
    const whole = await read(text);
    for (const chunk of [1, 2, 5, 64]) expect(await read(text, chunk)).toEqual(whole);
    expect(whole.metadata.vocab).toEqual(['ä', '🙂', '日本']);
  });
  it('turns per-example "lang" and "split" into metadata lists (unless metadata has them)', async () => {
    const file = await read(lines({ ...ex(0), lang: 'en', split: 'train' }, { ...ex(1), lang: 'de', split: 'eval' }));
    expect(file.metadata).toEqual({ langs: ['en', 'de'], split: ['train', 'eval'] });
    const kept = await read(lines({ metadata: { langs: ['x', 'y'] } }, { ...ex(0), lang: 'en' }, { ...ex(1), lang: 'de' }));
    expect(kept.metadata.langs).toEqual(['x', 'y']);
    await expect(read(lines({ ...ex(0), lang: 'en' }, ex(1)))).rejects.toMatchObject({ code: 'bad_metadata', tensor: 'lang' });
  });
  it('ignores unknown fields', async () => {
    const file = await read(lines({ ...ex(0), text: 'hello', id: 7 }));
    expect([...file.tensors.keys()].sort()).toEqual(['attention_mask', 'input_ids', 'labels', 'teacher_logits']);
  });

  describe('refuses', () => {
    it('a line that is not JSON or not an object, naming the line', async () => {
      await expect(read(lines(ex(0), '{"input_ids": [1,'))).rejects.toMatchObject({ code: 'jsonl_parse', message: expect.stringContaining('line 2') });
      await expect(read(lines(ex(0), '[1, 2]'))).rejects.toMatchObject({ code: 'jsonl_parse' });
    });
    it('NaN / Infinity (as Python json.dumps writes them)', async () => {
      await expect(read(lines(ex(0), '{"input_ids": [1, 2, 0], "teacher_logits": [[NaN, 1, 2]]}'))).rejects.toMatchObject({ code: 'non_finite', message: expect.stringContaining('line 2') });
      await expect(read(lines('{"input_ids": [1], "teacher_logits": [[-Infinity]]}'))).rejects.toMatchObject({ code: 'non_finite' });
    });
    it('shapes that differ between examples, and ragged lists', async () => {
      await expect(read(lines(ex(0), { ...ex(1), input_ids: [1, 2] }))).rejects.toMatchObject({ code: 'wrong_shape', tensor: 'input_ids', expected: '[3]', found: '[2]' });
      await expect(read(lines({ ...ex(0), teacher_logits: [[1, 2], [1]] }))).rejects.toMatchObject({ code: 'wrong_shape', tensor: 'teacher_logits' });
      await expect(read(lines({ ...ex(0), teacher_logits: [[1, 2], 3] }))).rejects.toMatchObject({ code: 'wrong_shape' });
    });
    it('a field present in some examples only', async () => {
      const { labels: _labels, ...noLabels } = ex(1);
      await expect(read(lines(ex(0), noLabels))).rejects.toMatchObject({ code: 'missing_tensor', tensor: 'labels' });
      await expect(read(lines(noLabels, ex(0)))).rejects.toMatchObject({ code: 'missing_tensor', tensor: 'labels' });
    });
    it('non-integer ids, out-of-int32 ids, bad mask values and non-numbers', async () => {
      await expect(read(lines({ ...ex(0), input_ids: [1, 2.5, 0] }))).rejects.toMatchObject({ code: 'wrong_dtype', tensor: 'input_ids', index: 1 });
      await expect(read(lines({ ...ex(0), input_ids: [1, 2 ** 31, 0] }))).rejects.toMatchObject({ code: 'wrong_dtype', tensor: 'input_ids' });
      await expect(read(lines({ ...ex(0), attention_mask: [1, 2, 0] }))).rejects.toMatchObject({ code: 'wrong_dtype', tensor: 'attention_mask' });
      await expect(read(lines({ ...ex(0), teacher_logits: [['a', 1, 2], [1, 1, 1], [0, 0, 0]] }))).rejects.toMatchObject({ code: 'wrong_dtype', found: '"a"' });
    });
  });
});
