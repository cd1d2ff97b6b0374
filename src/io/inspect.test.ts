import { describe, expect, it } from 'vitest';
import { inspectDistillSet } from './inspect.ts';
import { readDistillSet } from './read.ts';
import { fixtureBlob } from './test_helpers.ts';

const inspect = async (name: string) => inspectDistillSet(await readDistillSet(fixtureBlob(name), name));

describe('inspectDistillSet', () => {
  it('dense token set with langs', async () => {
    const s = await inspect('mlm_dense_f16.npz');
    expect(s).toEqual({
      task: 'mlm', n: 3, seq_len: 6, vocab_size: 10, num_classes: null, teacher: 'dense', k: null,
      has_labels: true, has_hidden: false, hidden_size: null, has_logsumexp: false, langs: ['de', 'en'],
      metadata_keys: ['exporter_note', 'format_version', 'langs', 'mask_id', 'pad_id', 'split', 'task', 'teacher_name', 'teacher_params', 'vocab', 'vocab_size'],
    });
    expect(Object.keys(s)).toEqual(['task', 'n', 'seq_len', 'vocab_size', 'num_classes', 'teacher', 'k', 'has_labels', 'has_hidden', 'hidden_size', 'has_logsumexp', 'langs', 'metadata_keys']);
  });
  it('top-k set with logsumexp', async () => {
    expect(await inspect('clm_topk_compressed.npz')).toMatchObject({ task: 'clm', teacher: 'topk', k: 3, has_logsumexp: true, langs: ['en', 'fr'], num_classes: null });
  });
  it('classification with hidden states, no langs', async () => {
    expect(await inspect('cls_bytes_meta.npz')).toMatchObject({ task: 'classification', num_classes: 3, vocab_size: 6, has_hidden: true, hidden_size: 2, langs: null, k: null });
  });
  it('is plain JSON', async () => {
    const s = await inspect('clm_dense_bf16.safetensors');
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
