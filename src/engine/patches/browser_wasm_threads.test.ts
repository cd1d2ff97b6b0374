import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { defaultWasmThreads, FACTORY_BLOB_PREFIX, factorySwappingBlob } from './browser_wasm_threads.ts';

describe('defaultWasmThreads', () => {
  it('uses every core up to 4, then half of them, never more than 8 nor fewer than 1', () => {
    expect([1, 2, 3, 4, 6, 8, 12, 16, 32].map(defaultWasmThreads)).toEqual([1, 2, 3, 4, 4, 4, 6, 8, 8]);
    expect(defaultWasmThreads(0)).toBe(1);
    expect(defaultWasmThreads(Number.NaN)).toBe(1);
  });
});

describe('factorySwappingBlob', () => {
  const Swapping = factorySwappingBlob(Blob, 'var WasmBackendModuleThreadedSimd = (() => "original")();');

  it('gives the pthread workers the original factory in place of its stringified bundled copy', async () => {
    const blob = new Swapping([`${FACTORY_BLOB_PREFIX}function(e){return e.x}`], { type: 'text/javascript' });
    expect(await blob.text()).toBe('var WasmBackendModuleThreadedSimd = (() => "original")();');
    expect(blob.type).toBe('text/javascript');
    expect(blob).toBeInstanceOf(Blob);
  });

  it('builds every other Blob as the native one would', async () => {
    expect(await new Swapping(['plain text']).text()).toBe('plain text');
    expect(await new Swapping([FACTORY_BLOB_PREFIX, 'split in two parts']).text()).toBe(`${FACTORY_BLOB_PREFIX}split in two parts`);
    expect(new Swapping().size).toBe(0);
    expect(await new Swapping([new Uint8Array([104, 105])]).text()).toBe('hi');
  });
});

describe('prepareWasmThreads', () => {
  it('stays single-threaded without cross-origin isolation or when one thread is asked for', async () => {
    const { env } = await import('@tensorflow/tfjs');
    const { prepareWasmThreads } = await import('./browser_wasm_threads.ts');
    expect(prepareWasmThreads(4, false)).toEqual({ threads: 1, reason: expect.stringMatching(/cross-origin isolated/) });
    expect(await env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')).toBe(false);
    expect(prepareWasmThreads(1, true).threads).toBe(1);
  });

  it('when isolated, installs the swap for the factory Blob and asks tfjs for the threads', async () => {
    const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
    const { prepareWasmThreads } = await import('./browser_wasm_threads.ts');
    const native = globalThis.Blob;
    try {
      expect(prepareWasmThreads(3, true)).toEqual({ threads: 3 });
      const text = await new Blob([`${FACTORY_BLOB_PREFIX}function(){}`]).text();
      expect(text).toMatch(/^\s*var WasmBackendModuleThreadedSimd = \(\(\) => \{/); // tfjs's own file
      expect(text.length).toBeGreaterThan(50_000);
      // The count applies when the backend starts (engine-wasm's setup has started it already).
      if (tf.getBackend() !== 'wasm') expect(() => getThreadsCount()).toThrow(/not initialized/);
    } finally {
      globalThis.Blob = native;
    }
  });
});

describe('withThreadCap', () => {
  it('reports 2·threads cores while the backend initialises (tfjs caps its pool at half), then the real count', async () => {
    const { withThreadCap } = await import('./browser_wasm_threads.ts');
    class FakeNavigator {
      get hardwareConcurrency(): number {
        return 2; // like WorkerNavigator: a getter on the prototype
      }
    }
    const g = globalThis as { navigator?: { hardwareConcurrency: number } };
    const before = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    Object.defineProperty(globalThis, 'navigator', { value: new FakeNavigator(), configurable: true, writable: true });
    try {
      const cores = () => g.navigator?.hardwareConcurrency;
      expect(await withThreadCap(2, async () => cores())).toBe(4);
      expect(cores()).toBe(2);
      await expect(withThreadCap(3, async () => Promise.reject(new Error('init failed')))).rejects.toThrow('init failed');
      expect(cores()).toBe(2);
      expect(await withThreadCap(1, async () => cores())).toBe(2); // one thread: untouched
    } finally {
      if (before) Object.defineProperty(globalThis, 'navigator', before);
      else delete g.navigator;
    }
  });
});

describe('upstream (tfjs-backend-wasm 4.22): is the pthread Blob patch still needed?', () => {
  it('tfjs still hands its pthread workers the factory as a stringified function (broken once bundled)', async () => {
    const { readFile } = await import('node:fs/promises');
    const { createRequire } = await import('node:module');
    const path = await import('node:path');
    const dir = path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    const source = await readFile(path.join(dir, 'dist', 'backend_wasm.js'), 'utf8');
    // When this fails, tfjs builds the Blob another way: check whether threads work bundled without the swap.
    expect(source).toMatch(/new Blob\(\[[`"']var WasmBackendModuleThreadedSimd = [`"'] \+\s*wasmFactoryThreadedSimd\.toString\(\)\]/);
    expect(source.includes(FACTORY_BLOB_PREFIX)).toBe(true);
  });
  it("the threaded build still sizes its pool from navigator.hardwareConcurrency (the C++ takes half of it)", async () => {
    const { readFile } = await import('node:fs/promises');
    const { createRequire } = await import('node:module');
    const path = await import('node:path');
    const dir = path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    const glue = await readFile(path.join(dir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js'), 'utf8');
    expect(glue).toMatch(/navigator\["hardwareConcurrency"\]/);
  });
});
