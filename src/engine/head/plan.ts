/**
 * How the chunked head (chunks.ts) cuts the vocabulary: chunk and cache sizes and the chunk ranges. No tfjs here:
 * the step estimate (memory/step_estimate.ts) and the page's size card read the same plan the ops run.
 */

/** Stand-in for −∞ in logits: exp(−BIG − m) = 0 for any real m, and −BIG stays finite in float32 on every backend. */
export const BIG = 1e30;

/** Default chunk size, in floats of one [P, C] chunk (64 MiB): a few such tensors are alive at a time. */
export const HEAD_CHUNK_FLOATS = 2 ** 24;

/**
 * The dense-teacher op's default chunk (16 MiB): its per-element work (both log-probabilities, each divergence's
 * terms, the teacher's slice) keeps ~4× more chunk-sized temporaries alive. At the benchmark's dense cell
 * ([2048, 8192] on wasm) a step peaked at 1.77 GB with one 2^24 chunk and 0.84 GB with 2^22 ones, at the same speed
 * within the machine's noise (2.5 vs 3.3 s a step under a load of 5).
 */
export const DENSE_HEAD_CHUNK_FLOATS = 2 ** 22;

/**
 * Forward-pass results kept for the backward pass instead of recomputing them, while their total stays under
 * this many floats (one [P, V] copy at the benchmark's 2048 × 8192); larger heads recompute each chunk.
 */
export const HEAD_CACHE_FLOATS = 2 ** 25;

export interface ChunkRange {
  index: number;
  start: number; // first vocabulary id of the chunk
  size: number; // C
}

/** Chunks of at most max(1, ⌊chunkFloats / P⌋) columns covering [0, V). */
export function chunkRanges(rows: number, width: number, chunkFloats = HEAD_CHUNK_FLOATS): ChunkRange[] {
  const size = Math.max(1, Math.min(width, Math.floor(chunkFloats / Math.max(rows, 1))));
  const out: ChunkRange[] = [];
  for (let start = 0; start < width; start += size) out.push({ index: out.length, start, size: Math.min(size, width - start) });
  return out;
}

