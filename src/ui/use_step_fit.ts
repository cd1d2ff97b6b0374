/**
 * The step estimate of the form's config on the loaded set against its backend's budget (session/step_check.ts):
 * the Train panel refuses with it, the student card shows it. Null without a set or with an invalid config.
 */
import { useMemo } from 'react';
import { checkRunFits, type StepFit } from '../session/step_check.ts';
import { useApp } from './app_context.tsx';

export function useStepFit(): StepFit | null {
  const summary = useApp((s) => s.data.summary);
  const config = useApp((s) => s.config.values);
  const invalid = useApp((s) => s.config.error !== null);
  const caps = useApp((s) => s.run.capabilities);
  return useMemo(() => (invalid ? null : checkRunFits(summary, config, caps)), [summary, config, invalid, caps]);
}
