/**
 * The orchestrator side of peers/protocol.ts: spawns a peer process and exchanges one JSON line per request,
 * with a time limit per request (a slow cell is reported, not waited for forever).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PeerReply, PeerRequest } from './peers/protocol.ts';

export type PeerName = 'ours' | 'torch' | 'nanogpt';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));

/** Debian's python with python3-torch: not a pyenv shim on PATH (which has no torch). */
export const TORCH_PYTHON = process.env.DISTILL_BENCH_PYTHON ?? '/usr/bin/python3';

export interface PeerProcess {
  readonly name: PeerName;
  request(req: PeerRequest, timeoutMs: number): Promise<PeerReply>;
  /** Ends the process (close request, then a kill if it lingers). */
  stop(): Promise<void>;
}

/** Command line of a peer. `benchDir` may point at another checkout's bench/ (the --baseline comparison). */
export function peerCommand(name: PeerName, benchDir = BENCH_DIR): { cmd: string; args: string[]; cwd: string } {
  const cwd = path.dirname(benchDir);
  if (name === 'torch') return { cmd: TORCH_PYTHON, args: [path.join(benchDir, 'reference_torch.py'), '--serve'], cwd };
  const entry = path.join(benchDir, 'peers', name === 'ours' ? 'ours.ts' : 'nanogpt.ts');
  return { cmd: process.execPath, args: ['--import', 'tsx', entry], cwd };
}

export async function startPeer(name: PeerName, opts: { benchDir?: string; env?: NodeJS.ProcessEnv; startTimeoutMs?: number } = {}): Promise<PeerProcess> {
  const { cmd, args, cwd } = peerCommand(name, opts.benchDir);
  // OpenMP threads that spin while they wait make PyTorch 3× slower with 2 threads on a busy 2-core machine
  // (measured: 2.3 s vs 0.76 s a step at the headline cell); passive waiting removes that, whatever the load.
  const env = name === 'torch' ? { OMP_WAIT_POLICY: 'PASSIVE', ...process.env, ...opts.env } : { ...process.env, ...opts.env };
  const child: ChildProcessWithoutNullStreams = spawn(cmd, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderrTail = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-2000);
  });
  const lines = createInterface({ input: child.stdout });
  const queue: string[] = [];
  let waiting: ((line: string | null) => void) | null = null;
  let exited = false;
  lines.on('line', (line) => {
    if (waiting) {
      const w = waiting;
      waiting = null;
      w(line);
    } else queue.push(line);
  });
  child.on('exit', () => {
    exited = true;
    if (waiting) {
      const w = waiting;
      waiting = null;
      w(null);
    }
  });

  const lastError = () => stderrTail.trim().split('\n').filter((l) => l && !l.includes('already registered')).slice(-1)[0] ?? '';
  const nextLine = (timeoutMs: number): Promise<string | null> =>
    new Promise((resolve, reject) => {
      if (queue.length > 0) return resolve(queue.shift() as string);
      if (exited) return resolve(null);
      const timer = setTimeout(() => {
        waiting = null;
        child.kill('SIGKILL');
        reject(new Error(`${name}: no answer within ${(timeoutMs / 1000).toFixed(0)} s (killed)`));
      }, timeoutMs);
      waiting = (line) => {
        clearTimeout(timer);
        resolve(line);
      };
    });
  const read = async (timeoutMs: number): Promise<PeerReply> => {
    const line = await nextLine(timeoutMs);
    if (line === null) throw new Error(`${name} exited: ${lastError() || 'no message'}`);
    try {
      return JSON.parse(line) as PeerReply;
    } catch {
      throw new Error(`${name} printed a non-JSON line: ${line.slice(0, 120)}`);
    }
  };

  const hello = await read(opts.startTimeoutMs ?? 120_000);
  if (!hello.ready) throw new Error(`${name} did not start: ${hello.error ?? lastError()}`);
  return {
    name,
    async request(req, timeoutMs) {
      if (exited) throw new Error(`${name} exited: ${lastError() || 'no message'}`);
      child.stdin.write(JSON.stringify(req) + '\n');
      return read(timeoutMs);
    },
    async stop() {
      if (!exited) {
        child.stdin.write(JSON.stringify({ op: 'close' }) + '\n');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, 5000);
          child.on('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          if (exited) resolve();
        });
      }
    },
  };
}
