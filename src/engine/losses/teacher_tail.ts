/**
 * The teacher's tail outside its top-k, from the file's own numbers, in float64 (pure JS: built on the host with
 * each batch, never on the device):
 *   tail = log Σ_{v ∉ top-k} exp(z_v) = lse + log1mexp(lse_K − lse),   lse_K = log Σ_k exp(z_k)
 * with log1mexp(x) = log(1 − eˣ) computed as log(−expm1(x)) for x > −ln 2 and log1p(−eˣ) below (Mächler 2012),
 * so a tail far below float32 resolution of lse is kept to its float64 value. Where the file's lse is not above
 * the listed top-k's (x ≥ 0: K = V, or the tail is below the data's own resolution) the tail is empty: −BIG.
 * This is the exact value the file's float32 data determine; nothing finer can be known from it.
 */

/** Stand-in for log 0 (head/chunks.ts BIG). */
const LOG_ZERO = -1e30;

/** log(1 − eˣ) for x < 0 in float64 (−∞ at x = 0). */
export function log1mexp(x: number): number {
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

/**
 * Per position p of [P, K] logits and [P] lse: the tail on the logit scale, float32 [P] (LOG_ZERO where empty).
 */
export function teacherTail(logits: Float32Array, logsumexp: Float32Array, k: number): Float32Array {
  const positions = logsumexp.length;
  if (logits.length !== positions * k) throw new Error(`teacherTail: ${logits.length} logits for ${positions} positions × k ${k}`);
  const out = new Float32Array(positions);
  for (let p = 0; p < positions; p++) {
    const row = p * k;
    let m = -Infinity;
    for (let j = 0; j < k; j++) m = Math.max(m, logits[row + j]);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(logits[row + j] - m);
    const gap = m + Math.log(sum) - logsumexp[p]; // lse_K − lse ≤ 0 when the tail is not empty
    out[p] = gap < 0 ? Math.max(logsumexp[p] + log1mexp(gap), LOG_ZERO) : LOG_ZERO;
  }
  return out;
}
