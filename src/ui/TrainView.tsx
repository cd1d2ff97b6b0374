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
  return (
    <div>
      <div className="chart-grid">
        <LossChart history={history} evals={evals} smoothing={smoothing} logScale={logScale} />
        <LoyaltyChart evals={evals} />
        <SpeedChart history={history} smoothing={smoothing} />
        <OptimChart history={history} smoothing={smoothing} />
      </div>
      <ConfigView />
    </div>
  );
}
