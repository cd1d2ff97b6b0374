/**
 * Fault simulation for tests and QA, on pages opened with `?debug` only: lose the GPU device, crash or hang
 * the training worker, or write a NaN into the student. The page must recover from each (recovery.ts).
 */
import { useState } from 'react';
import type { DebugFault } from '../worker/protocol.ts';
import { useController } from './app_context.tsx';

const FAULTS: { fault: DebugFault; label: string }[] = [
  { fault: 'lose-device', label: 'Lose GPU device' },
  { fault: 'crash', label: 'Crash worker' },
  { fault: 'hang', label: 'Hang worker' },
  { fault: 'non-finite', label: 'NaN weights' },
];

export function DebugPanel() {
  const controller = useController();
  const [message, setMessage] = useState<string | null>(null);
  if (!controller.debug) return null;
  const inject = (fault: DebugFault) => {
    setMessage(null);
    controller.injectFault(fault).then(
      () => setMessage(`${fault}: sent`),
      (err: unknown) => setMessage(`${fault}: ${err instanceof Error ? err.message : String(err)}`),
    );
  };
  return (
    <details className="panel debug-panel" data-testid="debug-panel" open>
      <summary>Debug: simulate faults</summary>
      <div className="row">
        {FAULTS.map(({ fault, label }) => (
          <button key={fault} type="button" data-fault={fault} onClick={() => inject(fault)}>
            {label}
          </button>
        ))}
      </div>
      {message && (
        <p className="hint" data-testid="debug-message">
          {message}
        </p>
      )}
    </details>
  );
}
