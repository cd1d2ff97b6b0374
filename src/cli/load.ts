import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { totalmem } from 'node:os';
import path from 'node:path';
import type { DistillSet } from '../engine/types.ts';
import type { LoadedSet, TrainingSession } from '../engine/training/session.ts';
import { FormatError, formatBytes, readDistillSet, type ReadOptions } from '../io/index.ts';
import { log, progressLine } from './progress.ts';

/** Share of the machine's memory a read may hold at its peak when DISTILL_MEMORY_BUDGET is not set. */
const MEMORY_SHARE = 0.75;
const SUFFIX: Readonly<Record<string, number>> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/**
 * The CLI's memory budget for reading a set (docs/format.md § Limits): DISTILL_MEMORY_BUDGET — bytes, or
 * with a binary K / M / G / T suffix ("512M") — else ¾ of os.totalmem().
 */
export function cliMemoryBudget(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DISTILL_MEMORY_BUDGET?.trim();
  if (!raw) return Math.floor(totalmem() * MEMORY_SHARE);
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(raw);
  if (!m) throw new Error(`DISTILL_MEMORY_BUDGET must be a number of bytes, e.g. 8G or 536870912 (found "${raw}")`);
  return Math.floor(Number(m[1]) * SUFFIX[m[2].toUpperCase()]);
}

/** Reads a set from a Blob with a progress callback: io's reader, or a training session's load. */
export type SetReader<T> = (blob: Blob, name: string, onProgress?: (bytesRead: number, totalBytes: number) => void) => Promise<T>;

/**
 * Reads a distillation set from disk in chunks (never the whole file as one string) with `read`. Progress
 * goes to stderr on a terminal only, and is erased when the read fails, so a bad file leaves exactly one line,
 * `error: …`.
 */
export async function readSetFile<T>(file: string, read: SetReader<T>, quiet = false): Promise<T> {
  const shown = printablePath(file);
  const info = await stat(file).catch(() => null);
  if (!info) throw new Error(`${shown}: no such file`);
  if (info.isDirectory()) throw new Error(`${shown}: is a directory, not a file`);
  if (!info.isFile()) throw new Error(`${shown}: not a regular file`);
  const blob = await openAsBlob(file);
  const progress = quiet || !process.stderr.isTTY ? undefined : progressLine(`reading ${path.basename(file)}`);
  const t0 = performance.now();
  let ok = false;
  try {
    const set = await read(blob, path.basename(file), progress?.update);
    ok = true;
    if (!quiet && !progress) log(`read ${path.basename(file)} (${formatBytes(blob.size)}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return set;
  } catch (err) {
    // one line naming the file; the FormatError (code, tensor, offsets) stays reachable as the cause
    if (err instanceof FormatError) throw new Error(`${shown}: ${err.message}`, { cause: err });
    throw err;
  } finally {
    progress?.end(ok);
  }
}

/** io's readDistillSet under the CLI's memory budget (cliMemoryBudget). */
export function readWithBudget(blob: Blob, name: string, opts: ReadOptions = {}): Promise<DistillSet> {
  return readDistillSet(blob, name, { ...opts, memoryBudgetBytes: cliMemoryBudget() });
}

/** A set read from disk on its own (`distill inspect`). */
export function loadSet(file: string, quiet = false): Promise<DistillSet> {
  return readSetFile(file, (blob, name, onProgress) => readWithBudget(blob, name, { onProgress }), quiet);
}

/** A set read from disk into a training session (its load reads with the budget: node_session.ts). */
export function loadSetInto(session: TrainingSession, file: string): Promise<LoadedSet> {
  return readSetFile(file, async (blob, name, onProgress) => {
    const off = session.subscribe((e) => (e.type === 'progress' ? onProgress?.(e.bytesRead, e.totalBytes) : undefined));
    try {
      return await session.load(blob, name);
    } finally {
      off();
    }
  });
}

/** The path for a one-line message: control characters (a newline in a file name) escaped as \uXXXX. */
function printablePath(file: string): string {
  // eslint-disable-next-line no-control-regex
  return file.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
