/** Teacher-vs-student argmax counts as a shaded table (rows: teacher class, columns: student class). Pure. */
import type { ConfusionData } from '../../engine/training/session.ts';

export function ConfusionMatrix({ confusion, labelNames }: { confusion: ConfusionData; labelNames: string[] | null }) {
  const C = confusion.numClasses;
  const name = (c: number) => labelNames?.[c] ?? String(c);
  let max = 0;
  let agree = 0;
  for (let i = 0; i < C * C; i++) max = Math.max(max, confusion.counts[i]);
  for (let c = 0; c < C; c++) agree += confusion.counts[c * C + c];
  return (
    <div className="confusion" data-testid="confusion-matrix">
      <table className="table">
        <caption>
          {confusion.scope}: student agrees with the teacher on {agree} of {confusion.examples}
        </caption>
        <thead>
          <tr>
            <th>teacher ↓ / student →</th>
            {Array.from({ length: C }, (_, c) => (
              <th key={c}>{name(c)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {Array.from({ length: C }, (_, t) => (
            <tr key={t}>
              <th scope="row">{name(t)}</th>
              {Array.from({ length: C }, (_, s) => {
                const n = confusion.counts[t * C + s];
                const alpha = max > 0 ? n / max : 0;
                const colour = t === s ? `rgba(44, 160, 44, ${alpha * 0.7})` : `rgba(214, 39, 40, ${alpha * 0.7})`;
                return (
                  <td key={s} style={{ background: colour }} className="num">
                    {n}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
