import { describe, expect, it } from 'vitest';
import type { AdapterInfo, CalibrationRecord } from '../engine/backend_rule.ts';
import type { ConcreteBackend } from '../engine/backend.ts';
import { selectBrowserBackend } from './browser_backend.ts';

const SWIFTSHADER_GPU: AdapterInfo = { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader Device (Subzero)' };
const SWIFTSHADER_GL: AdapterInfo = { vendor: 'Google Inc. (Google)', description: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)' };
const HARDWARE_GPU: AdapterInfo = { vendor: 'nvidia', architecture: 'ada', description: 'NVIDIA RTX 4090' };

/** A fake tfjs: `init` makes a backend current (or fails), `calibrate` times the current one from a table. */
function fakeRuntime(msPerStep: Partial<Record<ConcreteBackend, number>>, failing: Partial<Record<ConcreteBackend, string>> = {}) {
  let current: ConcreteBackend | null = null;
  const calibrated: ConcreteBackend[] = [];
  return {
    calibrated,
    current: () => current,
    init: async (name: ConcreteBackend) => {
      if (failing[name]) return failing[name] ?? null;
      current = name;
      return null;
    },
    calibrate: async (): Promise<CalibrationRecord> => {
      if (!current) throw new Error('no backend');
      calibrated.push(current);
      return { name: current, ms_per_step: msPerStep[current], steps: 3, warmup_ms: 1 };
    },
  };
}

describe('selectBrowserBackend (auto)', () => {
  it('with SwiftShader present, never calibrates the software GPUs and trains on wasm', async () => {
    const rt = fakeRuntime({ webgpu: 37_700, webgl: 20_000, wasm: 450 });
    const choice = await selectBrowserBackend('auto', {
      init: rt.init,
      calibrate: rt.calibrate,
      steps: 100,
      webgpuAdapter: async () => SWIFTSHADER_GPU,
      webglRenderer: () => SWIFTSHADER_GL,
    });
    expect(choice.name).toBe('wasm');
    expect(rt.current()).toBe('wasm'); // left current for the trainer
    expect(rt.calibrated).toEqual(['wasm']);
    expect(choice.calibration?.map((c) => [c.name, c.ms_per_step])).toEqual([['wasm', 450]]);
    expect(choice.reason).toMatch(/^wasm: the only candidate, calibrated at 450\.0 ms\/step/);
    expect(choice.reason).toMatch(/webgpu: software adapter \(swiftshader/);
    expect(choice.skipped.find((s) => s.name === 'webgl')?.reason).toMatch(/software adapter \(.*SwiftShader.*never preferred over wasm/);
    expect(choice.projected_seconds).toBeCloseTo(45, 6);
  });

  it('calibrates a hardware GPU against wasm and keeps the faster, with both figures in the reason', async () => {
    const fast = fakeRuntime({ webgpu: 40, wasm: 450 });
    const gpu = await selectBrowserBackend('auto', { init: fast.init, calibrate: fast.calibrate, webgpuAdapter: async () => HARDWARE_GPU, webglRenderer: () => 'no WebGL 2 context' });
    expect(fast.calibrated).toEqual(['webgpu', 'wasm']);
    expect(gpu.name).toBe('webgpu');
    expect(gpu.adapter).toBe('nvidia / ada / NVIDIA RTX 4090');
    expect(gpu.reason).toMatch(/fastest in calibration \(webgpu 40\.0 ms\/step, wasm 450\.0 ms\/step\)/);
    expect(fast.current()).toBe('webgpu');

    const slow = fakeRuntime({ webgpu: 900, wasm: 450 });
    const cpuBound = await selectBrowserBackend('auto', { init: slow.init, calibrate: slow.calibrate, webgpuAdapter: async () => HARDWARE_GPU, webglRenderer: () => 'no WebGL 2 context' });
    expect(cpuBound.name).toBe('wasm');
    expect(cpuBound.skipped.find((s) => s.name === 'webgpu')?.reason).toMatch(/slower in calibration \(900\.0 ms\/step against 450\.0 ms\/step\)/);
    expect(slow.current()).toBe('wasm');
  });

  it('without a calibration takes the first candidate of the honest order', async () => {
    const rt = fakeRuntime({});
    const choice = await selectBrowserBackend('auto', { init: rt.init, webgpuAdapter: async () => SWIFTSHADER_GPU, webglRenderer: () => 'no OffscreenCanvas' });
    expect(choice.name).toBe('wasm');
    expect(choice.calibration).toBeUndefined();
    expect(rt.calibrated).toEqual([]);
  });

  it('falls back to the software GPU only when wasm does not work, and names why wasm failed', async () => {
    const rt = fakeRuntime({ webgpu: 5000 }, { wasm: 'WebAssembly is disabled' });
    const choice = await selectBrowserBackend('auto', { init: rt.init, calibrate: rt.calibrate, webgpuAdapter: async () => SWIFTSHADER_GPU, webglRenderer: () => 'no WebGL 2 context' });
    expect(choice.name).toBe('webgpu');
    expect(choice.skipped.find((s) => s.name === 'wasm')?.reason).toMatch(/unavailable \(WebAssembly is disabled\)/);
  });

  it('a calibration that fails counts against its backend, not the run', async () => {
    const rt = fakeRuntime({ wasm: 450 });
    const calibrate = async (): Promise<CalibrationRecord> => (rt.current() === 'webgpu' ? { name: 'webgpu', steps: 3, error: 'out of memory' } : rt.calibrate());
    const choice = await selectBrowserBackend('auto', { init: rt.init, calibrate, webgpuAdapter: async () => HARDWARE_GPU, webglRenderer: () => 'no WebGL 2 context' });
    expect(choice.name).toBe('wasm');
    expect(choice.skipped.find((s) => s.name === 'webgpu')?.reason).toBe('calibration failed (out of memory)');
  });
});
