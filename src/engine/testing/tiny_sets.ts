/**
 * Tiny, learnable DistillSets built in code, for tests (host, components, the e2e fixture): no files needed.
 * The teacher is a fixed rule the student can learn in a few dozen steps:
 *  - mlm: at a masked position the teacher favours the original token, elsewhere the input token itself;
 *  - classification: the class is (first token mod C).
 * Vocabulary strings include markup-looking tokens ("<b>", "&amp;") to prove they render as text.
 */
import { IGNORE_INDEX, type DistillSet } from '../types.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const TINY_WORDS = ['the', 'cat', 'sat', 'on', 'mat', 'der', 'hund', 'le', 'chat', '<b>', '&amp;', 'ü', 'run', 'fast', 'blue', 'sky', 'and', 'was'];

export interface TinyOptions {
  n?: number;
  seqLen?: number;
  k?: number;
  seed?: number;
  withHidden?: boolean;
}

/** A masked-LM set with a top-k (+ logsumexp) teacher, labels, languages, a vocabulary and hidden states. */
export function tinyMlmSet({ n = 48, seqLen = 12, k = 4, seed = 1, withHidden = true }: TinyOptions = {}): DistillSet {
  const vocab = ['[PAD]', '[MASK]', ...TINY_WORDS];
  const V = vocab.length;
  const H = 8;
  const r = rng(seed);
  const inputIds = new Int32Array(n * seqLen);
  const attentionMask = new Uint8Array(n * seqLen);
  const labels = new Int32Array(n * seqLen).fill(IGNORE_INDEX);
  const ids = new Int32Array(n * seqLen * k);
  const logits = new Float32Array(n * seqLen * k);
  const logsumexp = new Float32Array(n * seqLen);
  const hidden = new Float32Array(n * seqLen * H);
  const langs: string[] = [];
  for (let i = 0; i < n; i++) {
    langs.push(['en', 'de', 'fr'][i % 3]);
    const len = seqLen - Math.floor(r() * 3);
    for (let t = 0; t < seqLen; t++) {
      const p = i * seqLen + t;
      if (t >= len) continue; // padding: id 0, mask 0
      const original = 2 + Math.floor(r() * (V - 2));
      const masked = r() < 0.2;
      inputIds[p] = masked ? 1 : original;
      attentionMask[p] = 1;
      if (masked) labels[p] = original;
      // Full teacher logits: 4 at the target, 2 at its neighbour, 0 elsewhere; keep the top k.
      const full = new Float32Array(V);
      full[original] = 4;
      full[2 + ((original - 2 + 1) % (V - 2))] = 2;
      let max = -Infinity;
      for (const v of full) max = Math.max(max, v);
      let sum = 0;
      for (const v of full) sum += Math.exp(v - max);
      logsumexp[p] = max + Math.log(sum);
      const order = Array.from({ length: V }, (_, j) => j).sort((a, b) => full[b] - full[a] || a - b);
      for (let j = 0; j < k; j++) {
        ids[p * k + j] = order[j];
        logits[p * k + j] = full[order[j]];
      }
      for (let h = 0; h < H; h++) hidden[p * H + h] = Math.sin(original * (h + 1));
    }
  }
  return {
    task: 'mlm',
    n,
    seqLen,
    vocabSize: V,
    inputIds,
    attentionMask,
    labels,
    teacher: { kind: 'topk', k, ids, logits, logsumexp },
    teacherHidden: withHidden ? { data: hidden, size: H } : undefined,
    metadata: {
      task: 'mlm',
      vocabSize: V,
      padId: 0,
      maskId: 1,
      vocab,
      teacherName: 'tiny-teacher',
      teacherParams: 110_000_000,
      teacherMsPerExample: 12.5,
      langs,
      formatVersion: '1',
    },
    rawMetadata: {},
  };
}

/** A classification set with a dense teacher over C classes and label names. */
export function tinyClassificationSet({ n = 40, seqLen = 8, seed = 2 }: TinyOptions = {}): DistillSet {
  const vocab = ['[PAD]', '[CLS]', ...TINY_WORDS];
  const V = vocab.length;
  const C = 3;
  const r = rng(seed);
  const inputIds = new Int32Array(n * seqLen);
  const attentionMask = new Uint8Array(n * seqLen);
  const labels = new Int32Array(n);
  const logits = new Float32Array(n * C);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < seqLen; t++) {
      inputIds[i * seqLen + t] = t === 0 ? 1 : 2 + Math.floor(r() * (V - 2));
      attentionMask[i * seqLen + t] = 1;
    }
    const cls = inputIds[i * seqLen + 1] % C;
    labels[i] = cls;
    for (let c = 0; c < C; c++) logits[i * C + c] = c === cls ? 3 : 0;
  }
  return {
    task: 'classification',
    n,
    seqLen,
    vocabSize: V,
    numClasses: C,
    inputIds,
    attentionMask,
    labels,
    teacher: { kind: 'dense', logits, width: C },
    metadata: {
      task: 'classification',
      vocabSize: V,
      padId: 0,
      vocab,
      labelNames: ['negative', 'neutral', 'positive'],
      teacherName: 'tiny-classifier',
      teacherParams: 66_000_000,
      formatVersion: '1',
    },
    rawMetadata: {},
  };
}
