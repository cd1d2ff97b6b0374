/**
 * The page: settings on the left (data, student, recipe), the run and its tabs on the right; one column on
 * narrow screens. Skip links lead straight to the training controls and to the data, past the form.
 */
import { useState, type MouseEvent } from 'react';
import { useApp } from './app_context.tsx';
import { DataPanel } from './DataPanel.tsx';
import { StudentPanel } from './StudentPanel.tsx';
import { RecipePanel } from './RecipePanel.tsx';
import { TrainPanel } from './TrainPanel.tsx';
import { TrainView } from './TrainView.tsx';
import { ComparePanel } from './compare/ComparePanel.tsx';
import { RunsPanel } from './RunsPanel.tsx';
import { SweepPanel } from './sweep/SweepPanel.tsx';
import { ExportPanel } from './ExportPanel.tsx';
import { ChartControls, type ChartOptions } from './ChartControls.tsx';
import { ResumeBanner } from './ResumeBanner.tsx';
import { DebugPanel } from './DebugPanel.tsx';
import { LinkNotice } from './LinkNotice.tsx';
import { Tabs, panelId, tabId } from './Tabs.tsx';

const TABS = ['Train', 'Compare', 'Runs', 'Sweep', 'Export'] as const;
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

/** A skip link that moves focus to the first control inside `target` (the section itself when it has none). */
function SkipLink({ target, children }: { target: string; children: string }) {
  const go = (e: MouseEvent<HTMLAnchorElement>) => {
    const section = document.getElementById(target);
    if (!section) return;
    e.preventDefault();
    const control = section.querySelector<HTMLElement>('[data-train-button]:not(:disabled), button:not(:disabled), input:not(:disabled), select:not(:disabled)');
    (control ?? section).focus();
  };
  return (
    <a className="skip-link" href={`#${target}`} onClick={go}>
      {children}
    </a>
  );
}

export function App() {
  const [tab, setTab] = useState<Tab>('Train');
  const [chart, setChart] = useState<ChartOptions>({ smoothing: 0.6, logScale: false });
  return (
    <div className="app">
      <SkipLink target="train-panel">Skip to training</SkipLink>
      <SkipLink target="data-section">Skip to the data</SkipLink>
      <Header />
      <div className="layout">
        <aside className="sidebar" aria-label="settings">
          <LinkNotice />
          <div id="data-section" tabIndex={-1}>
            <DataPanel />
          </div>
          <StudentPanel />
          <RecipePanel />
        </aside>
        <main className="main">
          <ResumeBanner />
          <div id="train-panel" tabIndex={-1}>
            <TrainPanel />
          </div>
          <DebugPanel />
          <Tabs id="views" label="views" tabs={TABS} selected={tab} onSelect={setTab} extra={<ChartControls value={chart} onChange={setChart} />} />
          <div role="tabpanel" id={panelId('views')} aria-labelledby={tabId('views', tab)} tabIndex={0}>
            {tab === 'Train' && <TrainView smoothing={chart.smoothing} logScale={chart.logScale} />}
            {tab === 'Compare' && <ComparePanel />}
            {tab === 'Runs' && <RunsPanel smoothing={chart.smoothing} onCompare={() => setTab('Compare')} />}
            {tab === 'Sweep' && <SweepPanel />}
            {tab === 'Export' && <ExportPanel smoothing={chart.smoothing} logScale={chart.logScale} />}
          </div>
        </main>
      </div>
    </div>
  );
}
