/** The values of the page's link that were refused, each with why (the rest of the link was applied). */
import { useActions, useApp } from './app_context.tsx';

export function LinkNotice() {
  const problems = useApp((s) => s.config.linkProblems);
  const { setLinkProblems } = useActions();
  if (problems.length === 0) return null;
  return (
    <section className="panel link-notice" role="alert" data-testid="link-problems" aria-labelledby="link-title">
      <h2 id="link-title">This link has {problems.length === 1 ? 'a value' : `${problems.length} values`} the page refused</h2>
      <p className="hint">Those keys keep their defaults; everything else in the link was applied.</p>
      <ul>
        {problems.map((p) => (
          <li key={p}>
            <code>{p.split(':')[0]}</code>: {p.slice(p.indexOf(':') + 1).trim()}
          </li>
        ))}
      </ul>
      <button type="button" className="small" onClick={() => setLinkProblems([])}>
        Dismiss
      </button>
    </section>
  );
}
