/**
 * Test-only: random valid DistillSets (every task and teacher kind, optional parts on or off) for
 * round-trip property tests. Built through toDistillSet so they are valid by construction.
 */
import fc from 'fast-check';
import { toDistillSet } from './contract.ts';
import type { DistillSet } from './distill_set.ts';
import type { RawTensor } from './raw_tensor.ts';
import { tensor, tensorFile } from './test_helpers.ts';

interface Shape {
  kind: 'dense' | 'topk' | 'cls';
  n: number;
  l: number;
  v: number;
  k: number;
  c: number;
  h: number;
  labels: boolean;
  hidden: boolean;
  lse: boolean;
  langs: boolean;
  seed: number;
}

/** A small deterministic PRNG (mulberry32) so a shrunk counterexample rebuilds the same set. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function buildSet(s: Shape): DistillSet {
  const r = rng(s.seed);
  const int = (max: number): number => Math.floor(r() * max);
  const float = (): number => Math.fround((r() - 0.5) * 20);
  const nl = s.n * s.l;
  const ids = Int32Array.from({ length: nl }, () => int(s.v));
  const t: Record<string, RawTensor> = { input_ids: tensor('i32', [s.n, s.l], ids) };
  // position 0 is always real: a set without one is refused (nothing to learn from)
  t.attention_mask = tensor('u8', [s.n, s.l], Uint8Array.from({ length: nl }, (_, i) => (i === 0 || r() < 0.8 ? 1 : 0)));
  const meta: Record<string, unknown> = { vocab_size: s.v, note: `seed ${s.seed}` };
  if (s.kind === 'cls') {
    t.teacher_logits = tensor('f32', [s.n, s.c], Float32Array.from({ length: s.n * s.c }, float));
    if (s.labels) t.labels = tensor('i32', [s.n], Int32Array.from({ length: s.n }, () => int(s.c)));
  } else {
    meta.task = s.kind === 'dense' ? 'mlm' : 'clm';
    if (s.kind === 'dense') {
      t.teacher_logits = tensor('f32', [s.n, s.l, s.v], Float32Array.from({ length: nl * s.v }, float));
    } else {
      const k = Math.min(s.k, s.v);
      const topIds = new Int32Array(nl * k);
      for (let p = 0; p < nl; p++) {
        const start = int(s.v);
        for (let j = 0; j < k; j++) topIds[p * k + j] = (start + j) % s.v; // distinct within a row
      }
      const logits = Float32Array.from({ length: nl * k }, float);
      t.teacher_topk_ids = tensor('i32', [s.n, s.l, k], topIds);
      t.teacher_topk_logits = tensor('f32', [s.n, s.l, k], logits);
      // the listed tokens' log-sum-exp + 1: the unlisted ones hold 1 − 1/e of the mass
      const lseK = (row: Float32Array): number => Math.log(row.reduce((sum, z) => sum + Math.exp(z), 0));
      if (s.lse) t.teacher_logsumexp = tensor('f32', [s.n, s.l], Float32Array.from({ length: nl }, (_, p) => lseK(logits.subarray(p * k, p * k + k)) + 1));
    }
    if (s.labels) t.labels = tensor('i32', [s.n, s.l], Int32Array.from({ length: nl }, () => (r() < 0.5 ? -100 : int(s.v))));
  }
  if (s.hidden) t.teacher_hidden = tensor('f32', [s.n, s.l, s.h], Float32Array.from({ length: nl * s.h }, float));
  if (s.langs) meta.langs = Array.from({ length: s.n }, () => (r() < 0.5 ? 'en' : 'de'));
  return toDistillSet(tensorFile(t, meta));
}

export const arbitrarySet: fc.Arbitrary<DistillSet> = fc
  .record({
    kind: fc.constantFrom('dense' as const, 'topk' as const, 'cls' as const),
    n: fc.integer({ min: 1, max: 4 }),
    l: fc.integer({ min: 1, max: 5 }),
    v: fc.integer({ min: 2, max: 9 }),
    k: fc.integer({ min: 1, max: 4 }),
    c: fc.integer({ min: 1, max: 4 }),
    h: fc.integer({ min: 1, max: 3 }),
    labels: fc.boolean(),
    hidden: fc.boolean(),
    lse: fc.boolean(),
    langs: fc.boolean(),
    seed: fc.integer(),
  })
  .map(buildSet);

/** The set without rawMetadata (writers add the resolved keys to it). */
export function withoutRaw(set: DistillSet): Omit<DistillSet, 'rawMetadata'> {
  const { rawMetadata: _raw, ...rest } = set;
  return rest;
}
