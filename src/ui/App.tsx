/** The page: settings on the left (data, student, recipe), the run and its tabs on the right. */
import { useState } from 'react';
import { useApp } from './app_context.tsx';
import { DataPanel } from './DataPanel.tsx';
import { StudentPanel } from './StudentPanel.tsx';
import { RecipePanel } from './RecipePanel.tsx';
import { TrainPanel } from './TrainPanel.tsx';
import { TrainView } from './TrainView.tsx';
import { ComparePanel } from './compare/ComparePanel.tsx';
import { RunsPanel } from './RunsPanel.tsx';
import { ExportPanel } from './ExportPanel.tsx';
import { ChartControls, type ChartOptions } from './ChartControls.tsx';
import { ResumeBanner } from './ResumeBanner.tsx';
import { DebugPanel } from './DebugPanel.tsx';

const TABS = ['Train', 'Compare', 'Runs', 'Export'] as const;
type Tab = (typeof TABS)[number];

function Header() {
  const fileName = useApp((s) => s.data.summary?.fileName);
  const backend = useApp((s) => s.run.backend?.name);
  const seed = useApp((s) => s.run.config?.seed ?? s.config.values.seed);
  const runCount = useApp((s) => s.runs.list.length);
  return (
    <header className="app-header">
      <h1>Distill Playground</h1>
      <span className="muted">knowledge distillation in your browser</span>
      <span className="header-facts">
        <span>data: <strong>{fileName ?? 'none'}</strong></span>
        <span>backend: <strong>{backend ?? 'not chosen'}</strong></span>
        <span>seed: <strong>{seed}</strong></span>
        <span>runs: <strong>{runCount}</strong></span>
      </span>
    </header>
  );
}

export function App() {
  const [tab, setTab] = useState<Tab>('Train');
  const [chart, setChart] = useState<ChartOptions>({ smoothing: 0.6, logScale: false });
  return (
    <div className="app">
      <Header />
      <div className="layout">
        <aside className="sidebar">
          <DataPanel />
          <StudentPanel />
          <RecipePanel />
        </aside>
        <main className="main">
          <ResumeBanner />
          <TrainPanel />
          <DebugPanel />
          <nav className="tabs" role="tablist">
            {TABS.map((t) => (
              <button key={t} type="button" role="tab" aria-selected={tab === t} className={tab === t ? 'tab tab-on' : 'tab'} onClick={() => setTab(t)}>
                {t}
              </button>
            ))}
            <ChartControls value={chart} onChange={setChart} />
          </nav>
          <div role="tabpanel" aria-label={tab}>
            {tab === 'Train' && <TrainView smoothing={chart.smoothing} logScale={chart.logScale} />}
            {tab === 'Compare' && <ComparePanel />}
            {tab === 'Runs' && <RunsPanel smoothing={chart.smoothing} logScale={chart.logScale} />}
            {tab === 'Export' && <ExportPanel smoothing={chart.smoothing} logScale={chart.logScale} />}
          </div>
        </main>
      </div>
    </div>
  );
}
