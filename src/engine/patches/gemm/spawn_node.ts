/** Node's GEMM worker threads (worker_threads, an eval'd script: no file to ship). Node entries only. */
import { Worker } from 'node:worker_threads';
import type { GemmWorkerSpawner } from './gemm_pool.ts';

export const spawnNodeGemmWorker: GemmWorkerSpawner = (source, data) => {
  const script = `${source}\nconst { workerData, parentPort } = require('node:worker_threads');\nserve(workerData, () => parentPort.postMessage('ready'));`;
  const worker = new Worker(script, { eval: true, workerData: data });
  worker.unref(); // a blocked worker must not keep the process alive
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  return { ready, terminate: () => void worker.terminate() };
};
