import { describe, expect, it } from 'vitest';
import { explainWasmOutOfMemory } from './wasm_memory.ts';

describe('explainWasmOutOfMemory', () => {
  it('turns the wasm module’s abort into a reason, keeping its words', () => {
    for (const raw of ['Aborted(). Build with -sASSERTIONS for more info.', 'memory access out of bounds']) {
      const err = explainWasmOutOfMemory(new Error(raw), 'wasm', 'dense') as Error;
      expect(err.message).toMatch(/^the wasm backend ran out of memory \(its heap is capped at 4 GiB\): lower batch_size/);
      expect(err.message).toContain(raw);
    }
  });
  it('suggests a top-k teacher only to a set with a dense one', () => {
    expect((explainWasmOutOfMemory(new Error('Aborted()'), 'wasm', 'dense') as Error).message).toMatch(/use a top-k teacher/);
    expect((explainWasmOutOfMemory(new Error('Aborted()'), 'wasm', 'topk') as Error).message).not.toMatch(/top-k/);
  });
  it('leaves other errors, and other backends, alone', () => {
    const other = new Error('student weights lack "x"');
    expect(explainWasmOutOfMemory(other, 'wasm', 'dense')).toBe(other);
    const abort = new Error('Aborted()');
    expect(explainWasmOutOfMemory(abort, 'webgpu', 'dense')).toBe(abort);
    expect(explainWasmOutOfMemory('a string', 'wasm', 'dense')).toBe('a string');
  });
});
