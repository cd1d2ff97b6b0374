/**
 * How many cores other work keeps busy right now: the non-idle share of every core's time over a short window
 * (os.cpus() times, i.e. /proc/stat), times the core count. A direct measure where the load average is a
 * 1-minute trailing one: after a benchmark's PyTorch peer, or a test that just ended, the load average still
 * says "busy" for a minute on idle cores (so wasm threads stayed off in the bench's own runs).
 */
import os from 'node:os';

type CoreTimes = ReturnType<typeof os.cpus>;

/** Busy cores between two samples of os.cpus() (0 … cores). */
export function busyBetween(before: CoreTimes, after: CoreTimes): number {
  let busy = 0;
  let total = 0;
  after.forEach((core, i) => {
    const prev = before[i]?.times;
    if (!prev) return;
    const t = core.times;
    const all = t.user + t.nice + t.sys + t.idle + t.irq - (prev.user + prev.nice + prev.sys + prev.idle + prev.irq);
    busy += all - (t.idle - prev.idle);
    total += all;
  });
  return total > 0 ? (busy / total) * after.length : 0;
}

/** Busy cores measured over `windowMs` (this process idles meanwhile, so it is what the others use). */
export async function busyCores(windowMs = 200): Promise<number> {
  const before = os.cpus();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  return busyBetween(before, os.cpus());
}
