/**
 * Small synthetic distillation sets for tests and demos of the engine: a "teacher" with a learnable rule
 * (each token predicts (id · 3 + position) mod V, sharpened), so a student can visibly become loyal.
 * Pure JS: no tfjs, usable from any layer's tests.
 */
import { createRng } from '../rng.ts';
import { IGNORE_INDEX, type DistillSet, type Task } from '../types.ts';

export interface SyntheticOptions {
  task?: Task;
  n?: number;
  seqLen?: number;
  vocabSize?: number;
  numClasses?: number;
  /** Emit a top-k teacher with this k instead of dense logits. */
  topk?: number;
  withLogsumexp?: boolean;
  hiddenSize?: number;
  withLabels?: boolean;
  langs?: string[];
  seed?: number;
  /** Teacher logit scale: larger = sharper teacher. */
  sharpness?: number;
}

export function syntheticSet(opts: SyntheticOptions = {}): DistillSet {
  const task = opts.task ?? 'mlm';
  const n = opts.n ?? 48;
  const l = opts.seqLen ?? 8;
  const v = opts.vocabSize ?? 16;
  const c = opts.numClasses ?? 3;
  const sharp = opts.sharpness ?? 4;
  const rng = createRng(opts.seed ?? 1);
  const padId = 0;
  const inputIds = new Int32Array(n * l);
  const attentionMask = new Uint8Array(n * l);
  for (let i = 0; i < n; i++) {
    const len = Math.max(2, l - rng.int(3)); // a few padded tails
    for (let t = 0; t < l; t++) {
      if (t < len) {
        inputIds[i * l + t] = 1 + rng.int(v - 1);
        attentionMask[i * l + t] = 1;
      } else inputIds[i * l + t] = padId;
    }
  }
  const classification = task === 'classification';
  const width = classification ? c : v;
  const positions = classification ? n : n * l;
  const dense = new Float32Array(positions * width);
  const target = (p: number) => {
    if (classification) {
      let s = 0;
      for (let t = 0; t < l; t++) s += inputIds[p * l + t];
      return s % c;
    }
    const t = p % l;
    return (inputIds[p] * 3 + t) % v;
  };
  for (let p = 0; p < positions; p++) {
    const y = target(p);
    for (let j = 0; j < width; j++) dense[p * width + j] = (j === y ? sharp : 0) + 0.3 * (rng.next() - 0.5) + (j === (y + 1) % width ? sharp / 3 : 0);
  }
  let labels: Int32Array | undefined;
  if (opts.withLabels ?? true) {
    labels = new Int32Array(classification ? n : n * l);
    for (let p = 0; p < labels.length; p++) {
      labels[p] = classification || attentionMask[p] ? target(p) : IGNORE_INDEX;
    }
  }
  let teacher: DistillSet['teacher'] = { kind: 'dense', logits: dense, width };
  if (opts.topk && !classification) {
    const k = opts.topk;
    const ids = new Int32Array(positions * k);
    const logits = new Float32Array(positions * k);
    const lse = new Float32Array(positions);
    for (let p = 0; p < positions; p++) {
      const row = Array.from(dense.subarray(p * v, (p + 1) * v));
      const order = row.map((x, j) => [x, j] as const).sort((a, b) => b[0] - a[0]).slice(0, k);
      order.forEach(([x, j], r) => {
        ids[p * k + r] = j;
        logits[p * k + r] = x;
      });
      const m = Math.max(...row);
      lse[p] = m + Math.log(row.reduce((s, x) => s + Math.exp(x - m), 0));
    }
    teacher = { kind: 'topk', k, ids, logits, logsumexp: opts.withLogsumexp === false ? undefined : lse };
  }
  let teacherHidden: DistillSet['teacherHidden'];
  if (opts.hiddenSize) {
    const h = opts.hiddenSize;
    const data = new Float32Array(n * l * h);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(inputIds[Math.floor(i / h)] * 0.7 + (i % h));
    teacherHidden = { data, size: h };
  }
  return {
    task,
    n,
    seqLen: l,
    vocabSize: v,
    numClasses: classification ? c : undefined,
    inputIds,
    attentionMask,
    labels,
    teacher,
    teacherHidden,
    metadata: { task, vocabSize: v, padId, formatVersion: '1', langs: opts.langs },
    rawMetadata: { task },
  };
}

export interface LargeVocabOptions {
  n?: number;
  seqLen?: number;
  /** The declared vocabulary V (e.g. XLM-R's 250,002). */
  vocabSize: number;
  /** How many distinct ids the set uses, scattered over [1, V). */
  used?: number;
  k?: number;
  task?: 'mlm' | 'clm';
  seed?: number;
}

/**
 * A top-k + logsumexp set over a large vocabulary without ever building [N·L, V] (pure JS): the set uses `used`
 * ids scattered over the vocabulary; each position's teacher puts a sharp logit on a rule's target (a function of
 * the input id and the position, as syntheticSet's), its other top-k on random used ids, and ~e⁻⁴ of its mass in
 * the tail. For memory and vocabulary-trimming tests at multilingual sizes.
 */
export function syntheticLargeVocabSet(opts: LargeVocabOptions): DistillSet {
  const { vocabSize: v } = opts;
  const n = opts.n ?? 64;
  const l = opts.seqLen ?? 64;
  const k = opts.k ?? 32;
  const task = opts.task ?? 'mlm';
  const rng = createRng(opts.seed ?? 7);
  const usedCount = Math.min(opts.used ?? 4000, v - 1);
  const pool = new Set<number>();
  while (pool.size < usedCount) pool.add(1 + rng.int(v - 1));
  const used = [...pool];
  const inputIds = new Int32Array(n * l);
  const attentionMask = new Uint8Array(n * l);
  for (let i = 0; i < n; i++) {
    const len = Math.max(2, l - rng.int(3));
    for (let t = 0; t < len; t++) {
      inputIds[i * l + t] = used[rng.int(used.length)];
      attentionMask[i * l + t] = 1;
    }
  }
  const rank = new Map(used.map((id, r) => [id, r]));
  const ids = new Int32Array(n * l * k);
  const logits = new Float32Array(n * l * k);
  const logsumexp = new Float32Array(n * l);
  const labels = new Int32Array(n * l).fill(IGNORE_INDEX);
  for (let p = 0; p < n * l; p++) {
    const target = used[((rank.get(inputIds[p]) ?? 0) * 3 + (p % l)) % used.length];
    const row = new Set<number>([target]);
    while (row.size < k) row.add(used[rng.int(used.length)]);
    let j = 0;
    let sum = 0;
    for (const id of row) {
      const z = id === target ? 6 : 0.5 * (rng.next() - 0.5);
      ids[p * k + j] = id;
      logits[p * k + j] = z;
      sum += Math.exp(z);
      j++;
    }
    logsumexp[p] = Math.log(sum + Math.exp(6 - 4)); // the tail: e² on the logit scale, ≈ e⁻⁴ of the top
    if (attentionMask[p]) labels[p] = target;
  }
  return {
    task,
    n,
    seqLen: l,
    vocabSize: v,
    inputIds,
    attentionMask,
    labels: task === 'mlm' ? labels : undefined,
    teacher: { kind: 'topk', k, ids, logits, logsumexp },
    metadata: { task, vocabSize: v, padId: 0, formatVersion: '1' },
    rawMetadata: { task },
  };
}
