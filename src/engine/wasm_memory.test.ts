import { describe, expect, it } from 'vitest';
import { explainWasmOutOfMemory } from './wasm_memory.ts';

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
