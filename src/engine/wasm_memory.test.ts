import { describe, expect, it } from 'vitest';
import { syntheticSet } from './testing/synthetic.ts';
import type { DistillSet } from './types.ts';
import { checkWasmHeap, estimateWasmStepBytes, explainWasmOutOfMemory, WASM_HEAP_BUDGET_BYTES } from './wasm_memory.ts';

/** A set's shape only: the estimate reads task, vocabulary, length and teacher kind, not the data. */
function shaped(kind: 'dense' | 'topk', vocabSize: number, seqLen: number): DistillSet {
  const small = syntheticSet({ n: 4, seqLen: 4, vocabSize: 8, ...(kind === 'topk' ? { topk: 2 } : {}) });
  return { ...small, vocabSize, seqLen };
}

describe('wasm heap estimate', () => {
  it('counts 8 logits copies for a top-k teacher and 32 for a dense one', () => {
    // [32 · 64, 8192] float32 logits = 64 MiB
    expect(estimateWasmStepBytes(shaped('topk', 8192, 64), { batch_size: 32 })).toBe(8 * 64 * 2 ** 20);
    expect(estimateWasmStepBytes(shaped('dense', 8192, 64), { batch_size: 32 })).toBe(32 * 64 * 2 ** 20);
  });

  it('lets the bench headline cell through and refuses what crashed the wasm module in the bench grid', () => {
    expect(() => checkWasmHeap(shaped('dense', 8192, 64), { batch_size: 32 })).not.toThrow(); // 2 GiB, ran
    expect(() => checkWasmHeap(shaped('topk', 32768, 64), { batch_size: 32 })).not.toThrow(); // 2 GiB, ran
    expect(() => checkWasmHeap(shaped('dense', 32768, 64), { batch_size: 32 })).toThrow(/about 8\.0 GiB .*dense teacher.*lower batch_size, or export a top-k teacher/);
    expect(() => checkWasmHeap(shaped('dense', 32768, 128), { batch_size: 16 })).toThrow(/more than the 3\.5 GiB/);
    expect(WASM_HEAP_BUDGET_BYTES).toBeLessThan(4 * 2 ** 30);
  });
});

describe('explainWasmOutOfMemory', () => {
  it('turns the wasm module’s abort into a reason, keeping its words', () => {
    for (const raw of ['Aborted(). Build with -sASSERTIONS for more info.', 'memory access out of bounds']) {
      const err = explainWasmOutOfMemory(new Error(raw), 'wasm') as Error;
      expect(err.message).toMatch(/^the wasm backend ran out of memory \(its heap is capped at 4 GiB\): lower batch_size/);
      expect(err.message).toContain(raw);
    }
  });
  it('leaves other errors, and other backends, alone', () => {
    const other = new Error('student weights lack "x"');
    expect(explainWasmOutOfMemory(other, 'wasm')).toBe(other);
    const abort = new Error('Aborted()');
    expect(explainWasmOutOfMemory(abort, 'webgpu')).toBe(abort);
    expect(explainWasmOutOfMemory('a string', 'wasm')).toBe('a string');
  });
});
