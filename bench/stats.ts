/** Small statistics for the benchmark: medians and ratios of interleaved runs. Pure. */

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Tokens per second of a step over B·L tokens taking `msPerStep`. */
export function tokensPerSecond(batchSize: number, seqLen: number, msPerStep: number): number {
  return (batchSize * seqLen * 1000) / msPerStep;
}

/**
 * Ratio of our throughput to a peer's, from runs interleaved in one session: median over rounds of
 * peerMs[i] / oursMs[i] (each round's two runs saw the same machine load), so > 1 means we are faster.
 */
export function pairedSpeedup(oursMs: readonly number[], peerMs: readonly number[]): number {
  const n = Math.min(oursMs.length, peerMs.length);
  if (n === 0) return Number.NaN;
  return median(Array.from({ length: n }, (_, i) => peerMs[i] / oursMs[i]));
}

/** Number of steps per timed run so that one run lasts about `targetMs` (1 … maxSteps). */
export function stepsForTarget(msPerStep: number, targetMs: number, maxSteps = 20): number {
  if (!(msPerStep > 0)) return 1;
  return Math.max(1, Math.min(maxSteps, Math.round(targetMs / msPerStep)));
}
