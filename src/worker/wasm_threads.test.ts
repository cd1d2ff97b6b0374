import { describe, expect, it } from 'vitest';
import { defaultWasmThreads, FACTORY_BLOB_PREFIX, factorySwappingBlob } from './wasm_threads.ts';

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
    const { prepareWasmThreads } = await import('./wasm_threads.ts');
    expect(prepareWasmThreads(4, false)).toEqual({ threads: 1, reason: expect.stringMatching(/cross-origin isolated/) });
    expect(await env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')).toBe(false);
    expect(prepareWasmThreads(1, true).threads).toBe(1);
  });

  it('when isolated, installs the swap for the factory Blob and asks tfjs for the threads', async () => {
    const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
    const { prepareWasmThreads } = await import('./wasm_threads.ts');
    const native = globalThis.Blob;
    try {
      expect(prepareWasmThreads(3, true)).toEqual({ threads: 3 });
      const text = await new Blob([`${FACTORY_BLOB_PREFIX}function(){}`]).text();
      expect(text).toMatch(/^\s*var WasmBackendModuleThreadedSimd = \(\(\) => \{/); // tfjs's own file
      expect(text.length).toBeGreaterThan(50_000);
      expect(() => getThreadsCount()).toThrow(/not initialized/); // the count applies when the backend starts
    } finally {
      globalThis.Blob = native;
    }
  });
});

describe('withThreadCap', () => {
  it('reports 2·threads cores while the backend initialises (tfjs caps its pool at half), then the real count', async () => {
    const { withThreadCap } = await import('./wasm_threads.ts');
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
