import { describe, expect, it } from 'vitest';
import { parseMetadata } from './metadata.ts';

describe('parseMetadata', () => {
  it('decodes safetensors-style strings', () => {
    const { parsed, raw } = parseMetadata({
      task: 'mlm', vocab_size: '30522', pad_id: '0', mask_id: '103', vocab: '["[PAD]", "a"]', langs: '["en"]',
      teacher_params: '1.1e8', teacher_ms_per_example: '3.5', format_version: '1', teacher_name: 'bert',
    });
    expect(parsed).toEqual({
      task: 'mlm', vocabSize: 30522, padId: 0, maskId: 103, vocab: ['[PAD]', 'a'], langs: ['en'],
      teacherParams: 1.1e8, teacherMsPerExample: 3.5, formatVersion: '1', teacherName: 'bert',
    });
    expect(raw.vocab_size).toBe('30522');
  });
  it('decodes native JSON values (npz / jsonl) and keeps their JSON text in raw', () => {
    const { parsed, raw } = parseMetadata({ vocab_size: 10, label_names: ['a', 'b'], format_version: 1, split: ['train'] });
    expect(parsed).toEqual({ vocabSize: 10, labelNames: ['a', 'b'], formatVersion: '1', split: ['train'] });
    expect(raw).toEqual({ vocab_size: '10', label_names: '["a","b"]', format_version: '1', split: '["train"]' });
  });
  it('treats null, "", "null" and "None" as absent', () => {
    expect(parseMetadata({ mask_id: null, pad_id: '', vocab: 'null', teacher_params: 'None' }).parsed).toEqual({});
  });
  it('keeps unknown keys in raw only', () => {
    const { parsed, raw } = parseMetadata({ exporter: { v: 2 }, note: 'x' });
    expect(parsed).toEqual({});
    expect(raw).toEqual({ exporter: '{"v":2}', note: 'x' });
  });
  it('refuses wrong types, naming the key', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ vocab_size: '30522.5' }, 'metadata.vocab_size'],
      [{ vocab_size: 0 }, 'metadata.vocab_size'],
      [{ pad_id: -1 }, 'metadata.pad_id'],
      [{ mask_id: 'abc' }, 'metadata.mask_id'],
      [{ vocab: '[1, 2]' }, 'metadata.vocab'],
      [{ langs: 'en,de' }, 'metadata.langs'],
      [{ teacher_params: 'many' }, 'metadata.teacher_params'],
      [{ teacher_name: ['x'] }, 'metadata.teacher_name'],
    ];
    for (const [meta, tensor] of cases) expect(() => parseMetadata(meta)).toThrow(expect.objectContaining({ code: 'bad_metadata', tensor }));
  });
  it('refuses an unknown task', () => {
    expect(() => parseMetadata({ task: 'seq2seq' })).toThrow(expect.objectContaining({ code: 'unknown_task', tensor: 'metadata.task', expected: 'mlm|clm|classification', found: '"seq2seq"' }));
  });
});
