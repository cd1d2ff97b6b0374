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
 * Largest relative rounding error of a value stored in each float dtype: half a unit in the last place of its
 * significand (bf16 8 bits, f16 11, f32 24). f64 is rounded to f32 on load.
 */
export const ROUNDING_ERROR: Readonly<Record<string, number>> = { bf16: 2 ** -8, f16: 2 ** -11, f32: 2 ** -24, f64: 2 ** -24 };

/** Slack for the exporter's own float32 arithmetic of a log-sum-exp over V terms, in nats (mass ×1.00001). */
export const LOGSUMEXP_COMPUTE_SLACK = 1e-5;

/** How teacher_logsumexp and teacher_topk_logits were stored: the dtypes fix the rounding tolerance. */
export interface TopKRounding {
  logsumexp: number;
  logits: number;
}

/**
 * Top-k rows at real (mask = 1) positions: ids distinct within a row, and the full-vocabulary logsumexp (when
 * given) at least the log-sum-exp of the K listed logits — it is log Σ over all V, which includes those K
 * terms — up to what rounding both to their stored dtypes explains:
 *   lse ≥ lse_K − (ε_lse·|lse| + ε_logits·Σ_j p̂_j·|z_j| + LOGSUMEXP_COMPUTE_SLACK),
 * with lse_K = log Σ_j exp(z_j), p̂ = softmax(z) over the K (rounding each z_j by ε|z_j| moves lse_K by at most
 * Σ_j p̂_j·ε|z_j|). Honest bf16 exports reach a listed mass exp(lse_K − lse) ≈ 1.05–1.1; the loss floors the tail
 * at such positions (losses/align.ts). Padding positions are not checked (exporters fill them with zeros).
 */
export function checkTopKRows(ids: Int32Array, logits: Float32Array, lse: Float32Array | undefined, mask: Uint8Array, k: number, rounding: TopKRounding): void {
  // Repeats are found by stamping: stamp[id] = row + 1, O(k) a row without hashing (a Set per row was 60% of
  // reading a 100 MB file). Ids outside [0, STAMP_LIMIT) — out of range, reported by checkIds — use a Set.
  let stamp = new Int32Array(1 << 16); // grown to the next power of two when a larger id comes
  const odd = new Set<number>();
  const logK = Math.log(k);
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
    if (lse && lse[p] < maxLogit + logK) checkLogsumexp(logits, base, k, maxLogit, lse[p], p, rounding); // lse_K ≤ max + log K
  }
}

function checkLogsumexp(logits: Float32Array, base: number, k: number, maxLogit: number, lse: number, p: number, rounding: TopKRounding): void {
  let sum = 0;
  let weightedAbs = 0;
  for (let j = 0; j < k; j++) {
    const z = logits[base + j];
    const w = Math.exp(z - maxLogit);
    sum += w;
    weightedAbs += w * Math.abs(z);
  }
  const lseK = maxLogit + Math.log(sum);
  const tolerance = rounding.logsumexp * Math.abs(lse) + (rounding.logits * weightedAbs) / sum + LOGSUMEXP_COMPUTE_SLACK;
  if (lse >= lseK - tolerance) return;
  throw new FormatError('bad_value', `logsumexp below the log-sum-exp of the listed top-k logits (their probabilities sum to ${Math.exp(lseK - lse).toPrecision(4)}), more than rounding to the stored dtypes explains: not the full-vocabulary logsumexp of the same logits`, {
    tensor: 'teacher_logsumexp',
    expected: `≥ ${(lseK - tolerance).toPrecision(7)}`,
    found: String(lse),
    index: p,
  });
}

/** Largest id the repeat check stamps directly (a 64 MiB table at most). */
const STAMP_LIMIT = 1 << 24;
