/** Test helpers for the patches' upstream checks (tests only). */

/**
 * Median wall time (ms) of each of two functions, run alternately `rounds` times after one warm-up each, so
 * that a busy machine slows both alike. Each function must finish its own work (await its read-back).
 */
export async function medianMsPair(a: () => Promise<void>, b: () => Promise<void>, rounds = 5): Promise<[number, number]> {
  await a();
  await b();
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let t0 = performance.now();
    await a();
    ta.push(performance.now() - t0);
    t0 = performance.now();
    await b();
    tb.push(performance.now() - t0);
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  return [median(ta), median(tb)];
}
