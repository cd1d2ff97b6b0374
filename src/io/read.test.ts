import { describe, expect, it } from 'vitest';
import { readDistillSet, readTensorFile } from './read.ts';
import { blobOf, fixtureBlob, ramp } from './test_helpers.ts';

describe('readDistillSet on numpy-written and spec-written fixtures', () => {
  it('mlm_dense_f16.npz: mlm, f16 dense teacher, bool mask, int64 labels, native metadata', async () => {
    const set = await readDistillSet(fixtureBlob('mlm_dense_f16.npz'), 'mlm_dense_f16.npz');
    expect(set).toMatchObject({ task: 'mlm', n: 3, seqLen: 6, vocabSize: 10, teacher: { kind: 'dense', width: 10, logits: ramp(180, 17, 8, 4) } });
    expect(set.inputIds.slice(12)).toEqual(Int32Array.of(4, 5, 6, 7, 0, 0));
    expect(set.attentionMask.slice(12)).toEqual(Uint8Array.of(1, 1, 1, 1, 0, 0));
    expect(set.labels?.[1]).toBe(7);
    expect(set.labels?.[8]).toBe(9);
    expect(set.labels?.filter((x) => x !== -100).length).toBe(2);
    expect(set.metadata).toEqual({
      task: 'mlm', vocabSize: 10, padId: 0, maskId: 3, vocab: Array.from({ length: 10 }, (_, i) => `t${i}`),
      langs: ['en', 'de', 'en'], split: ['train', 'train', 'eval'], teacherName: 'tiny-bert', teacherParams: 4400000, formatVersion: '1',
    });
    expect(set.rawMetadata.exporter_note).toBe('kept');
    expect(set.rawMetadata.vocab_size).toBe('10');
  });
  it('clm_topk_compressed.npz: clm, top-k with logsumexp, shifted labels, string metadata', async () => {
    const set = await readDistillSet(fixtureBlob('clm_topk_compressed.npz'), 'clm_topk_compressed.npz');
    expect(set).toMatchObject({ task: 'clm', n: 2, seqLen: 5, vocabSize: 50, teacher: { kind: 'topk', k: 3 } });
    expect(set.metadata).toMatchObject({ langs: ['en', 'fr'], teacherMsPerExample: 2.5 });
    for (let i = 0; i < 2; i++) {
      for (let t = 0; t < 4; t++) expect(set.labels?.[i * 5 + t]).toBe(set.inputIds[i * 5 + t + 1]);
      expect(set.labels?.[i * 5 + 4]).toBe(-100);
    }
    const teacher = set.teacher.kind === 'topk' ? set.teacher : undefined;
    expect(teacher?.ids.slice(0, 6)).toEqual(Int32Array.of(0, 11, 22, 33, 44, 5));
    expect(teacher?.logsumexp?.[0]).toBe((teacher?.logits[0] ?? 0) + 1.5);
  });
  it('cls_bytes_meta.npz: classification, |S metadata, big-endian hidden states', async () => {
    const set = await readDistillSet(fixtureBlob('cls_bytes_meta.npz'), 'cls_bytes_meta.npz');
    expect(set).toMatchObject({ task: 'classification', n: 4, seqLen: 3, numClasses: 3, vocabSize: 6, labels: Int32Array.of(0, 2, 1, 2) });
    expect(set.teacherHidden).toEqual({ data: ramp(24, 9, 4, 8), size: 2 });
    expect(set.metadata.labelNames).toEqual(['neg', 'neu', 'pos']);
  });
  it('clm_dense_bf16.safetensors: bf16 logits, I64 ids, vocab from the vocab list', async () => {
    const set = await readDistillSet(fixtureBlob('clm_dense_bf16.safetensors'), 'clm_dense_bf16.safetensors');
    expect(set).toMatchObject({ task: 'clm', n: 2, seqLen: 4, vocabSize: 8, teacher: { kind: 'dense', width: 8, logits: ramp(64, 13, 6, 2) } });
    expect(set.metadata.teacherName).toBe('tiny-gpt');
  });
});

describe('container choice', () => {
  const files = ['mlm_dense_f16.npz', 'clm_topk_compressed.npz', 'clm_dense_bf16.safetensors'];
  it('falls back to the magic bytes when the extension is unknown or missing', async () => {
    for (const f of files) {
      const blob = fixtureBlob(f);
      expect(await readDistillSet(blob, 'upload.bin')).toEqual(await readDistillSet(blob, f));
      expect(await readDistillSet(blob, 'noext')).toEqual(await readDistillSet(blob, f));
    }
    const jsonl = '\ufeff{"metadata": {"task": "clm"}}\n{"input_ids": [1, 2], "teacher_logits": [[0, 1, 2], [2, 1, 0]]}\n';
    expect((await readDistillSet(blobOf(jsonl), 'data.txt')).vocabSize).toBe(3);
  });
  it('matches extensions case-insensitively', async () => {
    expect((await readTensorFile(fixtureBlob('mlm_dense_f16.npz'), 'SET.NPZ')).tensors.size).toBe(4);
  });
  it('refuses a file it cannot place', async () => {
    await expect(readDistillSet(blobOf('hello world, not a set'), 'notes.txt')).rejects.toMatchObject({ code: 'unknown_container', found: 'notes.txt' });
    await expect(readDistillSet(blobOf(''), 'empty')).rejects.toMatchObject({ code: 'unknown_container' });
  });
  it('passes progress through to the reader', async () => {
    const blob = fixtureBlob('mlm_dense_f16.npz');
    let last = 0;
    await readDistillSet(blob, 'a.npz', { chunkBytes: 100, onProgress: (r) => (last = r) });
    expect(last).toBe(blob.size);
  });
});
