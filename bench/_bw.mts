import { Worker } from 'node:worker_threads';
import { gemmModuleBytes } from '../src/engine/patches/gemm/gemm_module.ts';
const memory = new WebAssembly.Memory({ initial: 2200, maximum: 65536, shared: true });
const module = new WebAssembly.Module(gemmModuleBytes(true));
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports as any;
const rows = 2048, cols = 8192; const bytes = rows * cols * 4; // 64 MB
new Float32Array(memory.buffer, 0, rows * cols * 2).fill(1);
const out = bytes * 2 + 64;
const t = (f: () => void) => { f(); const t0 = performance.now(); for (let i = 0; i < 10; i++) f(); return (performance.now() - t0) / 10; };
const one = t(() => ex.rowMax(0, rows, cols, out));
console.log('1 thread rowMax 64MB:', one.toFixed(2), 'ms =', (bytes / 1e6 / one).toFixed(1), 'GB/s');
const src = `const { workerData: d, parentPort } = require('node:worker_threads'); const ex = new WebAssembly.Instance(d.module, { env: { memory: d.memory } }).exports;
const t0 = performance.now(); for (let i = 0; i < 10; i++) ex.rowMax(d.off, ${rows}, ${cols}, d.out); parentPort.postMessage((performance.now() - t0) / 10);`;
const ws = [0, 1].map((i) => new Worker(src, { eval: true, workerData: { module, memory, off: i * bytes, out: out + i * 16384 } }));
const ms = await Promise.all(ws.map((w) => new Promise<number>((r) => w.once('message', r))));
console.log('2 threads concurrently, each 64MB:', ms.map((m) => m.toFixed(2)).join(' '), 'ms → total', (2 * bytes / 1e6 / Math.max(...ms)).toFixed(1), 'GB/s');
process.exit(0);
