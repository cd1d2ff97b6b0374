/**
 * A ~1 GiB set read from disk the way the CLI reads it (fs.openAsBlob), built as a sparse file so creating it
 * costs neither RAM nor disk: chunked reads with progress, the whole file never held twice, and a file over
 * the memory budget refused from its header before any data is read.
 */
import { mkdtempSync, openAsBlob, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CHUNK_BYTES } from './blob_source.ts';
import { FormatError } from './errors.ts';
import { readDistillSet } from './read.ts';
import { recordingBlob, writeSparseSafetensors } from './test_helpers.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'distill-large-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const N = 8;
const L = 128;
const V = 2 ** 18; // teacher_logits F32 [8, 128, 262144]: exactly 1 GiB

/** A 1 GiB-class set whose data section is a hole: all zeros (ids 0, logits 0.0), so the set is valid. */
function sparseSafetensors(name: string, logitsDtype: 'F32' | 'F16'): string {
  return writeSparseSafetensors(path.join(dir, name), { n: N, seqLen: L, vocabSize: V }, { logitsDtype });
}

describe('a 1 GiB file', () => {
  it('is refused up front when it does not fit the memory budget, naming needed and available bytes', async () => {
    const { blob, slices } = recordingBlob(await openAsBlob(sparseSafetensors('f16.safetensors', 'F16')));
    let read = 0;
    const t0 = performance.now();
    const err = await readDistillSet(blob, 'f16.safetensors', { memoryBudgetBytes: 2 ** 30, onProgress: (r) => (read = r) }).catch((e: unknown) => e);
    expect(performance.now() - t0).toBeLessThan(200);
    expect(err).toBeInstanceOf(FormatError);
    // 512 MiB stored f16 + 1 GiB as f32 + ids + default mask, + the bookkeeping and the parsed header (a few KiB)
    const tensors = 2 ** 29 + 2 ** 30 + N * L * 4 + N * L;
    expect(err).toMatchObject({ code: 'too_large', expected: `≤ ${2 ** 30} bytes (1.00 GiB)` });
    expect(Number(/^(\d+) bytes$/.exec((err as FormatError).found ?? '')?.[1])).toBeGreaterThan(tensors);
    expect(Number(/^(\d+) bytes$/.exec((err as FormatError).found ?? '')?.[1])).toBeLessThan(tensors + 16 * 1024);
    expect((err as Error).message).toMatch(/needs about 1\.50 GiB in memory to read \(the decoded set alone 1\.00 GiB\)/);
    expect(read).toBeLessThan(1024);
    expect(Math.max(...slices.map(([a, b]) => b - a))).toBeLessThan(1024);
  });

  it('is read in chunks with monotonic progress, never held twice', async () => {
    const file = sparseSafetensors('f32.safetensors', 'F32');
    const { blob, slices } = recordingBlob(await openAsBlob(file));
    const progress: number[] = [];
    const base = process.memoryUsage().arrayBuffers;
    let peak = 0;
    const t0 = performance.now();
    let set: Awaited<ReturnType<typeof readDistillSet>> | undefined = await readDistillSet(blob, 'f32.safetensors', {
      memoryBudgetBytes: 2 * 2 ** 30,
      onProgress: (r, total) => {
        expect(total).toBe(blob.size);
        progress.push(r);
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
      },
    });
    const ms = performance.now() - t0;
    expect(set).toMatchObject({ n: N, seqLen: L, vocabSize: V, teacher: { kind: 'dense', width: V } });
    expect(set.teacher.kind === 'dense' && set.teacher.logits.length).toBe(N * L * V);
    expect(progress.length).toBeGreaterThanOrEqual(2 ** 30 / DEFAULT_CHUNK_BYTES);
    expect(progress.every((r, i) => i === 0 || r > progress[i - 1])).toBe(true);
    expect(progress.at(-1)).toBe(blob.size);
    expect(Math.max(...slices.map(([a, b]) => b - a))).toBeLessThanOrEqual(DEFAULT_CHUNK_BYTES);
    // the tensor's buffer plus the chunks the GC has not collected yet (≤ 128 MiB): never the file twice
    expect(peak).toBeLessThan(blob.size + Math.max(16 * DEFAULT_CHUNK_BYTES, 128 * 2 ** 20));
    console.info(`1 GiB sparse safetensors read in ${ms.toFixed(0)} ms, ${progress.length} progress reports, peak +${(peak / 2 ** 20).toFixed(0)} MiB`);
    set = undefined;
  }, 60_000);
});
