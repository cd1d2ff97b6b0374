/** What the worker detected (adapter, WebGL, wasm threads) and which backend the run uses and why. */
import { useApp } from './app_context.tsx';

export function BackendInfo() {
  const caps = useApp((s) => s.run.capabilities);
  const chosen = useApp((s) => s.run.backend);
  return (
    <div className="backend-info" data-testid="backend-info">
      {caps ? (
        <ul>
          <li>
            WebGPU: {caps.webgpu ? <strong>{caps.adapter ?? 'available'}</strong> : <span className="muted">{caps.webgpuReason ?? 'unavailable'}</span>}
          </li>
          <li>WebGL 2: {caps.webgl ? 'available' : <span className="muted">unavailable in a worker here</span>}</li>
          <li>
            WASM: {caps.wasm ? 'available' : 'unavailable'}
            {caps.wasm
              ? caps.wasmThreads > 1
                ? `, SIMD, ${caps.wasmThreads} threads (${caps.hardwareConcurrency} cores)`
                : caps.crossOriginIsolated
                  ? ', SIMD, single thread'
                  : ', single thread (page not cross-origin isolated)'
              : ''}
          </li>
        </ul>
      ) : (
        <p className="muted">probing the worker…</p>
      )}
      {chosen && (
        <p data-testid="backend-chosen">
          Run uses <strong>{chosen.name}</strong> — {chosen.reason}
          {chosen.adapter ? ` (${chosen.adapter})` : ''}
          {chosen.threads && chosen.threads > 1 ? ` (${chosen.threads} threads)` : ''}
        </p>
      )}
    </div>
  );
}
