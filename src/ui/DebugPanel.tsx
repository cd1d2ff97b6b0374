/**
 * Fault simulation for tests and QA, on pages opened with `?debug` only: lose the GPU device, crash or hang
 * the training worker, or write a NaN into the student. The page must recover from each (recovery.ts).
 */
import { useState } from 'react';
import type { DebugFault } from '../session/page_session.ts';
import { useSession } from './app_context.tsx';

const FAULTS: { fault: DebugFault; label: string }[] = [
  { fault: 'lose-device', label: 'Lose GPU device' },
  { fault: 'crash', label: 'Crash worker' },
  { fault: 'hang', label: 'Hang worker' },
  { fault: 'non-finite', label: 'NaN weights' },
];

export function DebugPanel() {
  const session = useSession();
  const [message, setMessage] = useState<string | null>(null);
  if (!session.debug) return null;
  const inject = (fault: DebugFault) => {
    setMessage(null);
    session.injectFault(fault).then(
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
