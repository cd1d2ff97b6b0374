/** Rename, tag and note a stored run (kept with its record in IndexedDB). */
import { useState } from 'react';
import type { RunRecord } from '../../store/run_record.ts';
import { parseTags } from '../../session/stored_runs.ts';
import { useSession } from '../app_context.tsx';

export function RunEditor({ run, onClose }: { run: RunRecord; onClose: () => void }) {
  const session = useSession();
  const [name, setName] = useState(run.name);
  const [tags, setTags] = useState((run.tags ?? []).join(', '));
  const [note, setNote] = useState(run.note ?? '');
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    try {
      await session.stored.update(run.id, { name, tags: parseTags(tags), note });
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form
      className="run-editor"
      aria-label={`edit ${run.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label className="field">
        <span className="field-label">name</span>
        <input type="text" value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="field">
        <span className="field-label">tags (comma-separated)</span>
        <input type="text" value={tags} onChange={(e) => setTags(e.target.value)} />
      </label>
      <label className="field run-note">
        <span className="field-label">note</span>
        <textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <div className="row">
        <button type="submit" className="small primary">
          Save
        </button>
        <button type="button" className="small" onClick={onClose}>
          Cancel
        </button>
      </div>
      {error && <p className="error">{error}</p>}
    </form>
  );
}
