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

const store = createAppStore();
const client = spawnTrainingClient();
const controller = createController({
  client,
  store,
  db: openRunsDb(),
  location: window.location,
  replaceHash: (hash) => history.replaceState(null, '', hash || window.location.pathname + window.location.search),
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
