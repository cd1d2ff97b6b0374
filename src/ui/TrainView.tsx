/** The Train tab: live charts of the current run, fed by the store in report_every batches. */
import { useApp } from './app_context.tsx';
import { LossChart } from './charts/LossChart.tsx';
import { LoyaltyChart } from './charts/LoyaltyChart.tsx';
import { SpeedChart } from './charts/SpeedChart.tsx';
import { OptimChart } from './charts/OptimChart.tsx';
import { ConfigView } from './ConfigView.tsx';

export function TrainView({ smoothing, logScale }: { smoothing: number; logScale: boolean }) {
  const history = useApp((s) => s.metrics.history);
  const evals = useApp((s) => s.metrics.evals);
  const masked = evals.some((e) => e.metrics.masked_label_loyalty !== undefined);
  return (
    <div>
      <div className="chart-grid">
        <LossChart history={history} evals={evals} smoothing={smoothing} logScale={logScale} />
        <LoyaltyChart evals={evals} />
        <SpeedChart history={history} smoothing={smoothing} />
        <OptimChart history={history} smoothing={smoothing} />
      </div>
      {masked && (
        <p className="hint" data-testid="loyalty-note">
          Why loyalty starts high at step 0 (and may dip first): in masked LM most positions show their own input token, which the
          teacher predicts there, and an untrained student copies it through too (with tied embeddings its output at a position is
          closest to that position&apos;s own input). Loyalty on the masked positions — the tokens the teacher had to predict — is the
          figure that measures the distillation.
        </p>
      )}
      <ConfigView />
    </div>
  );
}
