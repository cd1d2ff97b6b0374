import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { installPatches, PATCHED_TFJS_VERSION, requirePatch, TfjsVersionError, tfjsVersions } from './index.ts';
import { xnnpackThreads } from './threads.ts';
import { COLUMN_SUMS } from './wasm_gemm.ts';

describe('installPatches', () => {
  it('runs on the tfjs the patches were written for, and registers every kernel', () => {
    expect(tfjsVersions()).toEqual({ 'tfjs-core': PATCHED_TFJS_VERSION, 'tfjs-backend-wasm': PATCHED_TFJS_VERSION });
    installPatches(); // the test setup did already: idempotent
    for (const name of ['UnsortedSegmentSum', 'Identity', COLUMN_SUMS, 'DistillTakeRows', 'DistillTranspose2D']) {
      expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
    }
    expect(() => requirePatch('gemm')).not.toThrow();
  });
  it('with the GEMM installed, XNNPACK gets one thread of those asked for (the GEMM takes them: threads.ts)', () => {
    expect(xnnpackThreads(4)).toBe(1);
    expect(xnnpackThreads(1)).toBe(1);
  });
  it('stops loudly on another tfjs version, saying what to re-check', () => {
    const versions = { 'tfjs-core': '4.23.0', 'tfjs-backend-wasm': '4.22.0' };
    expect(() => installPatches({ versions })).toThrow(TfjsVersionError);
    expect(() => installPatches({ versions })).toThrow(/written for tfjs 4\.22\.0, this is tfjs-core 4\.23\.0.*upstream tests/);
  });
});
