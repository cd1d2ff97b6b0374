/**
 * The runs table: each stored run with its recipe, temperature, loss weights and learning rate beside its
 * final held-out metrics (loyalty on the masked positions too, for masked LM), so recipes are compared on
 * the same figures; overlay, edit (name, tags, note), open in Compare, reuse the config, delete.
 */
import { Fragment, useState } from 'react';
import type { RunRecord } from '../../store/run_record.ts';
import { useActions, useApp, useSession } from '../app_context.tsx';
import { formatCount, formatNumber, formatPct } from '../format.ts';
import { RunEditor } from './RunEditor.tsx';
import { alphasOf, recipeOf } from './run_columns.ts';

export function RunsTable({ runs, onCompare }: { runs: readonly RunRecord[]; onCompare: (id: string) => void }) {
  const session = useSession();
  const overlay = useApp((s) => s.runs.overlay);
  const { toggleOverlay } = useActions();
  const [editing, setEditing] = useState<string | null>(null);
  const masked = runs.some((r) => r.final?.masked_label_loyalty !== undefined);
  const columns = 15 + (masked ? 1 : 0);
  return (
    <div className="table-scroll">
      <table className="table runs-table" data-testid="runs-table">
        <thead>
          <tr>
            <th scope="col" title="overlay on the chart below">overlay</th>
            <th scope="col">run</th>
            <th scope="col">data</th>
            <th scope="col">recipe</th>
            <th scope="col" title="temperature">T</th>
            <th scope="col" title="loss weights that are on">α</th>
            <th scope="col">lr</th>
            <th scope="col">steps</th>
            <th scope="col">backend</th>
            <th scope="col">student</th>
            <th scope="col">label loyalty</th>
            {masked && <th scope="col" title="label loyalty on the masked (labelled) positions only">masked loyalty</th>}
            <th scope="col">prob loyalty</th>
            <th scope="col" title="held-out KL(teacher ‖ student), nats">KL</th>
            <th scope="col">
              <span className="visually-hidden">actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <Fragment key={r.id}>
              <tr data-run-id={r.id}>
                <td>
                  <input type="checkbox" checked={overlay.includes(r.id)} onChange={() => toggleOverlay(r.id)} aria-label={`overlay ${r.name}`} />
                </td>
                <td>
                  <span data-testid="run-name">{r.name}</span>
                  {r.imported && <span className="tag">imported</span>}
                  {r.status !== 'done' && <span className="tag">{r.status}</span>}
                  {(r.tags ?? []).map((t) => (
                    <span key={t} className="tag tag-user">
                      {t}
                    </span>
                  ))}
                  <div className="muted small-text">{new Date(r.createdAt).toLocaleString()}</div>
                  {r.note && <div className="small-text run-note-text">{r.note}</div>}
                </td>
                <td>{r.dataset ? `${r.dataset.file} (${r.dataset.task})` : '—'}</td>
                <td>{recipeOf(r.config)}</td>
                <td className="num">{r.config.temperature}</td>
                <td>{alphasOf(r.config)}</td>
                <td className="num">{formatNumber(r.config.lr, 3)}</td>
                <td className="num">
                  {r.history.at(-1)?.step ?? 0}/{r.config.steps}
                </td>
                <td>{r.backend?.name ?? '—'}</td>
                <td className="num">{formatCount(r.paramCount)}</td>
                <td className="num">{formatPct(r.final?.label_loyalty)}</td>
                {masked && <td className="num">{formatPct(r.final?.masked_label_loyalty)}</td>}
                <td className="num">{formatPct(r.final?.prob_loyalty)}</td>
                <td className="num">{formatNumber(r.final?.kl)}</td>
                <td className="actions">
                  <button type="button" className="small" onClick={() => setEditing(editing === r.id ? null : r.id)} aria-label={`edit ${r.name}`}>
                    Edit
                  </button>
                  <button type="button" className="small" disabled={!r.hasWeights} title={r.hasWeights ? 'open this run in Compare (its weights from this browser)' : 'no stored weights'} onClick={() => onCompare(r.id)}>
                    Compare
                  </button>
                  <button type="button" className="small" onClick={() => session.useRunConfig(r.id)} title="put this run's config in the form and the URL">
                    Use config
                  </button>
                  <button type="button" className="small danger" onClick={() => void session.deleteRun(r.id)}>
                    Delete
                  </button>
                </td>
              </tr>
              {editing === r.id && (
                <tr>
                  <td colSpan={columns}>
                    <RunEditor run={r} onClose={() => setEditing(null)} />
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}
