/** Smoothing slider and log-scale toggle shared by the loss and speed charts. */
export interface ChartOptions {
  smoothing: number;
  logScale: boolean;
}

export function ChartControls({ value, onChange }: { value: ChartOptions; onChange: (v: ChartOptions) => void }) {
  return (
    <div className="chart-controls row">
      <label className="inline">
        smoothing
        <input
          type="range"
          min={0}
          max={0.95}
          step={0.05}
          value={value.smoothing}
          onChange={(e) => onChange({ ...value, smoothing: Number(e.target.value) })}
          aria-label="smoothing"
        />
        <span className="num">{value.smoothing.toFixed(2)}</span>
      </label>
      <label className="inline">
        <input type="checkbox" checked={value.logScale} onChange={(e) => onChange({ ...value, logScale: e.target.checked })} />
        log-scale loss
      </label>
    </div>
  );
}
