/** What this worker could run on, found without initialising any tfjs backend. */
import type { Capabilities } from '../engine/training/session.ts';

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
}
interface NavigatorLike {
  gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> };
  hardwareConcurrency?: number;
}

/** `wasmThreads`: how many threads this worker set the wasm backend up with (engine/patches/browser_wasm_threads.ts; 1: none). */
export async function probeCapabilities(opts: { wasmThreads: number }): Promise<Capabilities> {
  const nav: NavigatorLike | undefined = globalThis.navigator;
  let webgpu = false;
  let adapter: string | undefined;
  let webgpuReason: string | undefined;
  if (!nav?.gpu) {
    webgpuReason = 'navigator.gpu is missing (no WebGPU in this browser)';
  } else {
    try {
      const a = await nav.gpu.requestAdapter();
      if (!a) webgpuReason = 'requestAdapter() returned no adapter';
      else {
        webgpu = true;
        const info = a.info ?? {};
        const parts = [info.vendor, info.architecture, info.device, info.description].filter(
          (v): v is string => typeof v === 'string' && v.length > 0,
        );
        adapter = parts.length > 0 ? parts.join(' / ') : 'unnamed adapter';
      }
    } catch (err) {
      webgpuReason = err instanceof Error ? err.message : String(err);
    }
  }
  let webgl = false;
  try {
    webgl = typeof OffscreenCanvas !== 'undefined' && new OffscreenCanvas(1, 1).getContext('webgl2') !== null;
  } catch {
    webgl = false;
  }
  return {
    webgpu,
    adapter,
    webgpuReason,
    webgl,
    wasm: typeof WebAssembly === 'object',
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    wasmThreads: globalThis.crossOriginIsolated === true ? Math.max(1, opts.wasmThreads) : 1,
    hardwareConcurrency: nav?.hardwareConcurrency ?? 1,
  };
}
