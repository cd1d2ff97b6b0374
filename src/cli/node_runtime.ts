/**
 * Node-only runtime glue: gives tfjs a WebGPU implementation (Dawn, npm `webgpu`) and the path of the wasm
 * binaries. Must run before `@tensorflow/tfjs-backend-webgpu` is imported: it registers only if navigator.gpu
 * exists. With no Vulkan driver, Dawn finds no adapter and 'auto' falls back to wasm.
 */
import { createRequire } from 'node:module';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Debian's chromium ships SwiftShader's Vulkan ICD: a software adapter for machines without a GPU. */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

let installed = false;

export async function installNodeWebGpu(): Promise<boolean> {
  if (installed) return true;
  if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(SWIFTSHADER_ICD) && !hasHardwareVulkan()) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
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
  } catch {
    return false;
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
