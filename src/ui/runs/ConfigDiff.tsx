/** The config keys that differ across the selected runs, one column per run (the rest is the same for all). */
import type { RunRecord } from '../../store/run_record.ts';
import { differingKeys } from './run_columns.ts';

export function ConfigDiff({ runs }: { runs: readonly RunRecord[] }) {
  if (runs.length < 2) return <p className="hint">Tick two runs or more to see how their configs differ.</p>;
  const keys = differingKeys(runs.map((r) => r.config));
  return (
    <div className="table-scroll">
      <table className="table config-diff" data-testid="config-diff">
        <caption>
          {keys.length === 0 ? 'the selected runs have the same config' : `${keys.length} of the config's keys differ; every other key is the same in all ${runs.length} runs`}
        </caption>
        <thead>
          <tr>
            <th scope="col">key</th>
            {runs.map((r) => (
              <th key={r.id} scope="col">
                {r.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr key={key} data-key={key}>
              <th scope="row">
                <code>{key}</code>
              </th>
              {runs.map((r) => (
                <td key={r.id} className="num">
                  {String(r.config[key])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
