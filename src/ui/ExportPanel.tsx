/**
 * Export: for the current or any stored run — the student as safetensors + config.json, in the tfjs weights
 * manifest layout (model.json + weights.bin), the run report (report.json) and history (CSV); the run's charts
 * with their PNG buttons.
 */
import { useState } from 'react';
import { historyCsv, reportOf } from '../store/run_record.ts';
import { useApp, useController } from './app_context.tsx';
import { downloadBytes, downloadText } from './export/download.ts';
import { tfjsFilesFromSafetensors } from './export/student_files.ts';
import { LossChart } from './charts/LossChart.tsx';
import { LoyaltyChart } from './charts/LoyaltyChart.tsx';
import { SpeedChart } from './charts/SpeedChart.tsx';
import { OptimChart } from './charts/OptimChart.tsx';

export function ExportPanel({ smoothing, logScale }: { smoothing: number; logScale: boolean }) {
  const controller = useController();
  const runs = useApp((s) => s.runs.list);
  const currentId = useApp((s) => s.run.runId);
  const [picked, setPicked] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const id = picked ?? (runs.some((r) => r.id === currentId) ? currentId : (runs[0]?.id ?? null));
  const run = runs.find((r) => r.id === id) ?? null;

  const withWeights = async (save: (w: { safetensors: Uint8Array; configJson: string }) => Promise<void> | void) => {
    if (!run) return;
    setMessage(null);
    try {
      const w = await controller.runWeights(run.id);
      if (!w) throw new Error('this run has no stored weights');
      await save(w);
    } catch (err) {
      setMessage(err instanceof Error ? err.message : String(err));
    }
  };

  if (!run) return <p className="hint panel">Finish a run (or import one) to export it.</p>;
  const stem = run.name.replace(/[^\w.-]+/g, '_').replace(/_+/g, '_').slice(0, 60);

  return (
    <div className="export" data-testid="export-panel">
      <section className="panel wide">
        <h2>Export</h2>
        <label className="field inline">
          <span className="field-label">run</span>
          <select value={run.id} onChange={(e) => setPicked(e.target.value)} data-testid="export-run">
            {runs.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <div className="export-groups">
          <div>
            <h3>Student</h3>
            <div className="row">
              <button type="button" disabled={!run.hasWeights} onClick={() => void withWeights((w) => downloadBytes(w.safetensors, 'student.safetensors'))}>
                student.safetensors
              </button>
              <button type="button" disabled={!run.hasWeights} onClick={() => void withWeights((w) => downloadText(w.configJson, 'config.json'))}>
                config.json
              </button>
              <button
                type="button"
                disabled={!run.hasWeights}
                onClick={() =>
                  void withWeights(async (w) => {
                    const tfjs = await tfjsFilesFromSafetensors(w.safetensors, w.configJson);
                    downloadText(tfjs.modelJson, 'model.json');
                    downloadBytes(tfjs.weights, 'weights.bin');
                  })
                }
              >
                tfjs model.json + weights.bin
              </button>
            </div>
            <p className="hint">
              HF-style names (<code>encoder.layer.0.attention.qkv.weight</code>, weights [in, out]); the tfjs files are a weights
              manifest: load with <code>tf.io.loadWeights(modelJson.weightsManifest, baseUrl)</code>.
            </p>
          </div>
          <div>
            <h3>Run</h3>
            <div className="row">
              <button type="button" onClick={() => downloadText(JSON.stringify(reportOf(run), null, 2), `${stem}.report.json`)}>
                report.json
              </button>
              <button type="button" onClick={() => downloadText(historyCsv(run.history), `${stem}.history.csv`, 'text/csv')}>
                history.csv
              </button>
            </div>
            <p className="hint">
              seed {run.config.seed} · backend {run.backend?.name ?? '—'} · the full config is in the report.
            </p>
          </div>
        </div>
        {message && <p className="error">{message}</p>}
      </section>
      <div className="chart-grid">
        <LossChart history={run.history} evals={run.evals} smoothing={smoothing} logScale={logScale} name="export-loss" />
        <LoyaltyChart evals={run.evals} />
        <SpeedChart history={run.history} smoothing={smoothing} />
        <OptimChart history={run.history} smoothing={smoothing} />
      </div>
    </div>
  );
}
