/**
 * Recovery: what the page does when the training worker cannot go on — its GPU device was lost, it crashed
 * (the Worker's 'error' event), it stopped answering the watchdog's pings, or the backend threw — and the
 * one routine that continues a run from a checkpoint (after a fault, a non-finite loss, or a reload).
 *
 * A fault restarts the worker and puts the data file back into it. When a run was going, the trainer is
 * rebuilt on the next backend of webgpu → webgl → wasm → cpu that the worker has, the run's last checkpoint
 * is restored (or, before the first one, it starts again from step 0 with the same seed: the same curve),
 * the charts are trimmed to that step, and the run continues. A lost GPU device rules out both GPU backends
 * (a GPU reset takes WebGL contexts with it). After MAX_RECOVERIES in one run, or with no backend left, the
 * run fails with the reason; its checkpoint stays, so it can still be resumed by hand.
 */
import type { BackendName, DistillConfig } from '../engine/config/config.ts';
import { BACKEND_ORDER, type ConcreteBackend } from '../engine/backend_order.ts';
import type { AppStore } from '../store/store.ts';
import type { RunStatus } from './run_machine.ts';
import type { CheckpointRecord, Recovery } from '../store/checkpoint_record.ts';
import type { Capabilities } from '../engine/training/session.ts';
import { asTrained } from '../engine/training/session_vocabulary.ts';
import type { TrainingClient } from '../worker/client.ts';
import type { CheckpointKeeper, LoadedSet } from './checkpoints.ts';

/** The order a run falls back in: the one backend order. */
export const FALLBACK_CHAIN: readonly ConcreteBackend[] = BACKEND_ORDER;

/** Automatic recoveries per run before it is failed instead. */
export const MAX_RECOVERIES = 3;

/** Statuses of a run a fault interrupts (configuring is not one: the build's own request fails instead). */
const GOING: ReadonlySet<RunStatus> = new Set(['running', 'pausing', 'paused', 'stopping', 'recovering']);
/** Statuses whose run is rebuilt paused: it was paused, or asked to pause or stop. */
const HELD: ReadonlySet<RunStatus> = new Set(['pausing', 'paused', 'stopping']);

/** Statuses in which the worker's loop runs (the watchdog pings it). */
const WORKING: ReadonlySet<RunStatus> = new Set(['running', 'pausing', 'stopping']);

/** Fresh workers in a row that die before answering their first request: then the page stops restarting. */
export const MAX_FAILED_STARTS = 3;

export type FaultKind = 'device-lost' | 'crashed' | 'unresponsive' | 'runtime';

export interface Fault {
  kind: FaultKind;
  /** One line, e.g. "the WebGPU device was lost (destroyed)". */
  message: string;
}

/**
 * The backend to continue on after `from` failed: the next one down the chain that the worker has
 * (capabilities) and that has not been ruled out for this run; null when none is left.
 */
export function fallbackBackend(from: string | null, ruledOut: ReadonlySet<string>, caps: Capabilities | null): ConcreteBackend | null {
  const start = FALLBACK_CHAIN.findIndex((b) => b === from);
  const has = (b: ConcreteBackend) =>
    !caps || (b === 'webgpu' ? caps.webgpu : b === 'webgl' ? caps.webgl : b === 'wasm' ? caps.wasm : true);
  return FALLBACK_CHAIN.slice(start + 1).find((b) => !ruledOut.has(b) && has(b)) ?? null;
}

export interface RecoveryDeps {
  client: TrainingClient;
  store: AppStore;
  keeper: CheckpointKeeper;
  currentSet(): LoadedSet | null;
  /** Forgets step records buffered from the old worker. */
  dropMetrics(): void;
  /** Ends the current run as failed with `reason` and stores it. */
  failRun(reason: string): void;
}

export interface ResumePlan {
  /** The checkpoint to continue from; null: from step 0 (same seed, same curve). */
  record: CheckpointRecord | null;
  config: DistillConfig;
  backend: BackendName;
  /** Replaces the backend's reason on the page (e.g. "wasm: fallback after …"). */
  reason?: string;
  recovery?: Recovery;
  /** Leave the rebuilt run paused (it was paused when the fault came). */
  paused?: boolean;
  /** Restart the worker first (and put the data file back). */
  restart?: boolean;
}

export interface RecoveryApi {
  /** Handles a fault; a fault that arrives while one is handled is handled next. */
  onFault(fault: Fault): Promise<void>;
  /** Continues the current run from a checkpoint (the run state and data are already in place). */
  resume(plan: ResumePlan): Promise<void>;
  /** A fault is being handled. */
  busy(): boolean;
  /** Replaces the worker with a fresh one and puts the data file back (Stop during a build that does not answer). */
  restartWorker(): Promise<void>;
  /**
   * Pings the worker every `intervalMs` while a run trains; no answer within `timeoutMs` — or within four
   * report windows at the run's measured speed, when that is longer (a big student on the cpu backend blocks
   * the worker for a whole window) — is a fault.
   */
  watch(intervalMs: number, timeoutMs: number): () => void;
}

export function createRecovery(deps: RecoveryDeps): RecoveryApi {
  const { client, store, keeper } = deps;
  const act = () => store.getState();
  let handling: Promise<void> | null = null;
  let queued: Fault | null = null;
  /** Per run: backends ruled out and recoveries made. */
  const history = new Map<string, { ruledOut: Set<string>; attempts: number }>();
  let failedStarts = 0;
  /** Set when workers keep dying as they start (e.g. a script that cannot load): no more restarts. */
  let gaveUp: string | null = null;

  async function freshWorker(): Promise<Capabilities> {
    client.restart();
    let caps: Capabilities;
    try {
      caps = await client.probe();
      failedStarts = 0;
    } catch (err) {
      failedStarts += 1;
      if (failedStarts >= MAX_FAILED_STARTS) gaveUp = `the training worker fails as it starts (${message(err)}): reload the page`;
      throw err;
    }
    act().runEvent({ type: 'capabilities', capabilities: caps });
    const set = deps.currentSet();
    if (set && act().data.status === 'loaded') await client.load(set.blob, set.name);
    return caps;
  }

  async function resume(plan: ResumePlan): Promise<void> {
    if (plan.restart) await freshWorker();
    const step = plan.record?.step ?? 0;
    const configured = await client.configure(asTrained({ ...plan.config, backend: plan.backend }));
    const backend = plan.reason ? { ...configured.backend, reason: plan.reason } : configured.backend;
    act().runEvent({ type: 'configured', paramCount: configured.paramCount, config: configured.config, backend, vocabulary: configured.vocabulary });
    if (plan.record) await client.restore(plan.record.checkpoint);
    deps.dropMetrics();
    act().truncateMetrics(step);
    act().runEvent({ type: 'resumed', step, status: plan.paused ? 'paused' : 'running', recovery: plan.recovery });
    // Stop was pressed while the run was being rebuilt: it stands now (paused), so it can be stopped and saved.
    if (act().run.status === 'stopping') await client.stop();
    else if (!plan.paused) await client.start();
  }

  async function handle(fault: Fault): Promise<void> {
    const s = act();
    const { runId, config } = s.run;
    const active = runId !== null && config !== null && GOING.has(s.run.status);
    const from = s.run.backend?.name ?? null;
    const stepAtFault = s.run.step;
    if (!active || !runId || !config) {
      await freshWorker();
      act().runEvent({ type: 'notice', notice: `${sentence(fault.message)}; the training worker was restarted.` });
      return;
    }
    const runHistory = history.get(runId) ?? { ruledOut: new Set<string>(), attempts: 0 };
    history.set(runId, runHistory);
    if (from) runHistory.ruledOut.add(from);
    if (fault.kind === 'device-lost') ['webgpu', 'webgl'].forEach((b) => runHistory.ruledOut.add(b));
    const first = fallbackBackend(from, runHistory.ruledOut, s.run.capabilities);
    if (fault.kind === 'runtime' && !first) {
      // The worker still holds the trainer and its last good weights: end the run there.
      deps.failRun(`${fault.message} (at step ${stepAtFault}, on ${from ?? 'this backend'}; no other backend to continue on)`);
      return;
    }
    act().runEvent({ type: 'recovering', notice: `${sentence(fault.message)} at step ${stepAtFault}: restarting the training worker…` });
    const caps = await freshWorker();
    const record = keeper.latest(runId);
    const step = record?.step ?? 0;
    for (;;) {
      runHistory.attempts += 1;
      const to = runHistory.attempts <= MAX_RECOVERIES ? fallbackBackend(from, runHistory.ruledOut, caps) : null;
      if (!to) {
        const retry = record ? ` Resume from step ${step} to try again.` : '';
        deps.failRun(`${sentence(fault.message)} at step ${stepAtFault}, and no other backend is left to continue on.${retry}`);
        return;
      }
      const origin = record ? `the checkpoint at step ${step}` : 'step 0 (no checkpoint yet)';
      try {
        await resume({
          record,
          config,
          backend: to,
          reason: `${to}: fallback after ${fault.message}`,
          recovery: { step, from: from ?? 'unknown', to, reason: fault.message, at: Date.now() },
          paused: HELD.has(s.run.status),
        });
        act().runEvent({ type: 'notice', notice: `${sentence(fault.message)} at step ${stepAtFault}: resumed from ${origin} on ${to}.` });
        return;
      } catch (err) {
        if (queued) return; // a newer fault explains this one; it is handled next
        runHistory.ruledOut.add(to); // this backend cannot take the run either: try the next
        act().runEvent({ type: 'notice', notice: `${to} could not take the run over (${message(err)})` });
      }
    }
  }

  function onFault(fault: Fault): Promise<void> {
    if (gaveUp) return Promise.resolve();
    if (handling) {
      queued = fault;
      return handling;
    }
    handling = (async () => {
      let next: Fault | null = fault;
      while (next) {
        queued = null;
        try {
          await handle(next);
        } catch (err) {
          if (gaveUp) {
            const active = GOING.has(act().run.status);
            if (active) deps.failRun(sentence(gaveUp));
            else act().runEvent({ type: 'notice', notice: sentence(gaveUp) });
          } else if (!queued) deps.failRun(`${sentence(next.message)}; recovery failed: ${message(err)}`);
        }
        next = gaveUp ? null : queued;
      }
    })().finally(() => {
      handling = null;
    });
    return handling;
  }

  return {
    onFault,
    resume,
    busy: () => handling !== null,
    restartWorker: async () => {
      await freshWorker();
    },
    watch(intervalMs, timeoutMs) {
      let pinging = false;
      const timer = setInterval(() => {
        if (pinging || handling || !WORKING.has(act().run.status)) return;
        pinging = true;
        const last = act().metrics.history.at(-1);
        const config = act().run.config;
        const windowMs = last && config ? last.ms_per_step * config.report_every : 0;
        const waitMs = Math.max(timeoutMs, 4 * windowMs);
        void client.ping(waitMs).then((alive) => {
          pinging = false;
          if (!alive && !handling && WORKING.has(act().run.status)) {
            const seconds = waitMs >= 10_000 ? String(Math.round(waitMs / 1000)) : (waitMs / 1000).toFixed(1);
            void onFault({ kind: 'unresponsive', message: `the training worker stopped answering (no reply in ${seconds} s)` });
          }
        });
      }, intervalMs);
      return () => clearInterval(timer);
    },
  };
}

/** "the WebGPU device was lost" → "The WebGPU device was lost". */
function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
