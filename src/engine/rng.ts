/**
 * Seeded randomness for everything outside tfjs kernels: batching order, the held-out split, and the seeds
 * handed to tfjs initialisers and dropout. mulberry32: 32-bit state, fast, good enough for shuffling.
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** A fresh 31-bit seed for a tfjs op (tf.randomNormal / tf.dropout take numeric seeds). */
  seed(): number;
  /** The 32-bit internal state, for checkpoints; setState(getState()) resumes the same sequence. */
  getState(): number;
  setState(state: number): void;
}

export function createRng(seed: number): Rng {
  let state = (seed ^ 0x9e3779b9) >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    seed: () => Math.floor(next() * 0x7fffffff),
    getState: () => state,
    setState: (value) => {
      state = value >>> 0;
    },
  };
}

/** Fisher–Yates shuffle in place, driven by `rng`. */
export function shuffleInPlace<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}

/**
 * `count` draws from N(mean, std²) truncated to ±2σ (redrawn beyond, as tf.truncatedNormal), generated on the
 * host from `seed` so every backend starts from bit-identical weights (tfjs's own seeded initialisers differ
 * across backends).
 */
export function truncatedNormalArray(count: number, mean: number, std: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(count);
  let i = 0;
  while (i < count) {
    // Box–Muller: two independent standard normals per pair of uniforms.
    const u1 = Math.max(rng.next(), 1e-12);
    const u2 = rng.next();
    const r = Math.sqrt(-2 * Math.log(u1));
    for (const z of [r * Math.cos(2 * Math.PI * u2), r * Math.sin(2 * Math.PI * u2)]) {
      if (i < count && Math.abs(z) <= 2) out[i++] = mean + std * z;
    }
  }
  return out;
}
