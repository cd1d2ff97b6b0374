import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type DistillConfig } from '../engine/config/config.ts';
import { checkStepFits, estimateStep, WASM_HEAP_BUDGET_BYTES } from '../engine/memory/step_estimate.ts';
import { fakeSummary } from '../engine/training/testing.ts';
import { tinyMlmSet } from '../engine/testing/tiny_sets.ts';
import type { Capabilities } from '../engine/training/session.ts';
import { checkRunFits, expectedBackend, stepShapeOf } from './step_check.ts';

const caps = (over: Partial<Capabilities> = {}): Capabilities => ({ webgpu: false, webgl: false, wasm: true, crossOriginIsolated: true, wasmThreads: 4, hardwareConcurrency: 8, ...over });
const config = (over: Partial<DistillConfig> = {}): DistillConfig => ({ ...DEFAULT_CONFIG, max_len: 12, ...over });
const summary = (vocabSize: number) => fakeSummary({ ...tinyMlmSet(), vocabSize }, 'set.safetensors', 100);

describe('expectedBackend', () => {
  it("is the one asked for, or auto's first that the worker has; wasm (the smallest budget) before the probe answers", () => {
    expect(expectedBackend('cpu', caps({ webgpu: true }))).toBe('cpu');
    expect(expectedBackend('auto', caps({ webgpu: true }))).toBe('webgpu');
    expect(expectedBackend('auto', caps({ webgl: true }))).toBe('webgl');
    expect(expectedBackend('auto', caps())).toBe('wasm');
    expect(expectedBackend('auto', caps({ wasm: false }))).toBe('cpu');
    expect(expectedBackend('auto', null)).toBe('wasm');
  });
});

describe('checkRunFits', () => {
  it("reads the set's shape from its summary, hidden size included", () => {
    const s = fakeSummary(tinyMlmSet(), 'a', 1);
    expect(stepShapeOf(s)).toEqual({ task: 'mlm', seqLen: 12, vocabSize: 20, numClasses: undefined, teacher: { kind: 'topk', k: 4 }, teacherHidden: { size: 8 } });
  });
  it("gives the trainer's own estimate and, for a step that fits, no refusal", () => {
    const fit = checkRunFits(summary(20), config(), caps());
    const shape = stepShapeOf(summary(20));
    expect(fit?.estimate).toEqual(estimateStep(shape, config()));
    expect(fit).toMatchObject({ backend: 'wasm', budget: { bytes: WASM_HEAP_BUDGET_BYTES }, refusal: null });
  });
  it("refuses with exactly the trainer's message (one source), on the budget of the backend the run lands on", () => {
    const big = summary(6_000_000);
    const fit = checkRunFits(big, config(), caps());
    expect(() => checkStepFits(stepShapeOf(big), config(), 'wasm')).toThrow(fit?.refusal ?? 'no refusal');
    expect(fit?.refusal).toMatch(/6,000,000-token vocabulary/);
    // ~200 M parameters, ~3.7 GiB a step (weights, AdamW, the update): too much for wasm's heap, within webgpu's stated 4 GiB
    const mid = config({ batch_size: 2, d_model: 512, n_heads: 8, d_ff: 2048, n_layers: 64 });
    const midSet = summary(20);
    expect(estimateStep(stepShapeOf(midSet), mid).totalBytes / 2 ** 30).toBeGreaterThan(3.5);
    expect(checkRunFits(midSet, mid, caps())?.refusal).toMatch(/more than the 3\.50 GiB a wasm heap can give/);
    expect(checkRunFits(midSet, mid, caps({ webgpu: true }))?.refusal ?? null).toBeNull();
    expect(checkRunFits(midSet, { ...mid, backend: 'wasm' }, caps({ webgpu: true }))?.refusal).toMatch(/wasm heap/);
  });
  it('says nothing without a set or for a shape the form already refuses', () => {
    expect(checkRunFits(null, config(), caps())).toBeNull();
    expect(checkRunFits(summary(20), config({ n_heads: 3 }), caps())).toBeNull();
  });
});
