/**
 * One example's tokens, coloured by whether the student's argmax agrees with the teacher's at each position;
 * clicking a position shows both top-5 lists. Tokens come from the file's vocabulary and are always rendered
 * as text nodes (never HTML).
 */
import { useEffect, useState } from 'react';
import type { ExampleView } from '../../engine/training/session.ts';
import { IGNORE_INDEX } from '../../engine/types.ts';
import { useApp, useSession } from '../app_context.tsx';
import { TopKList } from './TopKList.tsx';

const TOPK = 5;

/** A token's text; id −1 is a trimmed dense teacher's dropped-token bucket (engine/data/vocab_outputs.ts). */
export function tokenText(vocab: readonly string[] | null, id: number): string {
  if (id === -1) return '(any dropped token)';
  const s = vocab?.[id];
  return s === undefined ? `#${id}` : s;
}

type Agreement = 'agree' | 'disagree' | 'none';

export function agreementAt(example: ExampleView, p: number): Agreement {
  if (!example.student) return 'none';
  return example.student.topIds[p * example.student.k] === example.teacherTopIds[p * example.k] ? 'agree' : 'disagree';
}

export function ExampleBrowser() {
  const session = useSession();
  const summary = useApp((s) => s.data.summary);
  const vocab = useApp((s) => s.data.vocab);
  const labelNames = useApp((s) => s.data.labelNames);
  const evalCount = useApp((s) => s.metrics.evals.length);
  const runStatus = useApp((s) => s.run.status);
  const [index, setIndex] = useState(0);
  const [example, setExample] = useState<ExampleView | null>(null);
  const [position, setPosition] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const n = summary?.examples ?? 0;

  useEffect(() => {
    if (!summary) return;
    let live = true;
    session.example(index, TOPK).then(
      (ex) => {
        if (!live) return;
        setExample(ex);
        setError(null);
      },
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
    // Refetch when the student changes meaningfully: a new evaluation, or the run pausing/ending.
  }, [session, summary, index, evalCount, runStatus]);

  if (!summary) return <p className="hint">Load a set to browse examples.</p>;
  const classification = summary.task === 'classification';
  const className = (c: number) => labelNames?.[c] ?? `class ${c}`;
  const nameOf = classification ? className : (id: number) => tokenText(vocab, id);
  const p = classification ? 0 : position;

  return (
    <div className="example-browser" data-testid="example-browser">
      <div className="row">
        <button type="button" className="small" disabled={index <= 0} onClick={() => setIndex(index - 1)} aria-label="previous example">
          ←
        </button>
        <label className="inline">
          example
          <input
            type="number"
            min={0}
            max={n - 1}
            value={index}
            onChange={(e) => {
              const v = Math.round(Number(e.target.value));
              if (Number.isFinite(v)) setIndex(Math.max(0, Math.min(n - 1, v)));
            }}
          />
          of {n}
        </label>
        <button type="button" className="small" disabled={index >= n - 1} onClick={() => setIndex(index + 1)} aria-label="next example">
          →
        </button>
        {example?.lang && <span className="tag">{example.lang}</span>}
        {example?.split && <span className="tag">{example.split}</span>}
        <span className="legend">
          <span className="tok tok-agree">agree</span>
          <span className="tok tok-disagree">disagree</span>
          <span className="tok tok-labelled">labelled</span>
        </span>
      </div>
      {error && <p className="error">{error}</p>}
      {example && (
        <>
          <div className="tokens" data-testid="example-tokens">
            {Array.from(example.inputIds, (id, i) => {
              if (example.attentionMask[i] === 0) return null;
              const agreement = classification ? 'none' : agreementAt(example, i);
              const labelled = !classification && example.labels !== undefined && example.labels[i] !== IGNORE_INDEX;
              return (
                <button
                  type="button"
                  key={i}
                  className={`tok tok-${agreement}${labelled ? ' tok-labelled' : ''}${position === i ? ' tok-selected' : ''}`}
                  onClick={() => setPosition(i)}
                  title={`position ${i} · id ${id}`}
                  disabled={classification}
                >
                  {tokenText(vocab, id)}
                </button>
              );
            })}
          </div>
          {classification && example.labels && <p>label: {className(example.labels[0])}</p>}
          {p !== null && p < example.positions ? (
            <div className="topk-pair" data-testid="topk-pair">
              {!classification && (
                <p className="muted">
                  position {p}: input <q>{tokenText(vocab, example.inputIds[p])}</q>
                  {example.labels && example.labels[p] !== IGNORE_INDEX ? (
                    <>
                      {' '}
                      · label <q>{tokenText(vocab, example.labels[p])}</q>
                    </>
                  ) : null}
                </p>
              )}
              <TopKList
                title="teacher"
                ids={example.teacherTopIds.subarray(p * example.k, (p + 1) * example.k)}
                probs={example.teacherTopProbs.subarray(p * example.k, (p + 1) * example.k)}
                nameOf={nameOf}
                highlight={example.student?.topIds[p * example.student.k]}
              />
              {example.student ? (
                <TopKList
                  title="student"
                  ids={example.student.topIds.subarray(p * example.student.k, (p + 1) * example.student.k)}
                  probs={example.student.topProbs.subarray(p * example.student.k, (p + 1) * example.student.k)}
                  nameOf={nameOf}
                  highlight={example.teacherTopIds[p * example.k]}
                />
              ) : (
                <p className="hint">Train a student to see its predictions.</p>
              )}
            </div>
          ) : (
            <p className="hint">Click a token to see the teacher's and the student's top-5 there.</p>
          )}
        </>
      )}
    </div>
  );
}
