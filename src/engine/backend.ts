import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { describeAdapterInfo, type AdapterInfo, type CalibrationRecord } from './backend_rule.ts';
import { BACKEND_ORDER, type ConcreteBackend } from './backend_order.ts';
import type { BackendName } from './config/config.ts';

/** The backend a run uses and why it was chosen, shown in the UI and written into every report. */
export interface BackendChoice {
  name: Exclude<BackendName, 'auto'>;
  reason: string;
  /** Backends tried before this one, each with why it was skipped. */
  skipped: { name: string; reason: string }[];
  /** GPU adapter description when webgpu was picked (vendor / architecture / description). */
  adapter?: string;
  /** wasm: the threads XNNPACK runs with (set by the caller that knows, e.g. the page's worker). */
  threads?: number;
  /** webgpu: why its adapter counts as software (SwiftShader, llvmpipe, isFallbackAdapter, …), when it does. */
  software_adapter?: string;
  /** auto with calibration: each candidate's measured ms/step (backend_rule.ts). */
  calibration?: CalibrationRecord[];
  /** Projected seconds for the run's steps at the measured ms/step (evaluations not counted). */
  projected_seconds?: number;
}

export interface BackendOptions {
  /** Directory or URL prefix where tfjs-backend-wasm's .wasm files live (Node: node_modules path). */
  wasmPaths?: string;
  /** Order tried by 'auto'. The browser default includes webgl; Node has none. */
  autoOrder?: readonly Exclude<BackendName, 'auto'>[];
}

export { BACKEND_ORDER, type ConcreteBackend } from './backend_order.ts';
/** What 'auto' tries in a browser: the one order (backend_order.ts). */
export const BROWSER_AUTO_ORDER: readonly ConcreteBackend[] = BACKEND_ORDER;
/** What 'auto' tries in Node: the same order without WebGL (no canvas there). */
export const NODE_AUTO_ORDER: readonly ConcreteBackend[] = BACKEND_ORDER.filter((name) => name !== 'webgl');

interface NavigatorWithGpu {
  gpu?: { requestAdapter(): Promise<{ info?: Record<string, unknown>; isFallbackAdapter?: unknown } | null> };
}

/**
 * The default WebGPU adapter's GPUAdapterInfo (vendor, architecture, device, description, isFallbackAdapter —
 * read from the info, or from the adapter on runtimes that still keep it there), or null without an adapter.
 */
export async function probeWebGpuAdapter(): Promise<AdapterInfo | null> {
  const nav = (globalThis as { navigator?: NavigatorWithGpu }).navigator;
  if (!nav?.gpu) return null;
  try {
    const adapter = await nav.gpu.requestAdapter();
    if (!adapter) return null;
    const raw = adapter.info ?? {};
    const text = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : undefined);
    const fallback = raw.isFallbackAdapter ?? adapter.isFallbackAdapter;
    return {
      vendor: text('vendor'),
      architecture: text('architecture'),
      device: text('device'),
      description: text('description'),
      ...(typeof fallback === 'boolean' ? { isFallbackAdapter: fallback } : {}),
    };
  } catch {
    return null;
  }
}

async function describeAdapter(): Promise<string | undefined> {
  const info = await probeWebGpuAdapter();
  return info ? describeAdapterInfo(info) : undefined;
}

async function loadWebGpuBackend(): Promise<string | null> {
  const nav = (globalThis as { navigator?: NavigatorWithGpu }).navigator;
  if (!nav?.gpu) return 'navigator.gpu is missing (no WebGPU in this browser/runtime)';
  const adapter = await nav.gpu.requestAdapter().catch(() => null);
  if (!adapter) return 'navigator.gpu.requestAdapter() returned no adapter';
  // The webgpu backend registers itself on import only when navigator.gpu exists, so import it lazily.
  await import('@tensorflow/tfjs-backend-webgpu');
  return null;
}

/** Initialises `name` as the current tfjs backend; null when it worked, else why it failed. */
export async function tryBackend(name: Exclude<BackendName, 'auto'>, options: BackendOptions): Promise<string | null> {
  try {
    if (name === 'webgpu') {
      const why = await loadWebGpuBackend();
      if (why) return why;
    }
    if (name === 'webgl' && typeof document === 'undefined' && typeof OffscreenCanvas === 'undefined') {
      return 'no canvas (WebGL needs a DOM or OffscreenCanvas)';
    }
    if (name === 'wasm' && options.wasmPaths) setWasmPaths(options.wasmPaths);
    if (!tf.findBackendFactory(name)) return 'backend not registered';
    const ok = await tf.setBackend(name);
    if (!ok) return 'initialisation failed';
    await tf.ready();
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * Selects a tfjs backend. `preference` 'auto' tries `autoOrder` and keeps the first that initialises; a named
 * backend is used or the call throws with the reason it failed (no silent fallback for an explicit choice).
 */
export async function selectBackend(preference: BackendName, options: BackendOptions = {}): Promise<BackendChoice> {
  const order = preference === 'auto' ? (options.autoOrder ?? BROWSER_AUTO_ORDER) : [preference];
  const skipped: { name: string; reason: string }[] = [];
  for (const name of order) {
    const failure = await tryBackend(name, options);
    if (failure === null) {
      const adapter = name === 'webgpu' ? await describeAdapter() : undefined;
      const reason =
        preference === 'auto'
          ? skipped.length === 0
            ? `${name}: first choice of auto (${order.join(' → ')})`
            : `${name}: ${skipped.map((s) => `${s.name} unavailable (${s.reason})`).join('; ')}`
          : `${name}: requested`;
      return { name, reason, skipped, adapter };
    }
    skipped.push({ name, reason: failure });
  }
  const detail = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  throw new Error(`no usable tfjs backend (${detail})`);
}
