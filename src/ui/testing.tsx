/** Component-test helpers (tests only): render under the page session of a session/testing.ts harness. */
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import type { Harness } from '../session/testing.ts';
import { AppProvider } from './app_context.tsx';

export { makeHarness, until, type Harness } from '../session/testing.ts';

export function renderWith(harness: Harness, ui: ReactNode) {
  return render(<AppProvider value={{ store: harness.store, session: harness.session }}>{ui}</AppProvider>);
}
