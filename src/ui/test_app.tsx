/**
 * Test harness for UI tests: a fresh store, a client wired to an in-thread host with the fake trainer, an
 * in-memory IndexedDB, and the controller binding them — the same wiring as main.tsx, minus the Worker.
 */
import { IDBFactory } from 'fake-indexeddb';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { createAppStore } from '../store/store.ts';
import { openRunsDb } from '../store/runs_db.ts';
import { createTrainingClient } from '../worker/client.ts';
import { fakeDeps, inMemoryPort } from '../worker/testing.ts';
import { tinyMlmSet } from '../worker/tiny_sets.ts';
import type { DistillSet } from '../engine/types.ts';
import { createController, type ControllerDeps } from './controller.ts';
import { AppProvider } from './app_context.tsx';

export interface Harness {
  store: ReturnType<typeof createAppStore>;
  controller: ReturnType<typeof createController>;
  hashes: string[];
}

export function makeHarness(
  opts: { set?: DistillSet; failWith?: string; failAtStep?: number; hash?: string; fetch?: ControllerDeps['fetch'] } = {},
): Harness {
  const store = createAppStore();
  const client = createTrainingClient(inMemoryPort(fakeDeps(opts.set ?? tinyMlmSet(), { failWith: opts.failWith, failAtStep: opts.failAtStep })));
  const hashes: string[] = [];
  const controller = createController({
    client,
    store,
    db: openRunsDb(new IDBFactory()),
    fetch: opts.fetch,
    location: { hash: opts.hash ?? '' },
    replaceHash: (h) => hashes.push(h),
  });
  return { store, controller, hashes };
}

export function renderWith(harness: Harness, ui: ReactNode) {
  return render(<AppProvider value={{ store: harness.store, controller: harness.controller }}>{ui}</AppProvider>);
}

/** Polls until `cond` holds (or fails after `ms`). */
export async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}
