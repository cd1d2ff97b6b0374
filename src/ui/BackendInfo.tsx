/**
 * What the worker detected (adapter, WebGL, wasm threads) and which backend the run uses and why: for auto,
 * each candidate's measured ms/step (the run's own student, a few steps on each), why every other backend was
 * not taken, and the run's projected time, with a warning when it is long (engine/backend_rule.ts).
 */
import { longRunWarning } from '../engine/backend_rule.ts';
import { useApp } from './app_context.tsx';
import { formatDuration, formatMs } from './format.ts';

export function BackendInfo() {
  const caps = useApp((s) => s.run.capabilities);
  const chosen = useApp((s) => s.run.backend);
  const totalSteps = useApp((s) => s.run.totalSteps);
  const measured = chosen?.calibration?.find((c) => c.name === chosen.name)?.ms_per_step;
  const warning = measured !== undefined && chosen ? longRunWarning(measured, totalSteps, chosen.name) : null;
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
      {chosen?.calibration && (
        <table className="table calibration" data-testid="backend-calibration">
          <caption>auto timed the run&apos;s own student on each candidate (one warm-up step, then the median of the timed ones)</caption>
          <thead>
            <tr>
              <th scope="col">backend</th>
              <th scope="col">ms / step</th>
              <th scope="col">warm-up</th>
            </tr>
          </thead>
          <tbody>
            {chosen.calibration.map((c) => (
              <tr key={c.name} className={c.name === chosen.name ? 'row-best' : undefined}>
                <th scope="row">{c.name}</th>
                <td className="num">{c.ms_per_step !== undefined ? formatMs(c.ms_per_step) : `failed: ${c.error ?? 'no time'}`}</td>
                <td className="num">{c.warmup_ms !== undefined ? formatMs(c.warmup_ms) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {chosen && chosen.skipped.length > 0 && (
        <ul className="backend-skipped" aria-label="backends not taken">
          {chosen.skipped.map((s) => (
            <li key={s.name}>
              {s.name}: {s.reason}
            </li>
          ))}
        </ul>
      )}
      {measured !== undefined && totalSteps > 0 && (
        <p data-testid="backend-projection">
          projected: {formatDuration((measured * totalSteps) / 1000)} for {totalSteps} steps (evaluations not counted)
        </p>
      )}
      {warning && (
        <p className="notice" role="status" data-testid="long-run-warning">
          Warning: {warning}.
        </p>
      )}
    </div>
  );
}
