/**
 * Test harness for the page session (tests only): a fresh store, a restartable client wired to in-thread
 * hosts with the fake trainer, an in-memory IndexedDB (pass the same `idb` to two harnesses to "reload the
 * page"), and the page session binding them — the same wiring as main.tsx, minus the Worker.
 */
import { IDBFactory } from 'fake-indexeddb';
import { createAppStore } from '../store/store.ts';
import { openRunArchive, type RunArchive } from './run_archive.ts';
import { createTrainingClient, type TrainingClient } from '../worker/client.ts';
import { fakeDeps } from '../engine/training/testing.ts';
import { inMemoryPort, type TestPort } from '../worker/testing.ts';
import type { Capabilities } from '../engine/training/session.ts';
import { tinyMlmSet } from '../engine/testing/tiny_sets.ts';
import type { DistillSet } from '../engine/types.ts';
import { createPageSession, type PageSession, type PageSessionDeps } from './page_session.ts';

export interface Harness {
  store: ReturnType<typeof createAppStore>;
  session: PageSession;
  client: TrainingClient;
  hashes: string[];
  db: Promise<RunArchive>;
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
  fetch?: PageSessionDeps['fetch'];
  /** The IndexedDB of an earlier harness: this one is the same page, reloaded. */
  idb?: IDBFactory;
  debug?: boolean;
  watchdog?: PageSessionDeps['watchdog'];
  /** What the fake worker reports it can run on. */
  capabilities?: Partial<Capabilities>;
  /** Every worker after the first dies as it starts (as a worker script that fails to load would). */
  brokenRestarts?: boolean;
  /** A training client of the test's own instead of the in-memory worker (e.g. the in-thread one). */
  client?: TrainingClient;
}

export function makeHarness(opts: HarnessOptions = {}): Harness {
  const store = createAppStore();
  const deps = fakeDeps(opts.set ?? tinyMlmSet(), { failWith: opts.failWith, failAtStep: opts.failAtStep, failRuntime: opts.failRuntime });
  const probe = deps.probe;
  if (opts.capabilities) deps.probe = async () => ({ ...(await probe()), ...opts.capabilities });
  const ports: TestPort[] = [];
  const client =
    opts.client ??
    createTrainingClient(() => {
      const port = inMemoryPort(deps, { debug: opts.debug });
      if (opts.brokenRestarts && ports.length > 0) queueMicrotask(() => port.crash('SyntaxError: Unexpected token'));
      ports.push(port);
      return port;
    });
  const hashes: string[] = [];
  const idb = opts.idb ?? new IDBFactory();
  const db = openRunArchive(idb);
  const session = createPageSession({
    training: client,
    store,
    archive: db,
    fetch: opts.fetch,
    location: { hash: opts.hash ?? '' },
    replaceHash: (h) => hashes.push(h),
    debug: opts.debug,
    watchdog: opts.watchdog,
  });
  return { store, session, client, hashes, db, idb, ports };
}

/** Polls until `cond` holds (or fails after `ms`). */
export async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}
