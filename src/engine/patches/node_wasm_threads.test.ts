import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultWasmThreads, FACTORY, FACTORY_PREFIX, WORKER_BLOB_BRANCH } from './node_wasm_threads.ts';

const dir = path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'));

describe('upstream (tfjs-backend-wasm 4.22): are the Node thread patches still needed?', () => {
  it('the threads flag is still forced off in Node (tfjs issue #3830)', async () => {
    const flags = await readFile(path.join(dir, 'dist', 'flags_wasm.js'), 'utf8');
    expect(flags).toMatch(/if \(ENV\.get\('IS_NODE'\)\) \{\s*return false;/);
  });
  it('its pthread worker script still loads a Blob factory through a blob: URL (refused by worker_threads)', async () => {
    const worker = await readFile(path.join(dir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js'), 'utf8');
    expect(worker).toContain(WORKER_BLOB_BRANCH);
    expect(existsSync(FACTORY)).toBe(true);
    expect(await readFile(FACTORY, 'utf8')).toMatch(new RegExp(`^\\s*${FACTORY_PREFIX}`));
  });
});

describe('defaultWasmThreads', () => {
  it('uses every core (at most 4) when the load leaves them free, else one thread', () => {
    expect(defaultWasmThreads(2, 0.3)).toBe(2); // 0.3 cores busy with other work
    expect(defaultWasmThreads(2, 1.2)).toBe(1);
    expect(defaultWasmThreads(16, 2)).toBe(4);
    expect(defaultWasmThreads(1, 0)).toBe(1);
    expect(defaultWasmThreads(8, Number.NaN)).toBe(1);
  });
});
