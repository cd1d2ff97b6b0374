/**
 * Test harness for UI tests: a fresh store, a restartable client wired to in-thread hosts with the fake
 * trainer, an in-memory IndexedDB (pass the same `idb` to two harnesses to "reload the page"), and the
 * controller binding them — the same wiring as main.tsx, minus the Worker.
 */
import { IDBFactory } from 'fake-indexeddb';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { createAppStore } from '../store/store.ts';
import { openRunsDb, type RunsDb } from '../store/runs_db.ts';
import { createTrainingClient, type TrainingClient } from '../worker/client.ts';
import { fakeDeps, inMemoryPort, type TestPort } from '../worker/testing.ts';
import type { Capabilities } from '../worker/protocol.ts';
import { tinyMlmSet } from '../worker/tiny_sets.ts';
import type { DistillSet } from '../engine/types.ts';
import { createController, type ControllerDeps } from './controller.ts';
import { AppProvider } from './app_context.tsx';

export interface Harness {
  store: ReturnType<typeof createAppStore>;
  controller: ReturnType<typeof createController>;
  client: TrainingClient;
  hashes: string[];
  db: Promise<RunsDb>;
  idb: IDBFactory;
  /** Every worker port started so far (a restart adds one); the last is the live one. */
  ports: TestPort[];
}

export interface HarnessOptions {
  set?: DistillSet;
  failWith?: string;
  failAtStep?: number;
  /** The failure at failAtStep is a backend error rather than a non-finite loss. */
  failRuntime?: boolean;
  hash?: string;
  fetch?: ControllerDeps['fetch'];
  /** The IndexedDB of an earlier harness: this one is the same page, reloaded. */
  idb?: IDBFactory;
  debug?: boolean;
  watchdog?: ControllerDeps['watchdog'];
  /** What the fake worker reports it can run on. */
  capabilities?: Partial<Capabilities>;
  /** Every worker after the first dies as it starts (as a worker script that fails to load would). */
  brokenRestarts?: boolean;
}

export function makeHarness(opts: HarnessOptions = {}): Harness {
  const store = createAppStore();
  const deps = fakeDeps(opts.set ?? tinyMlmSet(), { failWith: opts.failWith, failAtStep: opts.failAtStep, failRuntime: opts.failRuntime });
  const probe = deps.probe;
  if (opts.capabilities) deps.probe = async () => ({ ...(await probe()), ...opts.capabilities });
  const ports: TestPort[] = [];
  const client = createTrainingClient(() => {
    const port = inMemoryPort(deps, { debug: opts.debug });
    if (opts.brokenRestarts && ports.length > 0) queueMicrotask(() => port.crash('SyntaxError: Unexpected token'));
    ports.push(port);
    return port;
  });
  const hashes: string[] = [];
  const idb = opts.idb ?? new IDBFactory();
  const db = openRunsDb(idb);
  const controller = createController({
    client,
    store,
    db,
    fetch: opts.fetch,
    location: { hash: opts.hash ?? '' },
    replaceHash: (h) => hashes.push(h),
    debug: opts.debug,
    watchdog: opts.watchdog,
  });
  return { store, controller, client, hashes, db, idb, ports };
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
