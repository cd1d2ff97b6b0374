import { createRng, shuffleInPlace } from '../rng.ts';
import type { DistillSet } from '../types.ts';

export interface Split {
  train: number[];
  eval: number[];
  /** Where the split came from, for the report. */
  source: 'metadata' | 'seeded';
}

/**
 * Train / held-out example indices. A `split` list in the metadata (the exporter's fixed held-out part) wins;
 * otherwise a seeded shuffle holds out ⌈eval_fraction · N⌉ examples (at least 1 when N ≥ 2 and fraction > 0).
 */
export function splitExamples(set: DistillSet, evalFraction: number, seed: number): Split {
  const tags = set.metadata.split;
  if (tags && tags.length === set.n) {
    const train: number[] = [];
    const held: number[] = [];
    tags.forEach((tag, i) => (tag === 'train' ? train : held).push(i));
    if (train.length > 0 && held.length > 0) return { train, eval: held, source: 'metadata' };
  }
  const order = shuffleInPlace(Array.from({ length: set.n }, (_, i) => i), createRng(seed ^ 0x51ed));
  let nEval = evalFraction > 0 ? Math.max(1, Math.ceil(evalFraction * set.n)) : 0;
  if (nEval >= set.n) nEval = set.n - 1;
  const heldOut = order.slice(0, Math.max(0, nEval)).sort((a, b) => a - b);
  const train = order.slice(Math.max(0, nEval)).sort((a, b) => a - b);
  return { train, eval: heldOut, source: 'seeded' };
}
