/**
 * Node-only runtime glue: gives tfjs a WebGPU implementation (Dawn, npm `webgpu`) and the path of the wasm
 * binaries. Must run before `@tensorflow/tfjs-backend-webgpu` is imported: it registers only if navigator.gpu
 * exists. With no Vulkan driver, Dawn finds no adapter; with only a software one (SwiftShader), 'auto' still
 * trains on wasm (engine/backend_rule.ts).
 */
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { NODE_AUTO_ORDER, probeWebGpuAdapter, selectBackend, tryBackend, type BackendChoice } from '../engine/backend.ts';
import {
  settleAuto,
  softwareAdapterReason,
  type BackendProbe,
  type CalibrationRecord,
  type ConcreteBackend,
} from '../engine/backend_rule.ts';
import type { BackendName } from '../engine/config/config.ts';
import { busyCores } from './busy_cores.ts';
import { enableNodeRelaxedSimd } from '../engine/patches/node_relaxed_simd.ts';
import { defaultWasmThreads, enableNodeWasmThreads, wasmThreadsFromEnv, withCoreCount } from '../engine/patches/node_wasm_threads.ts';

const require = createRequire(import.meta.url);

/** Debian's chromium ships SwiftShader's Vulkan ICD: a software adapter for machines without a GPU. */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

let installed = false;

/**
 * Installs navigator.gpu. Without a vendor GPU driver, `allowSoftware` points Vulkan at SwiftShader (a CPU
 * emulation: right for correctness tests, slower than wasm for training); otherwise returns false with the
 * reason, so 'auto' moves on to wasm.
 */
export async function installNodeWebGpu(allowSoftware = true): Promise<true | string> {
  if (installed) return true;
  const explicitDriver = Boolean(process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES);
  if (!explicitDriver && !hasHardwareVulkan()) {
    if (!allowSoftware) return 'no hardware GPU driver (SwiftShader would emulate WebGPU on the CPU: ask for --backend webgpu to force it)';
    if (existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  // Vulkan's loader prints "error: XDG_RUNTIME_DIR is invalid or not set" on stderr once per device when the
  // variable is missing (containers, CI); a private directory of this user's, reused by every run, keeps
  // stderr for progress and errors.
  if (!process.env.XDG_RUNTIME_DIR) {
    const dir = path.join(tmpdir(), `distill-xdg-${process.getuid?.() ?? 'user'}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    process.env.XDG_RUNTIME_DIR = dir;
  }
  try {
    const webgpu = (await import('webgpu')) as { create: (flags: string[]) => unknown; globals: Record<string, unknown> };
    Object.assign(globalThis, webgpu.globals);
    const gpu = webgpu.create([]);
    const nav = (globalThis as { navigator?: object }).navigator;
    if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
    else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    installed = true;
    return true;
  } catch (err) {
    return `the webgpu (Dawn) package failed to load: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** A vendor GPU driver (not Mesa's software/old Intel/AMD ICDs that Debian 12's Dawn cannot use) is installed. */
function hasHardwareVulkan(): boolean {
  const dirs = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/nvidia/share/vulkan/icd.d'];
  return dirs.some((dir) => existsSync(dir) && readdirSync(dir).some((f) => /nvidia/i.test(f)));
}

/** Directory holding tfjs-backend-wasm's .wasm files, with a trailing slash (setWasmPaths wants a prefix). */
export function nodeWasmPaths(): string {
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
}

/** Options of selectNodeBackend. */
export interface NodeBackendOptions {
  /**
   * auto only: times the run's student on the current tfjs backend (engine/calibrate.ts). Called once per
   * calibration candidate, with that backend made current; the fastest wins. Without it, auto takes the
   * first candidate of the honest order (backend_rule.ts).
   */
  calibrate?: () => Promise<CalibrationRecord>;
}

/**
 * Backend selection for Node (CLI, bench). 'auto' probes webgpu (a hardware driver, or whatever
 * VK_ICD_FILENAMES names), wasm and cpu, drops software adapters while wasm works (backend_rule.ts), calibrates
 * the remaining candidates when asked, and keeps the fastest; the choice lists why each other backend was not
 * taken. An explicit 'webgpu' also accepts SwiftShader, saying it is software.
 */
export async function selectNodeBackend(preference: BackendName, options: NodeBackendOptions = {}): Promise<BackendChoice> {
  const wasmPaths = nodeWasmPaths();
  enableNodeRelaxedSimd(); // the wasm GEMM's fused multiply-add (engine/patches/node_relaxed_simd.ts)
  if (preference === 'webgl') throw new Error('webgl exists only in a browser; use auto, webgpu, wasm or cpu');
  // Threaded wasm (engine/patches/node_wasm_threads.ts): DISTILL_WASM_THREADS=N, else on cores idle right now.
  const threads = wasmThreadsFromEnv() || (preference === 'wasm' || preference === 'auto' ? defaultWasmThreads(os.availableParallelism(), await busyCores()) : 1);
  if (threads > 1) enableNodeWasmThreads(threads);
  if (preference === 'webgpu') {
    const ok = await installNodeWebGpu(true);
    if (ok !== true) throw new Error(`webgpu unavailable: ${ok}`);
    const choice = await selectBackend('webgpu', { wasmPaths });
    const software = softwareAdapterReason((await probeWebGpuAdapter()) ?? undefined);
    if (software) {
      choice.software_adapter = software;
      choice.reason += `; ${software}: correct, not fast`;
    }
    return choice;
  }
  if (preference !== 'auto') return withCoreCount(() => selectBackend(preference, { wasmPaths }));

  const init = (name: ConcreteBackend) => withCoreCount(() => tryBackend(name, { wasmPaths }));
  const probes: BackendProbe[] = [];
  for (const name of NODE_AUTO_ORDER) {
    if (name === 'webgpu') {
      probes.push(await probeNodeWebGpu()); // the adapter only: tfjs's webgpu is initialised if it is a candidate
      continue;
    }
    const failure = await init(name);
    probes.push(failure === null ? { name, ok: true } : { name, ok: false, reason: failure });
  }
  const { decision, adapter, calibration } = await settleAuto(probes, init, options.calibrate);
  return { ...decision, adapter, ...(calibration.length > 0 ? { calibration } : {}) };
}

/** webgpu for 'auto': Dawn on a hardware driver (or the one VK_ICD_FILENAMES names), with its adapter's info. */
async function probeNodeWebGpu(): Promise<BackendProbe> {
  const installed = await installNodeWebGpu(false);
  if (installed !== true) return { name: 'webgpu', ok: false, reason: installed };
  const adapter = await probeWebGpuAdapter();
  if (!adapter) return { name: 'webgpu', ok: false, reason: 'navigator.gpu.requestAdapter() returned no adapter' };
  return { name: 'webgpu', ok: true, adapter };
}
