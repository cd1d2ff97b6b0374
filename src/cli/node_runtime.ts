/**
 * Node-only runtime glue: gives tfjs a WebGPU implementation (Dawn, npm `webgpu`) and the path of the wasm
 * binaries. Must run before `@tensorflow/tfjs-backend-webgpu` is imported: it registers only if navigator.gpu
 * exists. With no Vulkan driver, Dawn finds no adapter and 'auto' falls back to wasm.
 */
import { createRequire } from 'node:module';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { NODE_AUTO_ORDER, selectBackend, type BackendChoice } from '../engine/backend.ts';
import type { BackendName } from '../engine/config/config.ts';
import { enableNodeWasmThreads, wasmThreadsFromEnv, withCoreCount } from '../engine/patches/node_wasm_threads.ts';

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

/**
 * Backend selection for Node (CLI, bench): 'auto' tries a hardware WebGPU adapter, then wasm, then cpu; an
 * explicit 'webgpu' also accepts SwiftShader. The returned choice lists why each skipped backend was skipped.
 */
export async function selectNodeBackend(preference: BackendName): Promise<BackendChoice> {
  const wasmPaths = nodeWasmPaths();
  if (preference === 'webgl') throw new Error('webgl exists only in a browser; use auto, webgpu, wasm or cpu');
  // Opt-in threaded wasm (engine/patches/node_wasm_threads.ts): DISTILL_WASM_THREADS=N.
  const threads = wasmThreadsFromEnv();
  if (threads > 1) enableNodeWasmThreads(threads);
  const select = (name: BackendName, options: Parameters<typeof selectBackend>[1]) => withCoreCount(() => selectBackend(name, options));
  if (preference === 'webgpu') {
    const ok = await installNodeWebGpu(true);
    if (ok !== true) throw new Error(`webgpu unavailable: ${ok}`);
    return selectBackend('webgpu', { wasmPaths });
  }
  if (preference !== 'auto') return select(preference, { wasmPaths });
  const gpu = await installNodeWebGpu(false);
  const order = gpu === true ? NODE_AUTO_ORDER : NODE_AUTO_ORDER.filter((name) => name !== 'webgpu');
  const choice = await select('auto', { wasmPaths, autoOrder: order });
  if (gpu !== true) {
    choice.skipped.unshift({ name: 'webgpu', reason: gpu });
    choice.reason = `${choice.name}: webgpu unavailable (${gpu})`;
  }
  return choice;
}
