/**
 * Runs `node bin/distill.mjs …` in a child process and measures what the hostile suite asserts: exit code,
 * stdout / stderr, wall time and peak resident memory. The peak is the kernel's own figure: GNU time's %M
 * (ru_maxrss of the child) where /usr/bin/time exists, else the child's VmHWM polled from /proc. Either way
 * /proc is polled so a child past `rssCapBytes` is killed (a crash candidate must not take the machine down).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const GNU_TIME = '/usr/bin/time';
const POLL_MS = 20;

export interface CliRun {
  /** Exit status; 128 + n for a child killed by signal n (as a shell reports it). */
  code: number;
  stdout: string;
  stderr: string;
  wallMs: number;
  peakRssBytes: number;
  /** Set when the harness killed the child: 'memory' (past rssCapBytes) or 'time' (past timeoutMs). */
  killedFor?: 'memory' | 'time';
}

export interface CliOptions {
  env?: Record<string, string>;
  timeoutMs?: number;
  rssCapBytes?: number;
  /** Repository whose bin/distill.mjs runs (default: this one); the before/after figures run main's too. */
  root?: string;
}

/** Peak RSS so far of a live process, from /proc (VmHWM is the high-water mark, in KiB). */
function vmHwmBytes(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The node process under GNU time (its only child), once it has started. */
function childOf(pid: number): number | undefined {
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

export function runCli(args: readonly string[], opts: CliOptions = {}): Promise<CliRun> {
  const bin = path.join(opts.root ?? path.resolve('.'), 'bin', 'distill.mjs');
  const viaTime = existsSync(GNU_TIME);
  const tmp = mkdtempSync(path.join(tmpdir(), 'distill-hostile-run-'));
  const timeOut = path.join(tmp, 'time.txt');
  const command = viaTime ? GNU_TIME : process.execPath;
  const argv = viaTime ? ['-f', '%M', '-o', timeOut, process.execPath, bin, ...args] : [bin, ...args];
  const t0 = performance.now();
  const child = spawn(command, argv, { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  let polled = 0;
  let killedFor: CliRun['killedFor'];
  const nodePid = (): number | undefined => (viaTime ? childOf(child.pid as number) : child.pid);
  const kill = (why: 'memory' | 'time'): void => {
    const pid = nodePid();
    if (pid === undefined || killedFor) return;
    killedFor = why;
    process.kill(pid, 'SIGKILL');
  };
  const timer = setInterval(() => {
    const pid = nodePid();
    if (pid === undefined) return;
    polled = Math.max(polled, vmHwmBytes(pid));
    if (opts.rssCapBytes !== undefined && polled > opts.rssCapBytes) kill('memory');
    if (opts.timeoutMs !== undefined && performance.now() - t0 > opts.timeoutMs) kill('time');
  }, POLL_MS);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', async (status, signal) => {
      clearInterval(timer);
      const wallMs = performance.now() - t0;
      let peak = polled;
      let code = status ?? (signal ? 128 : 1);
      if (viaTime) {
        // "Command exited with non-zero status N" / "Command terminated by signal N", then %M in KiB
        const lines = (await readFile(timeOut, 'utf8').catch(() => '')).trim().split('\n');
        peak = Math.max(peak, Number(lines[lines.length - 1]) * 1024 || 0);
        const bySignal = /terminated by signal (\d+)/.exec(lines.join('\n'));
        if (bySignal) code = 128 + Number(bySignal[1]);
      }
      rmSync(tmp, { recursive: true, force: true });
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), wallMs, peakRssBytes: peak, killedFor });
    });
  });
}

/** The lines of stderr that start with `error:`, and every line of it. */
export function stderrLines(run: CliRun): { lines: string[]; errors: string[] } {
  const lines = run.stderr.split('\n').filter((l) => l !== '');
  return { lines, errors: lines.filter((l) => l.startsWith('error: ')) };
}

export const MiB = 2 ** 20;
export const GiB = 2 ** 30;
