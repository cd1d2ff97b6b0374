/** Builds the page once for every e2e file (E2E_SKIP_BUILD=1 reuses dist/). */
import { buildPage } from './browser.ts';

export default function setup(): void {
  buildPage();
}
