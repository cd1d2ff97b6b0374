/**
 * An interrupted run (its checkpoint outlived a reload, a closed tab or a crash): resume it from the
 * checkpoint, or discard it. A data file too large to keep in the browser must be dropped again first; the
 * page checks it is the same file (size, fingerprint, parsed summary).
 */
import { useApp, useSession } from './app_context.tsx';
import { formatBytes, formatDuration } from './format.ts';

export function ResumeBanner() {
  const session = useSession();
  const offer = useApp((s) => s.resume.offer);
  if (!offer) return null;
  const ready = offer.setStored || offer.fileMatches === true;
  const seconds = (Date.now() - offer.savedAt) / 1000;
  const age = seconds < 5 ? 'just now' : `${formatDuration(seconds)} ago`;
  return (
    <section className="panel resume-banner" aria-labelledby="resume-title" data-testid="resume-banner">
      <h2 id="resume-title">Resume the interrupted run?</h2>
      <p>
        A run on <strong>{offer.fileName}</strong> was interrupted; its last checkpoint, at step {offer.step} of {offer.totalSteps}, was saved {age}.
        {offer.failed && <> It had failed after that checkpoint: {offer.failed}</>}
      </p>
      {!offer.setStored && (
        <p data-testid="resume-needs-file">
          {offer.fileMatches === true
            ? `${offer.fileName} is loaded and matches the run's file.`
            : `The file was too large to keep in this browser: drop ${offer.fileName} (${formatBytes(offer.fileBytes)}) again to resume.`}
        </p>
      )}
      {offer.message && (
        <p className="error" role="alert" data-testid="resume-error">
          {offer.message}
        </p>
      )}
      <div className="row">
        <button type="button" className="primary" disabled={!ready} onClick={() => void session.resumeInterrupted()}>
          Resume from step {offer.step}
        </button>
        <button type="button" onClick={() => void session.discardInterrupted()}>
          Discard
        </button>
        <span className="hint">Training a new run discards it too.</span>
      </div>
    </section>
  );
}
