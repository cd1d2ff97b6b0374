/**
 * The file contract (docs/format.md): TensorFile (any container) → validated DistillSet.
 * Names, dtypes, shapes and values are checked here, once, for every container; conversions (int64 → int32,
 * f16 / bf16 → f32, masks → 0/1) happen on the way.
 */
import { checkFinite, checkIds, checkLabels, checkTopKRows, expectShape, maxOf, ROUNDING_ERROR, type Dim } from './contract_checks.ts';
import type { DistillMetadata, DistillSet, Task, TeacherOutput } from './distill_set.ts';
import { toFloat32, toInt32, toMask } from './dtype_convert.ts';
import { FormatError } from './errors.ts';
import { parseMetadata, type ParsedMetadata } from './metadata.ts';
import type { RawTensor, TensorFile } from './raw_tensor.ts';

/** Written into DistillMetadata.formatVersion when the file does not say. */
export const DEFAULT_FORMAT_VERSION = '1';

const TOPK_NAMES = ['teacher_topk_ids', 'teacher_topk_logits', 'teacher_logsumexp'] as const;

export function toDistillSet(file: TensorFile): DistillSet {
  const { parsed: meta, raw } = parseMetadata(file.metadata);
  const t = file.tensors;

  const idsRaw = t.get('input_ids');
  if (!idsRaw) throw new FormatError('missing_tensor', 'required tensor missing', { tensor: 'input_ids', expected: 'int32|int64 [N, L]', found: listNames(file) });
  const [n, seqLen] = expectShape(idsRaw, 'input_ids', [['N', undefined], ['L', undefined]]);
  if (n === 0 || seqLen === 0) throw new FormatError('empty', 'no examples or no positions', { tensor: 'input_ids', expected: 'N ≥ 1, L ≥ 1', found: `[${n}, ${seqLen}]` });
  const inputIds = toInt32(idsRaw, 'input_ids');

  const dense = t.get('teacher_logits');
  const topkPresent = TOPK_NAMES.filter((name) => t.has(name));
  if (dense && topkPresent.length > 0) {
    throw new FormatError('teacher_ambiguous', 'give either teacher_logits (dense) or teacher_topk_* (top-k), not both', { tensor: 'teacher_logits', found: ['teacher_logits', ...topkPresent].join(', ') });
  }
  if (!dense && topkPresent.length === 0) {
    throw new FormatError('missing_teacher', 'no teacher output', { expected: 'teacher_logits, or teacher_topk_ids + teacher_topk_logits', found: listNames(file) });
  }

  const task: Task = meta.task ?? (dense && dense.shape.length === 2 ? 'classification' : meta.maskId !== undefined ? 'mlm' : 'clm');
  const N: Dim = ['N', n];
  const L: Dim = ['L', seqLen];

  const attentionMask = readMask(t.get('attention_mask'), meta.padId ?? 0, inputIds, [N, L]);
  let teacher: TeacherOutput;
  let numClasses: number | undefined;
  if (task === 'classification') {
    if (!dense) throw new FormatError('wrong_shape', 'classification needs a dense teacher', { tensor: topkPresent[0], expected: 'teacher_logits [N, C]', found: 'top-k tensors' });
    const [, c] = expectShape(dense, 'teacher_logits', [N, ['C', undefined]]);
    if (c === 0) throw new FormatError('empty', 'no classes', { tensor: 'teacher_logits', expected: 'C ≥ 1', found: '0' });
    numClasses = c;
    teacher = { kind: 'dense', logits: floats(dense, 'teacher_logits'), width: c };
  } else if (dense) {
    const [, , v] = expectShape(dense, 'teacher_logits', [N, L, ['V', meta.vocabSize ?? meta.vocab?.length]]);
    teacher = { kind: 'dense', logits: floats(dense, 'teacher_logits'), width: v };
  } else {
    teacher = readTopK(t, [N, L], attentionMask);
  }

  const labelsRaw = t.get('labels');
  const labels = labelsRaw ? toInt32(labelsRaw, 'labels') : undefined;
  if (labelsRaw) expectShape(labelsRaw, 'labels', task === 'classification' ? [N] : [N, L]);

  const vocabSize = meta.vocabSize ?? meta.vocab?.length ?? (teacher.kind === 'dense' && task !== 'classification' ? teacher.width : inferredVocab(inputIds, teacher, task === 'classification' ? undefined : labels, meta));
  checkIds(inputIds, 'input_ids', vocabSize, 'vocab_size');
  if (teacher.kind === 'topk') {
    if (teacher.k > vocabSize) throw new FormatError('wrong_shape', 'more top-k entries than vocabulary ids', { tensor: 'teacher_topk_ids', expected: `K ≤ vocab_size = ${vocabSize}`, found: `K = ${teacher.k}` });
    checkIds(teacher.ids, 'teacher_topk_ids', vocabSize, 'vocab_size');
  }
  if (labels) {
    if (numClasses !== undefined) checkLabels(labels, 'labels', numClasses, 'num_classes', false);
    else checkLabels(labels, 'labels', vocabSize, 'vocab_size', true);
  }

  const hiddenRaw = t.get('teacher_hidden');
  let teacherHidden: DistillSet['teacherHidden'];
  if (hiddenRaw) {
    const [, , h] = expectShape(hiddenRaw, 'teacher_hidden', [N, L, ['H', undefined]]);
    if (h === 0) throw new FormatError('empty', 'no hidden units', { tensor: 'teacher_hidden', expected: 'H ≥ 1', found: '0' });
    teacherHidden = { data: floats(hiddenRaw, 'teacher_hidden'), size: h };
  }

  const metadata = resolveMetadata(meta, task, vocabSize, n, numClasses);
  const set: DistillSet = { task, n, seqLen, vocabSize, inputIds, attentionMask, teacher, metadata, rawMetadata: raw };
  if (numClasses !== undefined) set.numClasses = numClasses;
  if (labels) set.labels = labels;
  if (teacherHidden) set.teacherHidden = teacherHidden;
  return set;
}

/** The mask (given, or input_ids != pad_id); a set with no real position has nothing to distill or learn from. */
function readMask(raw: RawTensor | undefined, padId: number, inputIds: Int32Array, dims: Dim[]): Uint8Array {
  let mask: Uint8Array;
  if (raw) {
    expectShape(raw, 'attention_mask', dims);
    mask = toMask(raw, 'attention_mask');
  } else {
    mask = Uint8Array.from(inputIds, (id) => (id === padId ? 0 : 1));
  }
  if (mask.indexOf(1) < 0) {
    const why = raw ? 'every position is padding (attention_mask is all 0)' : `every input id is pad_id = ${padId}, so the default mask (input_ids != pad_id) is all 0`;
    throw new FormatError('empty', `no position to distill or learn from: ${why}`, { tensor: 'attention_mask', expected: 'at least one position with mask 1', found: `0 of ${mask.length}` });
  }
  return mask;
}

function readTopK(t: Map<string, RawTensor>, nl: Dim[], mask: Uint8Array): TeacherOutput {
  const idsRaw = t.get('teacher_topk_ids');
  const logitsRaw = t.get('teacher_topk_logits');
  if (!idsRaw || !logitsRaw) {
    const missing = idsRaw ? 'teacher_topk_logits' : 'teacher_topk_ids';
    throw new FormatError('missing_tensor', 'top-k teacher needs both teacher_topk_ids and teacher_topk_logits', { tensor: missing, expected: `${missing} [N, L, K]` });
  }
  const [, , k] = expectShape(idsRaw, 'teacher_topk_ids', [...nl, ['K', undefined]]);
  if (k === 0) throw new FormatError('empty', 'K must be at least 1', { tensor: 'teacher_topk_ids', expected: 'K ≥ 1', found: '0' });
  expectShape(logitsRaw, 'teacher_topk_logits', [...nl, ['K', k]]);
  const ids = toInt32(idsRaw, 'teacher_topk_ids', 'int32|int64');
  const logits = floats(logitsRaw, 'teacher_topk_logits');
  const lseRaw = t.get('teacher_logsumexp');
  let logsumexp: Float32Array | undefined;
  if (lseRaw) {
    expectShape(lseRaw, 'teacher_logsumexp', nl);
    logsumexp = floats(lseRaw, 'teacher_logsumexp');
  }
  const roundingOf = (raw: RawTensor): number => raw.roundingError ?? ROUNDING_ERROR[raw.dtype] ?? 0;
  const rounding = { logits: roundingOf(logitsRaw), logsumexp: lseRaw ? roundingOf(lseRaw) : 0 };
  checkTopKRows(ids, logits, logsumexp, mask, k, rounding);
  return logsumexp ? { kind: 'topk', k, ids, logits, logsumexp } : { kind: 'topk', k, ids, logits };
}

/** Float tensor → float32, refusing NaN / ±Inf. */
function floats(raw: RawTensor, name: string): Float32Array {
  const x = toFloat32(raw, name, 'f32|f16|bf16');
  checkFinite(x, name);
  return x;
}

/** Without vocab_size: 1 + the largest id the file uses (input, top-k, token labels, pad_id, mask_id). */
function inferredVocab(inputIds: Int32Array, teacher: TeacherOutput, tokenLabels: Int32Array | undefined, meta: ParsedMetadata): number {
  let m = Math.max(maxOf(inputIds), meta.padId ?? 0, meta.maskId ?? 0);
  if (teacher.kind === 'topk') m = Math.max(m, maxOf(teacher.ids));
  if (tokenLabels) m = Math.max(m, maxOf(tokenLabels));
  return m + 1;
}

function resolveMetadata(meta: ParsedMetadata, task: Task, vocabSize: number, n: number, numClasses: number | undefined): DistillMetadata {
  const padId = meta.padId ?? 0;
  if (padId >= vocabSize) throw new FormatError('bad_metadata', 'pad_id outside the vocabulary', { tensor: 'metadata.pad_id', expected: `< vocab_size = ${vocabSize}`, found: String(padId) });
  if (meta.maskId !== undefined && meta.maskId >= vocabSize) throw new FormatError('bad_metadata', 'mask_id outside the vocabulary', { tensor: 'metadata.mask_id', expected: `< vocab_size = ${vocabSize}`, found: String(meta.maskId) });
  for (const [key, id] of [['bos_id', meta.bosId], ['eos_id', meta.eosId]] as const) {
    if (id !== undefined && id >= vocabSize) throw new FormatError('bad_metadata', `${key} outside the vocabulary`, { tensor: `metadata.${key}`, expected: `< vocab_size = ${vocabSize}`, found: String(id) });
  }
  if (meta.vocab && meta.vocab.length > vocabSize) throw listLength('vocab', `≤ vocab_size = ${vocabSize}`, meta.vocab.length);
  if (meta.langs && meta.langs.length !== n) throw listLength('langs', `${n} (one per example)`, meta.langs.length);
  if (meta.split) {
    if (meta.split.length !== n) throw listLength('split', `${n} (one per example)`, meta.split.length);
    const i = meta.split.findIndex((s) => s !== 'train' && s !== 'eval');
    if (i >= 0) throw new FormatError('bad_metadata', 'split values must be "train" or "eval"', { tensor: 'metadata.split', expected: 'train|eval', found: JSON.stringify(meta.split[i]), index: i });
  }
  if (meta.labelNames && numClasses !== undefined && meta.labelNames.length !== numClasses) throw listLength('label_names', `${numClasses} (C)`, meta.labelNames.length);
  const out: DistillMetadata = { task, vocabSize, padId, formatVersion: meta.formatVersion ?? DEFAULT_FORMAT_VERSION };
  const optional = ['maskId', 'bosId', 'eosId', 'tokenizerJson', 'tokenizerConfig', 'vocab', 'labelNames', 'teacherName', 'teacherParams', 'teacherMsPerExample', 'langs', 'split'] as const;
  for (const key of optional) if (meta[key] !== undefined) Object.assign(out, { [key]: meta[key] });
  return out;
}

function listLength(key: string, expected: string, found: number): FormatError {
  return new FormatError('bad_metadata', 'list has the wrong length', { tensor: `metadata.${key}`, expected, found: String(found) });
}

/** The tensors a file holds, read or skipped (unknown names are skipped by readDistillSet). */
function listNames(file: TensorFile): string {
  const names = [...file.tensors.keys(), ...(file.skipped ?? [])];
  return names.length === 0 ? 'no tensors' : names.join(', ');
}
