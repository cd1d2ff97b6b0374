/**
 * Vocabulary trimming (Abdaoui et al. 2020, "Load What You Need"): the student's vocabulary is the ids the set
 * can ever ask for — input ids ∪ labels ∪ teacher top-k ids (a dense teacher's top-1) ∪ pad / mask / bos / eos ∪ the ids its tokenizer
 * cannot do without (tokenizer_trim.ts) — renumbered in the teacher's order (student id i ↔ teacher id
 * teacherIds[i]). Pure JS over the set's arrays: the CLI and the page trim before building the trainer.
 *
 * What changes, exactly:
 *   top-k teacher: its ids are renumbered; its logsumexp is kept, so the tail bucket (every id outside its top-k,
 *     dropped ones included) keeps the teacher's mass exactly (align.ts). The student's tail sums over the ids it
 *     has; a dropped id is one it would only ever push towards 0.
 *   dense teacher: its logits over the kept ids, plus one column for all dropped ones,
 *     t_tail = log Σ_{v dropped} exp(t_v) (float64 here): the student gets one extra output row (id V', never an
 *     input) whose logit is its mass on "any dropped token". Over these V' + 1 outcomes the KD is the dense one
 *     of docs/losses.md, the tail column tempered like every other (its logit is its T = 1 log-mass: the same
 *     bucket rule as the top-k tail).
 * Metrics of a trimmed student equal those over the full vocabulary with the student's dropped ids at −∞ (a
 * top-k teacher), or with the dropped ids pooled into one outcome on both sides (a dense teacher's KL and prob
 * loyalty; its label loyalty is over tokens, the bucket left out on both sides: DenseTeacher.droppedColumn).
 */
import type { DistillConfig } from '../config/config.ts';
import { estimateStep, trainingBudget, type StepShape } from '../memory/step_estimate.ts';
import { IGNORE_INDEX, type DistillSet } from '../types.ts';
import { requiredTokenizerIds, trimTokenizerJson } from './tokenizer_trim.ts';

export interface VocabMap {
  /** Size of the teacher's (the file's) vocabulary. */
  teacherVocabSize: number;
  /** Teacher id of each student id, ascending. */
  teacherIds: Int32Array;
  /** A dense teacher's dropped-token bucket: the student id of its extra row (= teacherIds.length). */
  tailId?: number;
}

/** Every id the set can ask for (sorted, distinct), with `extra` ids (a tokenizer's specials) added. */
export function keptIds(set: DistillSet, extra: readonly number[] = []): Int32Array {
  const seen = new Uint8Array(set.vocabSize);
  const mark = (id: number) => {
    if (id >= 0 && id < set.vocabSize) seen[id] = 1;
  };
  set.inputIds.forEach(mark);
  if (set.task !== 'classification') set.labels?.forEach((y) => y !== IGNORE_INDEX && mark(y));
  if (set.teacher.kind === 'topk') set.teacher.ids.forEach(mark);
  else markDenseArgmax(set.teacher.logits, set.vocabSize, set.attentionMask, mark);
  const m = set.metadata;
  for (const id of [m.padId, m.maskId, m.bosId, m.eosId, ...extra]) if (id !== undefined) mark(id);
  const out: number[] = [];
  seen.forEach((s, id) => s && out.push(id));
  return Int32Array.from(out);
}

/**
 * A dense teacher's top-1 id at every real position: kept, so that label loyalty over the trimmed vocabulary
 * (dropped ids at −∞ for the student) is the full vocabulary's exactly — the teacher's argmax is always a token
 * the student has.
 */
function markDenseArgmax(logits: Float32Array, v: number, mask: Uint8Array, mark: (id: number) => void): void {
  for (let r = 0; r < mask.length; r++) {
    if (!mask[r]) continue;
    let best = 0;
    for (let j = 1, o = r * v; j < v; j++) if (logits[o + j] > logits[o + best]) best = j;
    mark(best);
  }
}

/** The student's vocabulary size after trimming to `kept` (one more row for a dense teacher's tail). */
export function trimmedVocabSize(set: Pick<StepShape, 'teacher' | 'task'>, kept: number): number {
  return set.task !== 'classification' && set.teacher.kind === 'dense' ? kept + 1 : kept;
}

/** The set in the student's ids (see the file comment) and the map back to the teacher's. */
export function trimSet(set: DistillSet, teacherIds: Int32Array): { set: DistillSet; map: VocabMap } {
  if (set.task === 'classification') throw new Error('trimSet: a classification set has no vocabulary output to trim');
  const v = set.vocabSize;
  const toStudent = new Int32Array(v).fill(-1);
  teacherIds.forEach((t, s) => (toStudent[t] = s));
  const remap = (id: number, what: string): number => {
    const s = toStudent[id];
    if (s < 0) throw new Error(`trimSet: ${what} id ${id} is not in the kept vocabulary`);
    return s;
  };
  const kept = teacherIds.length;
  const dense = set.teacher.kind === 'dense';
  const size = trimmedVocabSize(set, kept);
  let teacher: DistillSet['teacher'];
  if (set.teacher.kind === 'topk') {
    teacher = { ...set.teacher, ids: set.teacher.ids.map((id) => remap(id, 'teacher top-k')) };
  } else {
    const { logits } = set.teacher;
    const rows = logits.length / v;
    const out = new Float32Array(rows * size);
    const isKept = Uint8Array.from(toStudent, (s) => (s >= 0 ? 1 : 0));
    for (let r = 0; r < rows; r++) {
      const src = logits.subarray(r * v, (r + 1) * v);
      const dst = out.subarray(r * size, (r + 1) * size);
      teacherIds.forEach((t, s) => (dst[s] = src[t]));
      // −1e30 when nothing is dropped: the bucket is then empty
      const lse = logSumExpOutside(src, isKept);
      dst[kept] = lse > -Infinity ? lse : -1e30;
    }
    teacher = { kind: 'dense', logits: out, width: size, droppedColumn: true };
  }
  const meta = set.metadata;
  const opt = (id: number | undefined) => (id === undefined ? undefined : remap(id, 'special'));
  const metadata = {
    ...meta,
    vocabSize: size,
    padId: remap(meta.padId, 'pad'),
    maskId: opt(meta.maskId),
    bosId: opt(meta.bosId),
    eosId: opt(meta.eosId),
    vocab: meta.vocab ? [...Array.from(teacherIds, (t) => meta.vocab?.[t] ?? ''), ...(dense ? ['[DROPPED]'] : [])] : undefined,
  };
  const trimmed: DistillSet = {
    ...set,
    vocabSize: size,
    inputIds: set.inputIds.map((id) => remap(id, 'input')),
    labels: set.labels?.map((y) => (y === IGNORE_INDEX ? y : remap(y, 'label'))),
    teacher,
    metadata,
  };
  return { set: trimmed, map: { teacherVocabSize: v, teacherIds, tailId: dense ? kept : undefined } };
}

/** Saving below which `auto` keeps the full vocabulary (the ids of an untrimmed student are the teacher's own). */
export const AUTO_TRIM_MIN_SAVING = 0.2;

export interface TrimDecision {
  trim: boolean;
  mode: DistillConfig['trim_vocab'];
  teacherVocab: number;
  keptIds: number;
  /** The student's vocabulary if trimmed (kept ids, plus a dense teacher's tail row). */
  trimmedVocab: number;
  /** One step's estimate (memory/step_estimate.ts) with the full and with the trimmed vocabulary. */
  fullBytes: number;
  trimmedBytes: number;
  /** One line with the numbers, for the CLI's stderr and the page's summary card. */
  reason: string;
}

/**
 * Whether to trim: `true` / `false` as configured; `auto` trims when it saves at least AUTO_TRIM_MIN_SAVING of the
 * step's memory estimate, or when only the trimmed student fits the backend's budget.
 */
export function decideTrim(set: StepShape, kept: number, config: Readonly<DistillConfig>, backend: string, budgetBytes?: number): TrimDecision {
  const mode = config.trim_vocab;
  const trimmedVocab = trimmedVocabSize(set, kept);
  const shape = (vocabSize: number): StepShape => ({ ...set, vocabSize, teacher: { kind: set.teacher.kind, k: set.teacher.k } });
  const fullBytes = estimateStep(shape(set.vocabSize), config).totalBytes;
  const trimmedBytes = estimateStep(shape(trimmedVocab), config).totalBytes;
  const budget = trainingBudget(backend, budgetBytes);
  const saving = 1 - trimmedBytes / fullBytes;
  const base = { mode, teacherVocab: set.vocabSize, keptIds: kept, trimmedVocab, fullBytes, trimmedBytes };
  const numbers = `the set uses ${kept.toLocaleString('en-US')} of ${set.vocabSize.toLocaleString('en-US')} ids (${pct(kept / set.vocabSize)}); one step ${gib(fullBytes)} with the full vocabulary, ${gib(trimmedBytes)} trimmed (${pct(saving)} less)`;
  if (set.task === 'classification') return { ...base, trim: false, trimmedVocab: set.vocabSize, trimmedBytes: fullBytes, reason: 'vocabulary: a classifier has no vocabulary output to trim' };
  if (mode === true) return { ...base, trim: true, reason: `vocabulary trimmed (trim_vocab true): ${numbers}` };
  if (mode === false) return { ...base, trim: false, reason: `vocabulary kept whole (trim_vocab false): ${numbers}` };
  const needed = fullBytes > budget.bytes && trimmedBytes <= budget.bytes;
  const trim = needed || saving >= AUTO_TRIM_MIN_SAVING;
  const why = needed ? `only the trimmed student fits ${budget.what}` : trim ? `saves at least ${pct(AUTO_TRIM_MIN_SAVING)}` : `saves less than ${pct(AUTO_TRIM_MIN_SAVING)}`;
  return { ...base, trim, reason: `vocabulary ${trim ? 'trimmed' : 'kept whole'} (trim_vocab auto: ${why}): ${numbers}` };
}

const pct = (x: number) => `${(100 * x).toFixed(x < 0.1 ? 1 : 0)} %`;

function gib(bytes: number): string {
  return bytes < 2 ** 30 ? `${(bytes / 2 ** 20).toFixed(0)} MiB` : `${(bytes / 2 ** 30).toFixed(2)} GiB`;
}

export interface PreparedVocabulary {
  /** The set the trainer gets: trimmed, or the original. */
  set: DistillSet;
  /** Student id → teacher id, when trimmed (exports carry it as vocab_map.json). */
  map?: VocabMap;
  decision: TrimDecision;
}

/**
 * The one call before a trainer: decides (decideTrim), and when trimming renumbers the set and cuts its tokenizer
 * down to the same ids (tokenizer_trim.ts; a tokenizer of an unsupported kind is left out, and the reason says so).
 */
export function prepareVocabulary(set: DistillSet, config: Readonly<DistillConfig>, backend: string, budgetBytes?: number): PreparedVocabulary {
  const tokenizer = set.metadata.tokenizerJson;
  const kept = set.task === 'classification' ? new Int32Array(0) : keptIds(set, requiredTokenizerIds(tokenizer));
  const decision = decideTrim(set, kept.length, config, backend, budgetBytes);
  if (!decision.trim) return { set, decision };
  const { set: trimmed, map } = trimSet(set, kept);
  if (tokenizer) {
    const cut = trimTokenizerJson(tokenizer, kept);
    trimmed.metadata = { ...trimmed.metadata, tokenizerJson: cut, tokenizerConfig: cut ? trimmed.metadata.tokenizerConfig : undefined };
    if (!cut) decision.reason += '; its tokenizer (a model type this cannot trim) is left out of the student directory';
  }
  return { set: trimmed, map, decision };
}

/** A trimmed student's map applied to a set in the teacher's ids (distill eval / predict); throws naming what is missing. */
export function applyVocabMap(set: DistillSet, map: VocabMap): DistillSet {
  if (set.vocabSize !== map.teacherVocabSize) {
    throw new Error(`the student was trimmed from a ${map.teacherVocabSize.toLocaleString('en-US')}-token vocabulary, the set has ${set.vocabSize.toLocaleString('en-US')}`);
  }
  if ((map.tailId !== undefined) !== (set.teacher.kind === 'dense')) {
    throw new Error(`the student was trimmed for a ${map.tailId !== undefined ? 'dense' : 'top-k'} teacher, the set has a ${set.teacher.kind} one`);
  }
  const inMap = new Uint8Array(set.vocabSize);
  map.teacherIds.forEach((t) => (inMap[t] = 1));
  const missing = keptIds(set).filter((id) => !inMap[id]);
  if (missing.length > 0) {
    throw new Error(`the set uses ${missing.length} id(s) the trimmed student does not have (e.g. ${Array.from(missing.slice(0, 5)).join(', ')}): evaluate it on the set it was trained on, or train with trim_vocab false`);
  }
  return trimSet(set, map.teacherIds).set;
}

/**
 * Starting weights (e.g. copied from the teacher) cut to a trimmed vocabulary: every tensor whose first axis is
 * the teacher's vocabulary (word embeddings [V, D], an output bias [V]) keeps the kept rows in the student's order.
 * A dense teacher's dropped-token row starts as the mean of the dropped rows, and its output bias as
 * log Σ_dropped exp(b_v): the row's logit is then log Σ_dropped exp(s_v) — the bucket's mass — exactly when the
 * dropped rows are equal, and the copied student starts near the teacher's pooled distribution.
 */
export function trimVocabularyRows<T extends { name: string; shape: number[]; data: Float32Array | Int32Array }>(tensors: readonly T[], map: VocabMap): T[] {
  const v = map.teacherVocabSize;
  return tensors.map((t) => {
    if (t.shape[0] !== v) return t;
    const width = t.data.length / v;
    const rows = map.teacherIds.length + (map.tailId !== undefined ? 1 : 0);
    const out = new Float32Array(rows * width);
    map.teacherIds.forEach((id, s) => out.set(t.data.subarray(id * width, (id + 1) * width), s * width));
    if (map.tailId !== undefined) {
      const kept = new Uint8Array(v);
      map.teacherIds.forEach((id) => (kept[id] = 1));
      const dropped = v - map.teacherIds.length;
      for (let id = 0; id < v; id++) {
        if (kept[id]) continue;
        for (let j = 0; j < width; j++) out[map.tailId * width + j] += t.data[id * width + j] / dropped;
      }
      if (t.shape.length === 1 && dropped > 0) out[map.tailId] = logSumExpOutside(t.data, kept);
    }
    return { ...t, shape: [rows, ...t.shape.slice(1)], data: out };
  });
}

/** log Σ_{v not kept} exp(x_v) in float64 (−∞ when every id is kept): the dropped-token bucket's logit. */
function logSumExpOutside(x: Float32Array | Int32Array, kept: Uint8Array): number {
  let m = -Infinity;
  x.forEach((value, id) => !kept[id] && value > m && (m = value));
  let sum = 0;
  x.forEach((value, id) => !kept[id] && (sum += Math.exp(value - m)));
  return m + Math.log(sum);
}
