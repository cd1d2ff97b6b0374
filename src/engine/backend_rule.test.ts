import { describe, expect, it } from 'vitest';
import {
  calibrationCandidates,
  decideBackend,
  describeAdapterInfo,
  longRunWarning,
  projectedSeconds,
  settleAuto,
  softwareAdapterReason,
  type BackendProbe,
} from './backend_rule.ts';

/** What Dawn reports for Debian chromium's SwiftShader ICD (read on this machine). */
const SWIFTSHADER = { vendor: 'google', architecture: 'swiftshader', device: 'swiftshader-device-subzero-', description: 'SwiftShader driver 5.0.0', isFallbackAdapter: true };
const NVIDIA = { vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA GeForce RTX 3060' };

const wasm: BackendProbe = { name: 'wasm', ok: true };
const cpu: BackendProbe = { name: 'cpu', ok: true };
const gpu = (adapter: object): BackendProbe => ({ name: 'webgpu', ok: true, adapter });

describe('softwareAdapterReason', () => {
  it.each([
    ['SwiftShader (Dawn)', SWIFTSHADER, /swiftshader/i],
    ['llvmpipe', { vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }, /llvmpipe/],
    ['lavapipe', { description: 'Lavapipe' }, /lavapipe/i],
    ['Microsoft Basic Render Driver', { description: 'Microsoft Basic Render Driver' }, /basic render/i],
    ['only the fallback flag', { vendor: 'acme', isFallbackAdapter: true }, /isFallbackAdapter/],
  ])('%s is software', (_, info, pattern) => {
    expect(softwareAdapterReason(info)).toMatch(pattern);
  });

  it('a hardware adapter, or none, is not', () => {
    expect(softwareAdapterReason(NVIDIA)).toBeNull();
    expect(softwareAdapterReason({ vendor: 'apple', isFallbackAdapter: false })).toBeNull();
    expect(softwareAdapterReason(undefined)).toBeNull();
  });

  it('describeAdapterInfo joins the parts it has', () => {
    expect(describeAdapterInfo(NVIDIA)).toBe('nvidia / ampere / NVIDIA GeForce RTX 3060');
    expect(describeAdapterInfo({})).toBe('unnamed adapter');
  });
});

describe('calibrationCandidates', () => {
  it('drops a software adapter and cpu while wasm works', () => {
    expect(calibrationCandidates([gpu(SWIFTSHADER), wasm, cpu])).toEqual(['wasm']);
  });

  it('keeps a hardware adapter and wasm, in the auto order', () => {
    expect(calibrationCandidates([gpu(NVIDIA), wasm, cpu])).toEqual(['webgpu', 'wasm']);
  });

  it('without wasm, a software adapter is kept, and cpu goes only when nothing else works', () => {
    const noWasm: BackendProbe = { name: 'wasm', ok: false, reason: 'no WebAssembly' };
    expect(calibrationCandidates([gpu(SWIFTSHADER), noWasm, cpu])).toEqual(['webgpu']);
    expect(calibrationCandidates([{ name: 'webgpu', ok: false, reason: 'no adapter' }, noWasm, cpu])).toEqual(['cpu']);
  });

  it('a software webgpu goes after a hardware webgl when wasm is missing', () => {
    const noWasm: BackendProbe = { name: 'wasm', ok: false, reason: 'x' };
    const webgl: BackendProbe = { name: 'webgl', ok: true, adapter: { description: 'ANGLE (NVIDIA)' } };
    expect(calibrationCandidates([gpu(SWIFTSHADER), webgl, noWasm, cpu])).toEqual(['webgl', 'webgpu']);
  });
});

describe('decideBackend', () => {
  it('SwiftShader present: wasm, saying why webgpu was not taken', () => {
    const d = decideBackend([gpu(SWIFTSHADER), wasm, cpu]);
    expect(d.name).toBe('wasm');
    expect(d.reason).toMatch(/^wasm: the only candidate; webgpu: software adapter \(swiftshader — the GPU emulated on the CPU\), never preferred over wasm; cpu: not measured/);
    expect(d.skipped.map((s) => s.name)).toEqual(['webgpu', 'cpu']);
    expect(d.skipped[0].reason).toMatch(/never preferred over wasm/);
  });

  it('even when SwiftShader measured faster, it is not chosen while wasm works', () => {
    const d = decideBackend([gpu(SWIFTSHADER), wasm], [
      { name: 'webgpu', ms_per_step: 1, steps: 3 },
      { name: 'wasm', ms_per_step: 500, steps: 3 },
    ]);
    expect(d.name).toBe('wasm');
  });

  it('picks the fastest calibrated candidate and lists each time', () => {
    const d = decideBackend([gpu(NVIDIA), wasm, cpu], [
      { name: 'webgpu', ms_per_step: 812.5, steps: 3 },
      { name: 'wasm', ms_per_step: 420, steps: 3 },
    ]);
    expect(d.name).toBe('wasm');
    expect(d.reason).toBe('wasm: fastest in calibration (webgpu 812.5 ms/step, wasm 420.0 ms/step); cpu: not measured (plain-JavaScript kernels, ~20× slower than wasm)');
    expect(d.skipped.find((s) => s.name === 'webgpu')?.reason).toBe('slower in calibration (812.5 ms/step against 420.0 ms/step)');
    const g = decideBackend([gpu(NVIDIA), wasm], [
      { name: 'webgpu', ms_per_step: 30, steps: 3 },
      { name: 'wasm', ms_per_step: 1420, steps: 3 },
    ]);
    expect(g.name).toBe('webgpu');
    expect(g.reason).toMatch(/webgpu 30\.0 ms\/step, wasm 1\.42 s\/step/);
  });

  it('a failed calibration skips that backend with its error', () => {
    const d = decideBackend([gpu(NVIDIA), wasm], [
      { name: 'webgpu', steps: 3, error: 'device lost' },
      { name: 'wasm', ms_per_step: 100, steps: 3 },
    ]);
    expect(d.name).toBe('wasm');
    expect(d.skipped).toEqual([{ name: 'webgpu', reason: 'calibration failed (device lost)' }]);
  });

  it('without calibrations, the first candidate in order', () => {
    const d = decideBackend([gpu(NVIDIA), wasm, cpu]);
    expect(d.name).toBe('webgpu');
    expect(d.reason).toMatch(/^webgpu: first of auto \(webgpu → wasm\), not calibrated/);
    expect(d.skipped.find((s) => s.name === 'wasm')?.reason).toBe('after webgpu in the auto order');
  });

  it('throws when nothing initialised, or every calibration failed', () => {
    expect(() => decideBackend([{ name: 'wasm', ok: false, reason: 'boom' }, { name: 'cpu', ok: false, reason: 'bang' }])).toThrow(/no usable tfjs backend \(wasm: boom; cpu: bang\)/);
    expect(() => decideBackend([wasm, cpu], [{ name: 'wasm', steps: 3, error: 'out of memory' }])).toThrow(/every backend failed its calibration \(wasm: out of memory\)/);
  });
});

describe('projection', () => {
  it('projects steps × ms/step and warns above 10 minutes only', () => {
    expect(projectedSeconds(4600, 300)).toBeCloseTo(1380);
    expect(longRunWarning(4600, 300, 'webgpu')).toBe('this run is projected to take ~23 min (300 steps at 4.60 s/step on webgpu); fewer steps, a smaller student or another backend would be quicker');
    expect(longRunWarning(2000, 300, 'wasm')).toBeNull(); // exactly 600 s: not above
    expect(longRunWarning(37_700, 300, 'webgpu')).toMatch(/~3\.1 h/);
    expect(longRunWarning(Number.NaN, 300, 'wasm')).toBeNull();
    expect(longRunWarning(1000, 1200, 'wasm', 'sweep')).toMatch(/^this sweep is projected to take ~20 min \(1200 steps at 1.00 s\/step on wasm\)/);
  });
});

describe('settleAuto', () => {
  it('calibrates the candidates, keeps the fastest, and on a winner that will not start runs the rule again on the rest', async () => {
    const probes: BackendProbe[] = [gpu(NVIDIA), wasm, cpu];
    const inits: string[] = [];
    let calls = 0;
    const init = async (name: string) => {
      inits.push(name);
      return name === 'webgpu' && inits.filter((n) => n === 'webgpu').length > 1 ? 'device lost' : null;
    };
    const timings = [{ name: 'webgpu' as const, steps: 3, ms_per_step: 10 }, { name: 'wasm' as const, steps: 3, ms_per_step: 50 }];
    const settled = await settleAuto(probes, init, async () => timings[calls++]);
    expect(settled.calibration.map((c) => c.name)).toEqual(['webgpu', 'wasm']);
    expect(settled.decision.name).toBe('wasm'); // webgpu won the calibration, then failed to start
    expect(probes[0]).toEqual({ name: 'webgpu', ok: false, reason: 'device lost' });
    expect(settled.adapter).toBeUndefined();
  });
});
