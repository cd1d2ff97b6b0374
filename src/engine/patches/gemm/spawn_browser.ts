/** The browser's GEMM workers: nested dedicated Workers from a blob: URL (the CSP allows worker-src blob:). */
import type { GemmWorkerSpawner } from './gemm_pool.ts';

export const spawnBrowserGemmWorker: GemmWorkerSpawner = (source, data) => {
  const script = `${source}\nself.onmessage = (e) => serve(e.data, () => self.postMessage('ready'));`;
  const url = URL.createObjectURL(new Blob([script], { type: 'text/javascript' }));
  const worker = new Worker(url, { name: `gemm-${data.index}` });
  const ready = new Promise<void>((resolve, reject) => {
    worker.onmessage = () => resolve();
    worker.onerror = (e) => reject(new Error(e.message));
  });
  worker.postMessage(data);
  return {
    ready: ready.finally(() => URL.revokeObjectURL(url)),
    terminate: () => worker.terminate(),
  };
};
