/**
 * The page's backend selection, by the same rule as the CLI (engine/backend_rule.ts): `auto` probes every
 * backend of the browser order without training on it (the WebGPU adapter's info, the WebGL renderer's name,
 * wasm and cpu initialised), never prefers a software GPU adapter (SwiftShader, llvmpipe, Basic Render,
 * isFallbackAdapter) over wasm, times the run's own student on each remaining candidate (engine/calibrate.ts:
 * one warm-up step and three timed ones) and keeps the fastest. The choice carries every measured ms/step,
 * why each other backend was not taken, and the projected time of the run's steps.
 */
import {
  settleAuto,
  projectedSeconds,
  softwareAdapterReason,
  type AdapterInfo,
  type BackendProbe,
  type CalibrationRecord,
} from '../engine/backend_rule.ts';
import { BROWSER_AUTO_ORDER, probeWebGpuAdapter, selectBackend, tryBackend, type BackendChoice, type ConcreteBackend } from '../engine/backend.ts';
import type { BackendName } from '../engine/config/config.ts';

export interface BrowserBackendOptions {
  /** auto only: times the run's student on the current tfjs backend; without it, auto takes the first candidate. */
  calibrate?: () => Promise<CalibrationRecord>;
  /** Steps the projection covers (the run's, or a whole sweep's). */
  steps?: number;
  /** Initialises tfjs backend `name` (the caller caps wasm's threads); null when it worked, else why not. */
  init?: (name: ConcreteBackend) => Promise<string | null>;
  /** The WebGPU adapter's info (null: none); the WebGL renderer's (a string: why there is none). */
  webgpuAdapter?: () => Promise<AdapterInfo | null>;
  webglRenderer?: () => AdapterInfo | string;
}

/** The unmasked WebGL 2 renderer of an OffscreenCanvas (vendor / renderer), or why there is no WebGL 2. */
export function probeWebGlRenderer(): AdapterInfo | string {
  if (typeof OffscreenCanvas === 'undefined') return 'no OffscreenCanvas (WebGL needs a canvas)';
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (!gl) return 'no WebGL 2 context';
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const read = (key: number): string | undefined => {
      const v: unknown = gl.getParameter(key);
      return typeof v === 'string' ? v : undefined;
    };
    const info: AdapterInfo = {
      vendor: read(ext ? ext.UNMASKED_VENDOR_WEBGL : gl.VENDOR),
      description: read(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER),
    };
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return info;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Each backend of the browser order as probed: GPUs by their adapter (not initialised), wasm and cpu initialised. */
async function probeAll(options: Required<Pick<BrowserBackendOptions, 'init' | 'webgpuAdapter' | 'webglRenderer'>>): Promise<BackendProbe[]> {
  const probes: BackendProbe[] = [];
  for (const name of BROWSER_AUTO_ORDER) {
    if (name === 'webgpu') {
      const adapter = await options.webgpuAdapter();
      probes.push(adapter ? { name, ok: true, adapter } : { name, ok: false, reason: 'no WebGPU adapter (navigator.gpu missing, or requestAdapter() returned none)' });
    } else if (name === 'webgl') {
      const renderer = options.webglRenderer();
      probes.push(typeof renderer === 'string' ? { name, ok: false, reason: renderer } : { name, ok: true, adapter: renderer });
    } else {
      const failure = await options.init(name);
      probes.push(failure === null ? { name, ok: true } : { name, ok: false, reason: failure });
    }
  }
  return probes;
}

/**
 * Selects the page's tfjs backend (and leaves it current). A named backend is used or the call throws (an
 * explicit webgpu on a software adapter is used, and says so); `auto` follows the file comment.
 */
export async function selectBrowserBackend(preference: BackendName, options: BrowserBackendOptions = {}): Promise<BackendChoice> {
  const init = options.init ?? ((name: ConcreteBackend) => tryBackend(name, {}));
  const webgpuAdapter = options.webgpuAdapter ?? probeWebGpuAdapter;
  if (preference !== 'auto') {
    const choice = await selectBackend(preference);
    if (choice.name === 'webgpu') {
      const software = softwareAdapterReason((await webgpuAdapter()) ?? undefined);
      if (software) return { ...choice, software_adapter: software, reason: `${choice.reason}; ${software}: correct, not fast` };
    }
    return choice;
  }
  const probes = await probeAll({ init, webgpuAdapter, webglRenderer: options.webglRenderer ?? probeWebGlRenderer });
  const { decision, adapter, calibration } = await settleAuto(probes, init, options.calibrate);
  const ms = calibration.find((c) => c.name === decision.name)?.ms_per_step;
  return {
    ...decision,
    adapter,
    ...(calibration.length > 0 ? { calibration } : {}),
    ...(ms !== undefined && options.steps !== undefined ? { projected_seconds: projectedSeconds(ms, options.steps) } : {}),
  };
}
