/**
 * The second drop zone of the data panel: a teacher's Hugging Face directory (config.json + model.safetensors,
 * or a sharded checkpoint) to start the student from (DistilBERT's recipe: the teacher's width, every other
 * layer). The page reads headers only; the tensors are read by the training worker at Train.
 */
import { useRef, useState, type DragEvent } from 'react';
import { useApp, useSession } from './app_context.tsx';
import { formatBytes } from './format.ts';

export function TeacherWeights({ busy }: { busy: boolean }) {
  const session = useSession();
  const weights = useApp((s) => s.teacherWeights);
  const error = useApp((s) => s.teacherWeightsError);
  const files = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  const take = (list: FileList | null) => {
    if (!list || list.length === 0) return;
    const picked = [...list].map((f) => ({ name: f.webkitRelativePath || f.name, blob: f as Blob }));
    void session.attachTeacher(picked);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (!busy) take(e.dataTransfer.files);
  };
  const pickerProps = { type: 'file', hidden: true, multiple: true, onChange: (e: React.ChangeEvent<HTMLInputElement>) => { take(e.target.files); e.target.value = ''; } };

  return (
    <div
      className={`dropzone dropzone-secondary${dragging ? ' dropzone-active' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      data-testid="teacher-dropzone"
    >
      <p>
        Teacher weights (optional): drop the teacher&apos;s Hugging Face files (<code>config.json</code> +{' '}
        <code>model.safetensors</code>) to start the student from them
      </p>
      <div className="row">
        <button type="button" onClick={() => files.current?.click()} disabled={busy}>
          Choose files…
        </button>
        <button type="button" onClick={() => folder.current?.click()} disabled={busy}>
          Choose folder…
        </button>
        {weights && (
          <button type="button" onClick={() => session.detachTeacher()} disabled={busy}>
            Start from random weights
          </button>
        )}
      </div>
      <input ref={files} {...pickerProps} accept=".json,.safetensors" data-testid="teacher-input" />
      <input ref={folder} {...pickerProps} {...{ webkitdirectory: '' }} />
      {weights && (
        <p className="hint" data-testid="teacher-weights">
          {weights.name}: a {weights.family} teacher ({weights.teacherLayers} layers, d_model {weights.dModel}, {weights.nHeads} heads) →{' '}
          {weights.architecture} student from layers {weights.layers.join(', ')}; {weights.reads} of {weights.tensors} tensors (
          {formatBytes(weights.bytes)}) are read at Train
          {weights.notCopied.length > 0 ? `; random: ${weights.notCopied.join(', ')}` : ''}.
        </p>
      )}
      {error && (
        <p className="error" role="alert" data-testid="teacher-error">
          Teacher weights: {error}
        </p>
      )}
    </div>
  );
}
