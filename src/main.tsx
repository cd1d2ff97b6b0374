/**
 * Page entry: one store, one training session (the worker; the page's own thread when no worker can start),
 * one page session binding them (created once, here), then React.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createAppStore } from './store/store.ts';
import { openRunArchive } from './session/run_archive.ts';
import { createPageSession } from './session/page_session.ts';
import { startTrainingClient } from './worker/client.ts';
import { AppProvider } from './ui/app_context.tsx';
import { App } from './ui/App.tsx';
import './ui/styles.css';

// `?debug` offers fault simulation (lost GPU device, crashed or hung worker, NaN weights) for tests and QA;
// `?debug&watchdog_ms=N` also shortens the worker watchdog's timeout.
const query = new URLSearchParams(window.location.search);
const debug = query.has('debug');
const watchdogMs = Number(query.get('watchdog_ms'));

const store = createAppStore();
const { client, inThread } = await startTrainingClient({ debug });
const session = createPageSession({
  training: client,
  store,
  archive: openRunArchive(),
  location: window.location,
  replaceHash: (hash) => history.replaceState(null, '', hash || window.location.pathname + window.location.search),
  debug,
  watchdog: debug && watchdogMs > 0 ? { intervalMs: Math.min(1000, watchdogMs), timeoutMs: watchdogMs } : undefined,
});
void session.init();
if (inThread) {
  store.getState().runEvent({ type: 'notice', notice: `No training worker could start (${inThread}): training runs in this page, which may stutter while it trains.` });
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <AppProvider value={{ store, session }}>
      <App />
    </AppProvider>
  </StrictMode>,
);
