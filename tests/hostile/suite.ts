/**
 * What every hostile case must show (cases.ts), asserted on the CLI run in a child process (run_cli.ts): the
 * exit code, exactly one `error:` line (none on success) and no crash text anywhere on stderr, the time bound,
 * and the peak resident memory — reading within max(512 MiB, 10 × the file); a run that trains within the
 * runtime's own footprint plus the step estimate the CLI printed ("memory: one step holds about … (N bytes)").
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import type { HostileCase } from './cases.ts';
import { GiB, MiB, runCli, stderrLines } from './run_cli.ts';

/** Node + tsx + tfjs (+ the wasm module) before any data: measured ~170–220 MiB; rounded up. */
export const RUNTIME_RSS_BYTES = 320 * MiB;
const CRASH_TEXT = /Aborted\(|Fatal|invalid size|Invalid array length|RangeError|out of memory|at .*\.ts:\d+/;

export function readBound(fileBytes: number): number {
  return Math.max(512 * MiB, 10 * fileBytes);
}

export function hostileTest(c: HostileCase): void {
  it(`${c.id}: ${c.klass}`, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), `distill-hostile-${c.id}-`));
    try {
      const file = path.join(dir, c.file);
      await c.write(file);
      const fileBytes = statSync(file).size;
      const run = await runCli(c.args(file, dir), { env: c.env, timeoutMs: 2 * c.maxSeconds * 1000, rssCapBytes: 8 * GiB });
      const { lines, errors } = stderrLines(run);
      const summary = `exit ${run.code}, ${(run.wallMs / 1000).toFixed(1)} s, peak ${(run.peakRssBytes / MiB).toFixed(0)} MiB\n${run.stderr}`;
      expect(run.killedFor, summary).toBeUndefined();
      expect(run.code, summary).toBe(c.expect.code);
      expect(lines.filter((l) => CRASH_TEXT.test(l) && !l.startsWith('error: ')), summary).toEqual([]);
      if (c.expect.code === 0) {
        expect(errors, summary).toEqual([]);
      } else {
        expect(errors, summary).toHaveLength(1);
        expect(errors[0]).toMatch(c.expect.error);
        if (c.expect.notError) expect(errors[0]).not.toMatch(c.expect.notError);
        expect(errors[0]).not.toMatch(CRASH_TEXT);
      }
      expect(run.wallMs, summary).toBeLessThan(c.maxSeconds * 1000);
      const estimate = /^memory: one step holds about .* \((\d+) bytes\)/m.exec(run.stderr);
      const trained = c.kind === 'train' && run.code === 0;
      if (trained) expect(estimate, 'the CLI states its estimate before it trains').not.toBeNull();
      const bound = trained ? RUNTIME_RSS_BYTES + Number(estimate?.[1]) + 2 * fileBytes : readBound(fileBytes);
      expect(run.peakRssBytes, summary).toBeLessThan(bound);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 2 * c.maxSeconds * 1000 + 60_000);
}
