/** The resolved config of the current run (or the form's config before a run), as JSON. */
import { useApp } from './app_context.tsx';

export function ConfigView() {
  const runConfig = useApp((s) => s.run.config);
  const formConfig = useApp((s) => s.config.values);
  const backend = useApp((s) => s.run.backend);
  return (
    <details className="config-view">
      <summary>{runConfig ? 'Run config (resolved)' : 'Config'} · seed {(runConfig ?? formConfig).seed}</summary>
      <pre data-testid="config-json">{JSON.stringify({ ...(runConfig ?? formConfig), ...(backend ? { backend_used: backend.name } : {}) }, null, 2)}</pre>
    </details>
  );
}
