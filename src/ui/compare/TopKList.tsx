/** One top-k distribution as rows of (token text, probability bar). Token strings are rendered as text. */
export interface TopKListProps {
  title: string;
  ids: ArrayLike<number>;
  probs: ArrayLike<number>;
  /** Display text of an id (vocabulary token or class name). */
  nameOf: (id: number) => string;
  /** Id to highlight (e.g. the other model's argmax, or the label). */
  highlight?: number;
}

export function TopKList({ title, ids, probs, nameOf, highlight }: TopKListProps) {
  return (
    <div className="topk">
      <h4>{title}</h4>
      <ol>
        {Array.from({ length: ids.length }, (_, j) => (
          <li key={j} className={ids[j] === highlight ? 'topk-hit' : undefined}>
            <span className="topk-token">{nameOf(ids[j])}</span>
            <span className="topk-bar">
              <span style={{ width: `${Math.max(0, Math.min(1, probs[j])) * 100}%` }} />
            </span>
            <span className="topk-prob">{(100 * probs[j]).toFixed(1)} %</span>
          </li>
        ))}
      </ol>
    </div>
  );
}
