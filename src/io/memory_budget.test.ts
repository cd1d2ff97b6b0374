import { describe, expect, it } from 'vitest';
import { FormatError } from './errors.ts';
import { DEFAULT_MEMORY_BUDGET_BYTES, defaultMemoryBudgetBytes, estimateMemory, formatBytes, TENSOR_BOOKKEEPING_BYTES } from './memory_budget.ts';
import { scanJson } from './json_bounds.ts';
import { readDistillSet, readTensorFile } from './read.ts';
import { encodeSafetensors } from './safetensors_write.ts';
import { blobOf, makeZip, npyBytes, rawSafetensors, recordingBlob, sliceBytes } from './test_helpers.ts';


describe('estimateMemory', () => {
  it('counts stored bytes plus the converted copies, worked out by hand', () => {
    const est = estimateMemory([
      { name: 'input_ids', dtype: 'i64', count: 100 }, // 800 stored, 400 decoded (copy)
      { name: 'attention_mask', dtype: 'bool', count: 100 }, // 100 stored, 100 decoded (copy: toMask)
      { name: 'teacher_logits', dtype: 'f16', count: 1000 }, // 2000 stored, 4000 decoded (copy)
      { name: 'teacher_hidden', dtype: 'f32', count: 10 }, // 40 stored, 40 decoded (used as stored)
      { name: 'extra', dtype: 'u8', count: 7 }, // 7 stored, not part of the set
    ]);
    expect(est).toEqual({ storedBytes: 2947, decodedBytes: 4540, peakBytes: 2947 + 400 + 100 + 4000 + 5 * TENSOR_BOOKKEEPING_BYTES });
  });
  it('adds the default mask when the file has none, and no copy for int32 / float32', () => {
    const est = estimateMemory([{ name: 'input_ids', dtype: 'i32', count: 10 }, { name: 'teacher_logits', dtype: 'f32', count: 30 }]);
    expect(est).toEqual({ storedBytes: 160, decodedBytes: 170, peakBytes: 170 + 2 * TENSOR_BOOKKEEPING_BYTES });
  });
  it('adds the container\'s own structures (overheadBytes)', () => {
    expect(estimateMemory([{ name: 'input_ids', dtype: 'i32', count: 10 }], 500).peakBytes).toBe(40 + 10 + TENSOR_BOOKKEEPING_BYTES + 500);
  });
  it('formats sizes for messages', () => {
    expect([formatBytes(12), formatBytes(1536), formatBytes(3 * 2 ** 30), formatBytes(2 ** 40 * 40)]).toEqual(['12 B', '1.50 KiB', '3.00 GiB', '40.0 TiB']);
  });
});

describe('defaultMemoryBudgetBytes', () => {
  const g = globalThis as { navigator?: unknown };
  it('is half of navigator.deviceMemory where the browser tells, else the documented default', () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    try {
      Object.defineProperty(globalThis, 'navigator', { value: { deviceMemory: 8 }, configurable: true, writable: true });
      expect(defaultMemoryBudgetBytes()).toBe(4 * 2 ** 30);
      g.navigator = { deviceMemory: 0.5 };
      expect(defaultMemoryBudgetBytes()).toBe(2 ** 28);
      g.navigator = {};
      expect(defaultMemoryBudgetBytes()).toBe(DEFAULT_MEMORY_BUDGET_BYTES);
    } finally {
      if (saved) Object.defineProperty(globalThis, 'navigator', saved);
      else delete g.navigator;
    }
  });
});

describe('memory budget', () => {
  const set = encodeSafetensors([
    { name: 'input_ids', dtype: 'I64', shape: [2, 4], data: new BigInt64Array(8).fill(1n) },
    { name: 'teacher_logits', dtype: 'F16', shape: [2, 4, 16], data: new Uint16Array(128) },
  ]);
  // tensors: stored 64 + 256; copies: ids 32, logits 512, default mask 8 → 872; + bookkeeping of 2 tensors;
  // + the header while it is parsed: its bytes, its text (2 B a character) and JSON.parse's objects
  const headerText = new TextDecoder().decode(set.subarray(8, 8 + Number(new DataView(set.buffer).getBigUint64(0, true))));
  const headerHeld = 3 * headerText.length + scanJson(headerText, { maxDepth: 8, maxValues: 1e6, uniqueKeysDepth: 0, maxKeys: 0 }, () => new Error()).heldBytes();
  const need = 872 + 2 * TENSOR_BOOKKEEPING_BYTES + headerHeld;
  it('refuses a file over the budget with too_large, naming the needed and available bytes', async () => {
    const err = await readDistillSet(blobOf(set), 'a.safetensors', { memoryBudgetBytes: need - 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect(err).toMatchObject({ code: 'too_large', expected: `≤ ${need - 1} bytes (${formatBytes(need - 1)})`, found: `${need} bytes` });
    expect((err as Error).message).toMatch(new RegExp(`needs about ${formatBytes(need).replace('.', '\\.')} in memory .* more than the memory budget`));
    await expect(readDistillSet(blobOf(set), 'a.safetensors', { memoryBudgetBytes: need })).resolves.toMatchObject({ n: 2, seqLen: 4 });
  });
  it('refuses before reading any tensor data (only the header is read)', async () => {
    const { blob, slices } = recordingBlob(blobOf(set));
    const read: number[] = [];
    await expect(readDistillSet(blob, 'a.safetensors', { memoryBudgetBytes: 100, onProgress: (r) => read.push(r) })).rejects.toMatchObject({ code: 'too_large' });
    const headerEnd = 8 + Number(new DataView(set.buffer).getBigUint64(0, true));
    expect(Math.max(...slices.map(([, b]) => b))).toBeLessThanOrEqual(headerEnd);
    expect(Math.max(...read)).toBeLessThanOrEqual(headerEnd);
  });
  it('npz: plans from every member header (deflated ones inflated only that far) before reading arrays', async () => {
    const hdr = (descr: string, shape: string): string => `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
    const noise = new Uint8Array(2 * 4 * 65536 * 2); // random, so deflate cannot shrink it
    for (let i = 0; i < noise.length; i += 65536) crypto.getRandomValues(noise.subarray(i, i + 65536));
    const logits = npyBytes(hdr('<f2', '(2, 4, 65536)'), noise);
    const zip = await makeZip([
      { name: 'input_ids.npy', data: npyBytes(hdr('<i8', '(2, 4)'), new Uint8Array(64)) },
      { name: 'teacher_logits.npy', data: logits, deflate: true },
    ]);
    const { blob, slices } = recordingBlob(blobOf(zip));
    await expect(readTensorFile(blob, 'a.npz', { memoryBudgetBytes: 2 ** 20 })).rejects.toMatchObject({ code: 'too_large' });
    expect(sliceBytes(slices)).toBeLessThan(zip.length / 4); // the directory and the headers, not the 1 MiB member
    await expect(readTensorFile(blobOf(zip), 'a.npz', { memoryBudgetBytes: 4 * 2 ** 20 })).resolves.toMatchObject({ tensors: expect.any(Map) });
  });
  it('jsonl: refuses while parsing once the decoded examples pass the budget', async () => {
    const line = JSON.stringify({ input_ids: [1, 2, 3, 4], teacher_logits: Array.from({ length: 4 }, () => new Array(64).fill(0)) });
    const text = Array.from({ length: 50 }, () => line).join('\n');
    await expect(readDistillSet(blobOf(text), 'a.jsonl', { memoryBudgetBytes: 10_000 })).rejects.toMatchObject({ code: 'too_large' });
    await expect(readDistillSet(blobOf(text), 'a.jsonl', { memoryBudgetBytes: 200_000 })).resolves.toMatchObject({ n: 50 });
  });
  it('refuses a non-positive budget as a programming error', async () => {
    await expect(readDistillSet(blobOf(set), 'a.safetensors', { memoryBudgetBytes: 0 })).rejects.toBeInstanceOf(RangeError);
  });
});

describe('allocation guard: headers that claim more than the file holds are refused before any allocation', () => {
  const kb = new Uint8Array(1024);
  const cases: [string, Uint8Array, string][] = [
    ['shape [1e9, 1e9] over 4 bytes', rawSafetensors({ x: { dtype: 'F32', shape: [1e9, 1e9], data_offsets: [0, 4] } }, kb), 'size_mismatch'],
    ['shape [1e9, 1e9] with offsets to match', rawSafetensors({ x: { dtype: 'F32', shape: [1e9, 1e9], data_offsets: [0, 4e18] } }, kb), 'bad_offsets'],
    ['shape [1e9] with offsets past the end', rawSafetensors({ x: { dtype: 'F32', shape: [1e9], data_offsets: [0, 4e9] } }, kb), 'bad_offsets'],
    ['a header length of 2^63', rawSafetensors({}, kb, 2n ** 63n), 'header_length'],
    ['npy shape (1e9, 1e9) in a 1 KB member', npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000, 1000000000), }", kb), 'npy_header'],
  ];
  for (const [what, bytes, code] of cases) {
    it(`${what} → ${code}, in < 50 ms, reading no more than the file`, async () => {
      const file = what.startsWith('npy') ? await makeZip([{ name: 'input_ids.npy', data: bytes }]) : bytes;
      const { blob, slices } = recordingBlob(blobOf(file));
      const before = process.memoryUsage().arrayBuffers;
      const t0 = performance.now();
      await expect(readDistillSet(blob, what.startsWith('npy') ? 'a.npz' : 'a.safetensors', { memoryBudgetBytes: Infinity })).rejects.toMatchObject({ code });
      expect(performance.now() - t0).toBeLessThan(50);
      expect(sliceBytes(slices)).toBeLessThanOrEqual(2 * file.length);
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 2 ** 20);
    });
  }
});
