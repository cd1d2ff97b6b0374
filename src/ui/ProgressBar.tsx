/** A thin progress bar with an accessible value; `value` in [0, 1], or null for indeterminate. */
export function ProgressBar({ value, label }: { value: number | null; label: string }) {
  const pct = value === null ? null : Math.max(0, Math.min(1, value)) * 100;
  return (
    <div
      className={`progress${pct === null ? ' progress-indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct === null ? undefined : Math.round(pct)}
    >
      <div className="progress-fill" style={{ width: pct === null ? '30%' : `${pct}%` }} />
    </div>
  );
}
