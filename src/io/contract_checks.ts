/**
 * Value and shape checks of the contract, each failing with a FormatError that names the tensor, what was
 * expected, what was found and the first bad flat (row-major) index.
 */
import { IGNORE_INDEX } from './distill_set.ts';
import { FormatError, shapeStr } from './errors.ts';
import type { RawTensor } from './raw_tensor.ts';

/** A dimension the contract names: its letter and, when already fixed by another tensor, its size. */
export type Dim = [label: string, size: number | undefined];

/** Checks rank and every fixed dimension; returns the shape. */
export function expectShape(t: RawTensor, name: string, dims: Dim[]): number[] {
  const ok = t.shape.length === dims.length && dims.every(([, size], i) => size === undefined || t.shape[i] === size);
  if (!ok) {
    const expected = `[${dims.map(([l, s]) => (s === undefined ? l : `${l}=${s}`)).join(', ')}]`;
    throw new FormatError('wrong_shape', 'shape does not match the contract', { tensor: name, expected, found: shapeStr(t.shape) });
  }
  return t.shape;
}

/** Every id in [0, size); `what` names the bound in the message (vocab_size, num_classes). */
export function checkIds(ids: Int32Array, name: string, size: number, what: string): void {
  for (let i = 0; i < ids.length; i++) {
    const v = ids[i];
    if (v < 0 || v >= size) throw new FormatError('id_range', `id outside [0, ${what})`, { tensor: name, expected: `[0, ${size})`, found: String(v), index: i });
  }
}

/** Every label is IGNORE_INDEX (-100) or in [0, size). */
export function checkLabels(labels: Int32Array, name: string, size: number, what: string, allowIgnore: boolean): void {
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if ((v < 0 || v >= size) && !(allowIgnore && v === IGNORE_INDEX)) {
      const expected = allowIgnore ? `-100 or [0, ${size})` : `[0, ${size})`;
      throw new FormatError('id_range', `label outside ${allowIgnore ? `-100 ∪ [0, ${what})` : `[0, ${what})`}`, { tensor: name, expected, found: String(v), index: i });
    }
  }
}

/** No NaN, +Inf or -Inf. */
export function checkFinite(x: Float32Array, name: string): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new FormatError('non_finite', 'non-finite value', { tensor: name, expected: 'finite', found: String(x[i]), index: i });
  }
}

/** Largest value, or -1 for an empty array. */
export function maxOf(x: Int32Array): number {
  let m = -1;
  for (let i = 0; i < x.length; i++) if (x[i] > m) m = x[i];
  return m;
}

/**
 * Top-k rows at real (mask = 1) positions: ids distinct within a row, and the full-vocabulary logsumexp
 * (when given) at least the largest top-k logit — it is log Σ over all V, which includes those k terms.
 * Padding positions are not checked (exporters fill them with zeros).
 */
export function checkTopKRows(ids: Int32Array, logits: Float32Array, lse: Float32Array | undefined, mask: Uint8Array, k: number): void {
  // Repeats are found by stamping: stamp[id] = row + 1, O(k) a row without hashing (a Set per row was 60% of
  // reading a 100 MB file). Ids outside [0, STAMP_LIMIT) — out of range, reported by checkIds — use a Set.
  let stamp = new Int32Array(1 << 16); // grown to the next power of two when a larger id comes
  const odd = new Set<number>();
  for (let p = 0; p < mask.length; p++) {
    if (mask[p] === 0) continue;
    const base = p * k;
    const mark = p + 1;
    odd.clear();
    let maxLogit = -Infinity;
    for (let j = 0; j < k; j++) {
      const id = ids[base + j];
      let repeated: boolean;
      if (id >= 0 && id < STAMP_LIMIT) {
        if (id >= stamp.length) {
          const grown = new Int32Array(Math.min(STAMP_LIMIT, 2 ** Math.ceil(Math.log2(id + 1))));
          grown.set(stamp);
          stamp = grown;
        }
        repeated = stamp[id] === mark;
        stamp[id] = mark;
      } else {
        repeated = odd.has(id);
        odd.add(id);
      }
      if (repeated) throw new FormatError('bad_value', 'top-k ids repeat within a position', { tensor: 'teacher_topk_ids', expected: 'distinct ids per position', found: `id ${id} twice`, index: base + j });
      maxLogit = Math.max(maxLogit, logits[base + j]);
    }
    if (lse && lse[p] < maxLogit - (1e-3 + 2e-3 * Math.abs(maxLogit))) {
      throw new FormatError('bad_value', 'logsumexp below the largest top-k logit: not the full-vocabulary logsumexp of the same logits', {
        tensor: 'teacher_logsumexp',
        expected: `≥ ${maxLogit}`,
        found: String(lse[p]),
        index: p,
      });
    }
  }
}

/** Largest id the repeat check stamps directly (a 64 MiB table at most). */
const STAMP_LIMIT = 1 << 24;
