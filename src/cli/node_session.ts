/**
 * The CLI's training session: the in-thread local session (engine/training/local_session.ts) — the same
 * surface the page drives through its worker — with Node's backends (node_runtime.ts), io's readers under the
 * CLI's memory budget and io's student writer. No checkpoints: a CLI run does not resume.
 */
import { availableParallelism } from 'node:os';
import { createLocalSession, type LocalSession } from '../engine/training/local_session.ts';
import { createTrainer } from '../engine/trainer.ts';
import { openHfCheckpoint, readHfTensors, type HfCheckpoint } from '../io/hf_checkpoint.ts';
import { encodeStudentFiles, encodeStudentFilesStreamed } from '../io/student_files.ts';
import { summarizeSet } from '../io/summary.ts';
import { cliMemoryBudget, readWithBudget } from './load.ts';
import { selectNodeBackend } from './node_runtime.ts';

export function createNodeSession(): LocalSession {
  return createLocalSession({
    readDistillSet: readWithBudget,
    summarizeSet,
    encodeStudentFiles,
    encodeStudentFilesStreamed,
    openCheckpoint: openHfCheckpoint,
    readCheckpoint: (ckpt, names, opts) => readHfTensors(ckpt as HfCheckpoint, names, { ...opts, memoryBudgetBytes: cliMemoryBudget() }),
    selectBackend: selectNodeBackend,
    // the CLI's memory budget: the trainer refuses a step that cannot fit it before allocating anything
    createTrainer: (set, config, callbacks, options) => createTrainer(set, config, callbacks, { ...options, memoryBudgetBytes: cliMemoryBudget() }),
    checkpoints: false,
    // What Node offers without starting a backend: selectNodeBackend says why it picks one.
    probe: async () => ({
      webgpu: false,
      webgpuReason: 'probed when a backend is selected (--backend)',
      webgl: false,
      wasm: typeof WebAssembly === 'object',
      crossOriginIsolated: false,
      wasmThreads: 1,
      hardwareConcurrency: availableParallelism(),
    }),
  });
}

/** Starts the configured run and resolves when it completes (rejects with the run's error when it fails). */
export function runToEnd(session: LocalSession): Promise<{ reason: 'completed' | 'stopped'; step: number }> {
  return new Promise((resolve, reject) => {
    const off = session.subscribe((event) => {
      if (event.type !== 'done') return;
      off();
      if (event.reason === 'error') reject(new Error(event.error ?? 'the run failed'));
      else resolve({ reason: event.reason, step: event.step });
    });
    session.start().catch((err: unknown) => {
      off();
      reject(err);
    });
  });
}
