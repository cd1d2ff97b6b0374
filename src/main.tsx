/**
 * Page entry: one store, one training worker, one controller binding them (created once, here), then React.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createAppStore } from './store/store.ts';
import { openRunsDb } from './store/runs_db.ts';
import { spawnTrainingClient } from './worker/client.ts';
import { createController } from './ui/controller.ts';
import { AppProvider } from './ui/app_context.tsx';
import { App } from './ui/App.tsx';
import './ui/styles.css';

// `?debug` offers fault simulation (lost GPU device, crashed or hung worker, NaN weights) for tests and QA;
// `?debug&watchdog_ms=N` also shortens the worker watchdog's timeout.
const query = new URLSearchParams(window.location.search);
const debug = query.has('debug');
const watchdogMs = Number(query.get('watchdog_ms'));

const store = createAppStore();
const client = spawnTrainingClient({ debug });
const controller = createController({
  client,
  store,
  db: openRunsDb(),
  location: window.location,
  replaceHash: (hash) => history.replaceState(null, '', hash || window.location.pathname + window.location.search),
  debug,
  watchdog: debug && watchdogMs > 0 ? { intervalMs: Math.min(1000, watchdogMs), timeoutMs: watchdogMs } : undefined,
});
void controller.init();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <AppProvider value={{ store, controller }}>
      <App />
    </AppProvider>
  </StrictMode>,
);
