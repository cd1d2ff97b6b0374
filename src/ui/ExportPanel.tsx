/**
 * Export: for the current or any stored run — the student as safetensors + config.json, in the tfjs weights
 * manifest layout (model.json + weights.bin), the run report (report.json) and history (CSV), each built by the
 * session (session/run_files.ts); the run's charts with their PNG buttons.
 */
import { useState } from 'react';
import type { RunFileKind } from '../session/run_files.ts';
import { useApp, useSession } from './app_context.tsx';
import { downloadFile } from './export/download.ts';
import { LossChart } from './charts/LossChart.tsx';
import { LoyaltyChart } from './charts/LoyaltyChart.tsx';
import { SpeedChart } from './charts/SpeedChart.tsx';
import { OptimChart } from './charts/OptimChart.tsx';
// The PyTorch trainer a handoff carries, bundled as text (the same files `distill handoff` copies).
import trainPy from '../../tools/handoff/train.py?raw';
import lossesPy from '../../tools/handoff/distill_losses.py?raw';

export function ExportPanel({ smoothing, logScale }: { smoothing: number; logScale: boolean }) {
  const session = useSession();
  const runs = useApp((s) => s.runs.list);
  const currentId = useApp((s) => s.run.runId);
  const [picked, setPicked] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [handingOff, setHandingOff] = useState(false);
  const id = picked ?? (runs.some((r) => r.id === currentId) ? currentId : (runs[0]?.id ?? null));
  const run = runs.find((r) => r.id === id) ?? null;

  const save = async (kind: RunFileKind) => {
    if (!run) return;
    setMessage(null);
    try {
      for (const file of await session.runFiles(run.id, kind)) downloadFile(file);
    } catch (err) {
      setMessage(err instanceof Error ? err.message : String(err));
    }
  };

  const handoff = async () => {
    if (!run) return;
    setMessage(null);
    setHandingOff(true);
    try {
      downloadFile(await session.handoffFile(run.id, { trainPy, lossesPy }));
    } catch (err) {
      setMessage(err instanceof Error ? err.message : String(err));
    } finally {
      setHandingOff(false);
    }
  };

  if (!run) return <p className="hint panel">Finish a run (or import one) to export it.</p>;

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
              <button type="button" disabled={!run.hasWeights} onClick={() => void save('directory')} data-testid="export-directory">
                Hugging Face directory (.zip)
              </button>
              <button type="button" disabled={!run.hasWeights} onClick={() => void save('student')}>
                model.safetensors
              </button>
              <button type="button" disabled={!run.hasWeights} onClick={() => void save('config')}>
                config.json
              </button>
              <button type="button" disabled={!run.hasWeights} onClick={() => void save('tfjs')}>
                tfjs model.json + weights.bin
              </button>
            </div>
            <p className="hint">
              A real {String(run.studentConfig?.architectures ?? 'transformers')} model: unzip and load it with{' '}
              <code>AutoModel….from_pretrained(dir)</code> (no <code>trust_remote_code</code>); the zip also holds the tokenizer
              when the set carried one, the AdamW state and report.json. The tfjs files are a weights manifest of the same
              tensors: <code>tf.io.loadWeights(modelJson.weightsManifest, baseUrl)</code>.
            </p>
          </div>
          <div>
            <h3>Continue at scale</h3>
            <div className="row">
              <button type="button" disabled={!run.hasWeights || handingOff} onClick={() => void handoff()} data-testid="export-handoff">
                {handingOff ? 'Preparing…' : 'Continue in PyTorch'}
              </button>
            </div>
            <p className="hint">
              A .zip with <code>train.py</code> (PyTorch + transformers; <code>torchrun</code> for several GPUs), the recipe, the
              student and its AdamW state. Run <code>python train.py --data FILE --check-parity</code> first: it recomputes this
              page&apos;s losses on the first batches.
            </p>
          </div>
          <div>
            <h3>Run</h3>
            <div className="row">
              <button type="button" onClick={() => void save('report')}>
                report.json
              </button>
              <button type="button" onClick={() => void save('history')}>
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
