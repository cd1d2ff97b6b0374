/**
 * Reading speed of each container: a top-k distillation set of at least `minBytes` per file is written to a
 * temporary directory (safetensors and JSONL with src/io's writers, npz stored with numpy), then read back
 * with readDistillSet (container decode + contract checks, what `distill train` does), several times
 * interleaved. MB/s = file bytes / wall time, 1 MB = 10⁶ bytes. The files were just written, so they come
 * from the page cache: this is the reader's speed, not the disk's. The directory is removed afterwards.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { openAsBlob } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { encodeDistillSet, encodeDistillSetJsonl, readDistillSet } from '../src/io/index.ts';
import { benchSet } from './bench_set.ts';
import { TORCH_PYTHON } from './peer_process.ts';
import { median } from './stats.ts';

const run = promisify(execFile);
const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));

export interface ReadResult {
  container: 'safetensors' | 'npz' | 'jsonl';
  fileBytes: number;
  /** Examples N × positions L of the file. */
  examples: number;
  seqLen: number;
  mbPerSecond: number;
  runsMs: number[];
  error?: string;
}

const SEQ_LEN = 128;
const VOCAB = 32768;

/** Examples needed for a file of ≥ minBytes when one example takes bytesPerExample. */
function examplesFor(minBytes: number, bytesPerExample: number): number {
  return Math.ceil(minBytes / bytesPerExample) + 1;
}

export async function readSpeed(minBytes: number, repeats: number, log: (line: string) => void = () => {}): Promise<ReadResult[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'distill-bench-read-'));
  try {
    // Size from a small sample of each encoding.
    const sample = benchSet({ vocabSize: VOCAB, seqLen: SEQ_LEN, n: 8, teacher: 'topk' });
    const binPerExample = encodeDistillSet(sample).byteLength / 8;
    const jsonPerExample = Buffer.byteLength(encodeDistillSetJsonl(sample)) / 8;
    const files: { container: ReadResult['container']; file: string; examples: number; error?: string }[] = [];

    const nBin = examplesFor(minBytes, binPerExample);
    const binSet = benchSet({ vocabSize: VOCAB, seqLen: SEQ_LEN, n: nBin, teacher: 'topk', seed: 11 });
    const stFile = path.join(dir, 'set.safetensors');
    await writeFile(stFile, encodeDistillSet(binSet));
    files.push({ container: 'safetensors', file: stFile, examples: nBin });
    const npzFile = path.join(dir, 'set.npz');
    try {
      await run(TORCH_PYTHON, [path.join(BENCH_DIR, 'npz_stored.py'), stFile, npzFile], { maxBuffer: 1 << 20 });
      files.push({ container: 'npz', file: npzFile, examples: nBin });
    } catch (err) {
      files.push({ container: 'npz', file: npzFile, examples: nBin, error: `numpy writer failed: ${(err as Error).message.split('\n')[0]}` });
    }
    const nJson = examplesFor(minBytes, jsonPerExample);
    const jsonFile = path.join(dir, 'set.jsonl');
    await writeFile(jsonFile, encodeDistillSetJsonl(benchSet({ vocabSize: VOCAB, seqLen: SEQ_LEN, n: nJson, teacher: 'topk', seed: 12 })));
    files.push({ container: 'jsonl', file: jsonFile, examples: nJson });
    log(`read speed: files written (${files.map((f) => f.container).join(', ')}) in ${dir}`);

    const results = new Map<string, ReadResult>();
    for (const f of files) {
      const bytes = f.error ? 0 : (await stat(f.file)).size;
      results.set(f.container, { container: f.container, fileBytes: bytes, examples: f.examples, seqLen: SEQ_LEN, mbPerSecond: Number.NaN, runsMs: [], error: f.error });
    }
    for (let r = 0; r < repeats; r++) {
      for (const f of files) {
        const result = results.get(f.container) as ReadResult;
        if (result.error) continue;
        try {
          const blob = await openAsBlob(f.file);
          const t0 = performance.now();
          const set = await readDistillSet(blob, path.basename(f.file));
          result.runsMs.push(performance.now() - t0);
          if (set.n !== f.examples) throw new Error(`read ${set.n} examples, wrote ${f.examples}`);
        } catch (err) {
          result.error = (err as Error).message.split('\n')[0];
        }
      }
    }
    for (const result of results.values()) {
      if (!result.error) result.mbPerSecond = result.fileBytes / 1e6 / (median(result.runsMs) / 1000);
      log(`read speed: ${result.container} ${(result.fileBytes / 1e6).toFixed(0)} MB → ${result.error ?? `${result.mbPerSecond.toFixed(0)} MB/s`}`);
    }
    return [...results.values()];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
