/** Data: drop or pick a teacher-logits file (or the demo), watch it load, read its summary card. */
import { useRef, useState, type DragEvent } from 'react';
import { useApp, useSession } from './app_context.tsx';
import { DataSummary } from './DataSummary.tsx';
import { TeacherWeights } from './TeacherWeights.tsx';
import { ProgressBar } from './ProgressBar.tsx';
import { formatBytes } from './format.ts';

export const ACCEPTED_EXTENSIONS = '.safetensors,.npz,.jsonl';

export function DataPanel() {
  const session = useSession();
  const data = useApp((s) => s.data);
  const busy = useApp((s) => s.run.status === 'running' || s.run.status === 'configuring' || s.run.status === 'recovering');
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  const take = (files: FileList | null) => {
    const file = files?.[0];
    if (file) void session.loadFile(file, file.name);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (!busy) take(e.dataTransfer.files);
  };

  return (
    <section className="panel" aria-labelledby="data-title">
      <h2 id="data-title">Data</h2>
      <div
        className={`dropzone${dragging ? ' dropzone-active' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="dropzone"
      >
        <p>
          Drop teacher logits here (<code>.safetensors</code>, <code>.npz</code>, <code>.jsonl</code>)
        </p>
        <div className="row">
          <button type="button" onClick={() => input.current?.click()} disabled={busy}>
            Choose file…
          </button>
          <button type="button" onClick={() => void session.loadDemo()} disabled={busy}>
            Load demo
          </button>
        </div>
        <input
          ref={input}
          type="file"
          accept={ACCEPTED_EXTENSIONS}
          hidden
          data-testid="file-input"
          onChange={(e) => {
            take(e.target.files);
            e.target.value = '';
          }}
        />
      </div>
      {data.status === 'loading' && (
        <div className="loading">
          <span>
            Reading {data.fileName} — {formatBytes(data.bytesRead)}
            {data.totalBytes > 0 ? ` of ${formatBytes(data.totalBytes)}` : ''}
          </span>
          <ProgressBar value={data.totalBytes > 0 ? data.bytesRead / data.totalBytes : null} label="file read progress" />
        </div>
      )}
      {data.status === 'error' && (
        <div className="error" role="alert" data-testid="data-error">
          <strong>Could not read {data.fileName}:</strong> {data.error}
        </div>
      )}
      {data.summary && <DataSummary summary={data.summary} labelNames={data.labelNames} />}
      {data.summary && <TeacherWeights busy={busy} />}
    </section>
  );
}
