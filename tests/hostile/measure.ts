/**
 * The before/after table of the hostile classes: runs every case (the suite's and the full-size ones) against
 * the CLI of a checkout and prints one JSON line per case (exit code, seconds, peak RSS, the error line).
 *
 *   node --import tsx tests/hostile/measure.ts [--root DIR] [--cap-mib N] [--timeout-s S] [--only id,id]
 *
 * --root: the checkout whose bin/distill.mjs runs (default: this one); --cap-mib: a child past this RSS is
 * killed (default 6144); --timeout-s: and one past this time (default 180).
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CASES } from './cases.ts';
import { MiB, runCli, stderrLines } from './run_cli.ts';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const root = path.resolve(option('root') ?? '.');
const capBytes = Number(option('cap-mib') ?? 6144) * MiB;
const timeoutMs = Number(option('timeout-s') ?? 180) * 1000;
const only = option('only')?.split(',');

for (const c of CASES) {
  if (only && !only.includes(c.id)) continue;
  const dir = mkdtempSync(path.join(tmpdir(), `distill-measure-${c.id}-`));
  try {
    const file = path.join(dir, c.file);
    mkdirSync(path.join(dir, 'scratch'));
    await c.write(file);
    const size = statSync(file);
    const run = await runCli(c.args(file, path.join(dir, 'scratch')), { root, env: c.env, rssCapBytes: capBytes, timeoutMs });
    const { lines, errors } = stderrLines(run);
    const shown = errors.length > 0 ? errors[0] : lines.find((l) => /error|Error|Abort|Fatal/.test(l)) ?? '';
    console.log(JSON.stringify({
      id: c.id,
      code: run.code,
      killed: run.killedFor ?? null,
      seconds: Number((run.wallMs / 1000).toFixed(2)),
      peak_rss_mib: Math.round(run.peakRssBytes / MiB),
      file_mib: Number((size.size / MiB).toFixed(2)),
      disk_mib: Number(((size.blocks * 512) / MiB).toFixed(2)),
      stderr_lines: lines.length,
      error_lines: errors.length,
      message: shown.length > 300 ? `${shown.slice(0, 300)}…` : shown,
      other_stderr: lines.filter((l) => !l.startsWith('error: ') && /Abort|Fatal|RangeError/.test(l)).slice(0, 2),
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
