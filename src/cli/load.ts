import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { DistillSet } from '../engine/types.ts';
import { readDistillSet } from '../io/index.ts';
import { progressLine } from './progress.ts';

/** Reads a distillation set from disk in chunks (never the whole file as one string), with progress on stderr. */
export async function loadSet(file: string, quiet = false): Promise<DistillSet> {
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) throw new Error(`${file}: no such file`);
  const blob = await openAsBlob(file);
  const progress = quiet ? undefined : progressLine(`reading ${path.basename(file)}`);
  try {
    return await readDistillSet(blob, path.basename(file), { onProgress: progress?.update });
  } finally {
    progress?.end();
  }
}
