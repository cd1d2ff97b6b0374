import { describe, expect, it } from 'vitest';
import { toDistillSet } from './contract.ts';
import type { RawTensor } from './raw_tensor.ts';
import { ramp, tensor, tensorFile } from './test_helpers.ts';

// N = 2 examples, L = 3 positions, V = 5 vocabulary, K = 2.
const ids = (): RawTensor => tensor('i64', [2, 3], BigInt64Array.of(1n, 2n, 0n, 3n, 4n, 0n));
const dense = (): RawTensor => tensor('f32', [2, 3, 5], ramp(30, 7, 3, 2));
const topkIds = (): RawTensor => tensor('i32', [2, 3, 2], Int32Array.of(1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 0, 0));
const topkLogits = (): RawTensor => tensor('f32', [2, 3, 2], Float32Array.of(2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 0, 0));
const lse = (): RawTensor => tensor('f32', [2, 3], Float32Array.of(3, 3, 3, 3, 3, 0));

const denseFile = (extra: Record<string, RawTensor> = {}, meta: Record<string, unknown> = {}) => tensorFile({ input_ids: ids(), teacher_logits: dense(), ...extra }, meta);
const topkFile = (extra: Record<string, RawTensor> = {}, meta: Record<string, unknown> = {}) => tensorFile({ input_ids: ids(), teacher_topk_ids: topkIds(), teacher_topk_logits: topkLogits(), ...extra }, meta);
const clsFile = (extra: Record<string, RawTensor> = {}, meta: Record<string, unknown> = {}) => tensorFile({ input_ids: ids(), teacher_logits: tensor('f32', [2, 4], ramp(8, 3, 1, 1)), ...extra }, meta);
const fails = (f: () => unknown, fields: Record<string, unknown>) => expect(f).toThrow(expect.objectContaining(fields));

describe('toDistillSet: valid files and inference rules', () => {
  it('dense token teacher: int64 → int32, mask from pad_id, vocab_size = V, task clm without mask_id', () => {
    const set = toDistillSet(denseFile());
    expect(set).toMatchObject({ task: 'clm', n: 2, seqLen: 3, vocabSize: 5, teacher: { kind: 'dense', width: 5 } });
    expect(set.inputIds).toEqual(Int32Array.of(1, 2, 0, 3, 4, 0));
    expect(set.attentionMask).toEqual(Uint8Array.of(1, 1, 0, 1, 1, 0));
    expect(set.metadata).toEqual({ task: 'clm', vocabSize: 5, padId: 0, formatVersion: '1' });
    expect(set.labels).toBeUndefined();
    expect(set.numClasses).toBeUndefined();
  });
  it('task mlm when mask_id is given; explicit task always wins', () => {
    expect(toDistillSet(denseFile({}, { mask_id: 4 })).task).toBe('mlm');
    expect(toDistillSet(denseFile({}, { mask_id: 4, task: 'clm' })).task).toBe('clm');
  });
  it('2-D dense teacher → classification with numClasses = C; vocab_size = max id + 1', () => {
    const set = toDistillSet(clsFile({ labels: tensor('i64', [2], BigInt64Array.of(3n, 0n)) }, { label_names: ['a', 'b', 'c', 'd'] }));
    expect(set).toMatchObject({ task: 'classification', numClasses: 4, vocabSize: 5, teacher: { kind: 'dense', width: 4 } });
    expect(set.labels).toEqual(Int32Array.of(3, 0));
    expect(set.metadata.labelNames).toEqual(['a', 'b', 'c', 'd']);
  });
  it('top-k teacher: vocab_size = max(input ids, top-k ids) + 1 unless given', () => {
    const set = toDistillSet(topkFile({ teacher_logsumexp: lse() }));
    expect(set.teacher).toMatchObject({ kind: 'topk', k: 2, ids: topkIds().data, logsumexp: lse().data });
    expect(set.vocabSize).toBe(5);
    expect(toDistillSet(topkFile({}, { vocab_size: '100' })).vocabSize).toBe(100);
    expect(toDistillSet(topkFile({}, { vocab: ['a', 'b', 'c', 'd', 'e', 'f'] })).vocabSize).toBe(6);
  });
  it('uses the given attention_mask (bool / uint8 / int) and pad_id', () => {
    const mask = tensor('bool', [2, 3], Uint8Array.of(1, 1, 1, 1, 0, 0));
    expect(toDistillSet(denseFile({ attention_mask: mask })).attentionMask).toEqual(Uint8Array.of(1, 1, 1, 1, 0, 0));
    expect(toDistillSet(denseFile({}, { pad_id: 4 })).attentionMask).toEqual(Uint8Array.of(1, 1, 1, 1, 0, 1));
  });
  it('converts f16 and bf16 teacher logits, and keeps token labels with -100', () => {
    const f16 = tensor('f16', [2, 3, 5], new Uint16Array(30).fill(0x3c00));
    expect(toDistillSet(denseFile({ teacher_logits: f16 })).teacher).toMatchObject({ logits: new Float32Array(30).fill(1) });
    const bf16 = tensor('bf16', [2, 3, 5], new Uint16Array(30).fill(0xc000));
    expect(toDistillSet(denseFile({ teacher_logits: bf16 })).teacher).toMatchObject({ logits: new Float32Array(30).fill(-2) });
    const labels = tensor('i64', [2, 3], BigInt64Array.of(2n, 0n, -100n, 4n, -100n, -100n));
    expect(toDistillSet(denseFile({ labels })).labels).toEqual(Int32Array.of(2, 0, -100, 4, -100, -100));
  });
  it('reads teacher_hidden [N, L, H] and metadata lists of length N', () => {
    const set = toDistillSet(denseFile({ teacher_hidden: tensor('f16', [2, 3, 4], new Uint16Array(24)) }, { langs: '["en","de"]', split: ['train', 'eval'], note: 7 }));
    expect(set.teacherHidden).toEqual({ data: new Float32Array(24), size: 4 });
    expect(set.metadata).toMatchObject({ langs: ['en', 'de'], split: ['train', 'eval'] });
    expect(set.rawMetadata).toEqual({ langs: '["en","de"]', split: '["train","eval"]', note: '7' });
  });
  it('does not check top-k rows at padding positions (exporters fill them with zeros)', () => {
    const zeros = tensor('i32', [2, 3, 2], Int32Array.of(1, 2, 3, 4, 0, 0, 2, 3, 4, 0, 0, 0));
    expect(() => toDistillSet(topkFile({ teacher_topk_ids: zeros }))).not.toThrow();
  });
});

describe('toDistillSet: refusals name the tensor, expected and found', () => {
  it('missing input_ids', () => {
    fails(() => toDistillSet(tensorFile({ teacher_logits: dense() })), { code: 'missing_tensor', tensor: 'input_ids', found: 'teacher_logits' });
  });
  it('no teacher output, both kinds, or half a top-k pair', () => {
    fails(() => toDistillSet(tensorFile({ input_ids: ids() })), { code: 'missing_teacher' });
    fails(() => toDistillSet(denseFile({ teacher_topk_ids: topkIds(), teacher_topk_logits: topkLogits() })), { code: 'teacher_ambiguous', found: 'teacher_logits, teacher_topk_ids, teacher_topk_logits' });
    fails(() => toDistillSet(denseFile({ teacher_logsumexp: lse() })), { code: 'teacher_ambiguous' });
    fails(() => toDistillSet(tensorFile({ input_ids: ids(), teacher_topk_ids: topkIds() })), { code: 'missing_tensor', tensor: 'teacher_topk_logits' });
    fails(() => toDistillSet(tensorFile({ input_ids: ids(), teacher_topk_logits: topkLogits() })), { code: 'missing_tensor', tensor: 'teacher_topk_ids' });
  });
  it('N = 0 or L = 0', () => {
    fails(() => toDistillSet(tensorFile({ input_ids: tensor('i32', [0, 3], new Int32Array(0)), teacher_logits: tensor('f32', [0, 3, 5], new Float32Array(0)) })), { code: 'empty', tensor: 'input_ids' });
  });
  it('shape mismatches in N, L, K, V, C', () => {
    fails(() => toDistillSet(tensorFile({ input_ids: tensor('i32', [6], new Int32Array(6)), teacher_logits: dense() })), { code: 'wrong_shape', tensor: 'input_ids', expected: '[N, L]', found: '[6]' });
    fails(() => toDistillSet(denseFile({ teacher_logits: tensor('f32', [3, 3, 5], new Float32Array(45)) })), { code: 'wrong_shape', tensor: 'teacher_logits', expected: '[N=2, L=3, V]', found: '[3, 3, 5]' });
    fails(() => toDistillSet(denseFile({ teacher_logits: tensor('f32', [2, 4, 5], new Float32Array(40)) })), { code: 'wrong_shape', tensor: 'teacher_logits', found: '[2, 4, 5]' });
    fails(() => toDistillSet(denseFile({}, { vocab_size: '6' })), { code: 'wrong_shape', tensor: 'teacher_logits', expected: '[N=2, L=3, V=6]' });
    fails(() => toDistillSet(topkFile({ teacher_topk_logits: tensor('f32', [2, 3, 3], new Float32Array(18)) })), { code: 'wrong_shape', tensor: 'teacher_topk_logits', expected: '[N=2, L=3, K=2]' });
    fails(() => toDistillSet(topkFile({ teacher_topk_ids: tensor('i32', [2, 3], new Int32Array(6)) })), { code: 'wrong_shape', tensor: 'teacher_topk_ids' });
    fails(() => toDistillSet(topkFile({ teacher_logsumexp: tensor('f32', [2, 3, 1], new Float32Array(6)) })), { code: 'wrong_shape', tensor: 'teacher_logsumexp', expected: '[N=2, L=3]' });
    fails(() => toDistillSet(denseFile({ attention_mask: tensor('u8', [2, 2], new Uint8Array(4)) })), { code: 'wrong_shape', tensor: 'attention_mask' });
    fails(() => toDistillSet(denseFile({ labels: tensor('i32', [2], new Int32Array(2)) })), { code: 'wrong_shape', tensor: 'labels', expected: '[N=2, L=3]', found: '[2]' });
    fails(() => toDistillSet(clsFile({ labels: tensor('i32', [2, 3], new Int32Array(6)) })), { code: 'wrong_shape', tensor: 'labels', expected: '[N=2]' });
    fails(() => toDistillSet(denseFile({ teacher_hidden: tensor('f32', [2, 4, 1], new Float32Array(8)) })), { code: 'wrong_shape', tensor: 'teacher_hidden', expected: '[N=2, L=3, H]' });
  });
  it('task and teacher rank disagree', () => {
    fails(() => toDistillSet(denseFile({}, { task: 'classification' })), { code: 'wrong_shape', tensor: 'teacher_logits', expected: '[N=2, C]' });
    fails(() => toDistillSet(clsFile({}, { task: 'mlm' })), { code: 'wrong_shape', tensor: 'teacher_logits', expected: '[N=2, L=3, V]', found: '[2, 4]' });
    fails(() => toDistillSet(topkFile({}, { task: 'classification' })), { code: 'wrong_shape', tensor: 'teacher_topk_ids' });
  });
  it('wrong dtypes', () => {
    fails(() => toDistillSet(denseFile({ input_ids: tensor('f32', [2, 3], new Float32Array(6)) })), { code: 'wrong_dtype', tensor: 'input_ids', expected: 'int32|int64', found: 'f32' });
    fails(() => toDistillSet(denseFile({ teacher_logits: tensor('i32', [2, 3, 5], new Int32Array(30)) })), { code: 'wrong_dtype', tensor: 'teacher_logits', expected: 'f32|f16|bf16', found: 'i32' });
    fails(() => toDistillSet(denseFile({ attention_mask: tensor('f32', [2, 3], new Float32Array(6)) })), { code: 'wrong_dtype', tensor: 'attention_mask' });
    fails(() => toDistillSet(topkFile({ teacher_topk_ids: tensor('f32', [2, 3, 2], new Float32Array(12)) })), { code: 'wrong_dtype', tensor: 'teacher_topk_ids' });
    fails(() => toDistillSet(denseFile({ labels: tensor('f32', [2, 3], new Float32Array(6)) })), { code: 'wrong_dtype', tensor: 'labels' });
    fails(() => toDistillSet(denseFile({ teacher_hidden: tensor('i32', [2, 3, 1], new Int32Array(6)) })), { code: 'wrong_dtype', tensor: 'teacher_hidden' });
  });
  it('ids outside [0, vocab_size)', () => {
    fails(() => toDistillSet(denseFile({ input_ids: tensor('i32', [2, 3], Int32Array.of(1, 2, 5, 0, 0, 0)) })), { code: 'id_range', tensor: 'input_ids', expected: '[0, 5)', found: '5', index: 2 });
    fails(() => toDistillSet(denseFile({ input_ids: tensor('i32', [2, 3], Int32Array.of(1, -1, 0, 0, 0, 0)) })), { code: 'id_range', tensor: 'input_ids', found: '-1', index: 1 });
    const big = tensor('i32', [2, 3, 2], Int32Array.of(1, 2, 3, 7, 0, 1, 2, 3, 4, 0, 0, 0));
    fails(() => toDistillSet(topkFile({ teacher_topk_ids: big }, { vocab_size: 5 })), { code: 'id_range', tensor: 'teacher_topk_ids', expected: '[0, 5)', found: '7', index: 3 });
    fails(() => toDistillSet(topkFile({ teacher_topk_ids: tensor('i32', [2, 3, 2], Int32Array.of(1, -5, 3, 4, 0, 1, 2, 3, 4, 0, 0, 0)) })), { code: 'id_range', tensor: 'teacher_topk_ids', found: '-5' });
    fails(() => toDistillSet(denseFile({ input_ids: tensor('i64', [2, 3], BigInt64Array.of(1n, 1n << 33n, 0n, 0n, 0n, 0n)) })), { code: 'id_range', tensor: 'input_ids', index: 1 });
  });
  it('labels outside [0, V) other than -100, and classification labels outside [0, C)', () => {
    fails(() => toDistillSet(denseFile({ labels: tensor('i32', [2, 3], Int32Array.of(-100, 5, 0, 0, 0, 0)) })), { code: 'id_range', tensor: 'labels', expected: '-100 or [0, 5)', found: '5', index: 1 });
    fails(() => toDistillSet(denseFile({ labels: tensor('i32', [2, 3], Int32Array.of(-1, 0, 0, 0, 0, 0)) })), { code: 'id_range', tensor: 'labels', found: '-1', index: 0 });
    fails(() => toDistillSet(clsFile({ labels: tensor('i32', [2], Int32Array.of(0, 4)) })), { code: 'id_range', tensor: 'labels', expected: '[0, 4)', found: '4', index: 1 });
    fails(() => toDistillSet(clsFile({ labels: tensor('i32', [2], Int32Array.of(-100, 0)) })), { code: 'id_range', tensor: 'labels', found: '-100' });
  });
  it('mask values other than 0/1', () => {
    fails(() => toDistillSet(denseFile({ attention_mask: tensor('i32', [2, 3], Int32Array.of(1, 1, 0, 1, 2, 0)) })), { code: 'bad_value', tensor: 'attention_mask', index: 4 });
  });
  it('NaN / Inf in teacher logits, top-k logits, logsumexp and hidden states, with the first flat index', () => {
    const d = dense();
    (d.data as Float32Array)[17] = NaN;
    (d.data as Float32Array)[20] = Infinity;
    fails(() => toDistillSet(denseFile({ teacher_logits: d })), { code: 'non_finite', tensor: 'teacher_logits', index: 17, found: 'NaN' });
    const t = topkLogits();
    (t.data as Float32Array)[5] = -Infinity;
    fails(() => toDistillSet(topkFile({ teacher_topk_logits: t })), { code: 'non_finite', tensor: 'teacher_topk_logits', index: 5, found: '-Infinity' });
    const l = lse();
    (l.data as Float32Array)[4] = NaN;
    fails(() => toDistillSet(topkFile({ teacher_logsumexp: l })), { code: 'non_finite', tensor: 'teacher_logsumexp', index: 4 });
    const f16 = tensor('f16', [2, 3, 5], new Uint16Array(30));
    (f16.data as Uint16Array)[29] = 0x7c00;
    fails(() => toDistillSet(denseFile({ teacher_logits: f16 })), { code: 'non_finite', index: 29, found: 'Infinity' });
    fails(() => toDistillSet(denseFile({ teacher_hidden: tensor('f32', [2, 3, 1], Float32Array.of(0, 0, 0, NaN, 0, 0)) })), { code: 'non_finite', tensor: 'teacher_hidden', index: 3 });
  });
  it('repeated top-k ids at a real position, logsumexp below the top-k logits, K > vocab_size', () => {
    const dup = tensor('i32', [2, 3, 2], Int32Array.of(1, 2, 3, 3, 0, 1, 2, 3, 4, 0, 0, 0));
    fails(() => toDistillSet(topkFile({ teacher_topk_ids: dup })), { code: 'bad_value', tensor: 'teacher_topk_ids', index: 3 });
    const low = tensor('f32', [2, 3], Float32Array.of(3, 3, 3, 1.5, 3, 0));
    fails(() => toDistillSet(topkFile({ teacher_logsumexp: low })), { code: 'bad_value', tensor: 'teacher_logsumexp', index: 3 });
    const k6 = { teacher_topk_ids: tensor('i32', [2, 3, 6], Int32Array.from({ length: 36 }, (_, i) => i % 6)), teacher_topk_logits: tensor('f32', [2, 3, 6], new Float32Array(36)) };
    fails(() => toDistillSet(topkFile(k6, { vocab_size: 5 })), { code: 'wrong_shape', tensor: 'teacher_topk_ids', expected: 'K ≤ vocab_size = 5' });
  });
  it('a set with no real position (all masked, or every id the pad id) → empty: nothing to learn from', () => {
    fails(() => toDistillSet(denseFile({ attention_mask: tensor('u8', [2, 3], new Uint8Array(6)) })), { code: 'empty', tensor: 'attention_mask', found: '0 of 6' });
    const allPad = tensor('i32', [2, 3], new Int32Array(6).fill(4));
    expect(() => toDistillSet(denseFile({ input_ids: allPad }, { pad_id: 4 }))).toThrow(/every input id is pad_id = 4/);
    expect(toDistillSet(denseFile({ input_ids: allPad }, { pad_id: 3 })).n).toBe(2);
  });
  it('a logsumexp below the listed top-k\'s own log-sum-exp, beyond what the stored dtypes\' rounding explains', () => {
    // Listed logits [2, 1]: their log-sum-exp is 2.3133; a logsumexp of 2.3 means a listed mass of 1.0134.
    const at = (value: number, dtype: 'f32' | 'f16' | 'bf16' = 'f32'): Record<string, RawTensor> => {
      const lseF32 = Float32Array.of(value, 3, 3, 3, 3, 0);
      const bits = (x: number): number => (dtype === 'bf16' ? new Uint32Array(Float32Array.of(x).buffer)[0] >>> 16 : 0);
      return { teacher_logsumexp: dtype === 'f32' ? tensor('f32', [2, 3], lseF32) : tensor(dtype, [2, 3], Uint16Array.from(lseF32, bits)) };
    };
    fails(() => toDistillSet(topkFile(at(2.3))), { code: 'bad_value', tensor: 'teacher_logsumexp', index: 0 });
    expect(() => toDistillSet(topkFile(at(2.3)))).toThrow(/their probabilities sum to 1\.013/);
    expect(toDistillSet(topkFile(at(2.313256))).n).toBe(2); // f32: 4e-6 short, within 2^-24 relative + 1e-5 nats
    // bf16 is good to 2^-8 relative: the honest 2.31326 rounds to 2.3125 (accepted), one bf16 step lower,
    // 2.296875, is more than rounding can explain
    expect(toDistillSet(topkFile(at(2.31326, 'bf16'))).n).toBe(2);
    fails(() => toDistillSet(topkFile(at(2.3, 'bf16'))), { code: 'bad_value', tensor: 'teacher_logsumexp', index: 0 });
  });
  it('metadata: unknown task, list lengths, split values, pad_id / mask_id / vocab beyond vocab_size', () => {
    fails(() => toDistillSet(denseFile({}, { task: 'translation' })), { code: 'unknown_task', tensor: 'metadata.task' });
    fails(() => toDistillSet(denseFile({}, { langs: ['en'] })), { code: 'bad_metadata', tensor: 'metadata.langs', expected: '2 (one per example)', found: '1' });
    fails(() => toDistillSet(denseFile({}, { split: '["train","eval","eval"]' })), { code: 'bad_metadata', tensor: 'metadata.split' });
    fails(() => toDistillSet(denseFile({}, { split: ['train', 'test'] })), { code: 'bad_metadata', tensor: 'metadata.split', found: '"test"', index: 1 });
    fails(() => toDistillSet(clsFile({}, { label_names: ['a'] })), { code: 'bad_metadata', tensor: 'metadata.label_names', found: '1' });
    fails(() => toDistillSet(denseFile({}, { pad_id: 5 })), { code: 'bad_metadata', tensor: 'metadata.pad_id' });
    fails(() => toDistillSet(denseFile({}, { mask_id: 7 })), { code: 'bad_metadata', tensor: 'metadata.mask_id' });
    fails(() => toDistillSet(topkFile({}, { vocab_size: 5, vocab: ['a', 'b', 'c', 'd', 'e', 'f'] })), { code: 'bad_metadata', tensor: 'metadata.vocab' });
  });
});
