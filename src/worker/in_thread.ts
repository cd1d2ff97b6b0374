/**
 * The page's training client when no worker can start: the same TrainingClient surface over a local session
 * in the page's own thread (the page may stutter while a report window computes). restart() replaces the
 * session (listeners stay); ping() always answers (there is no other thread to hang); of the debug faults
 * only 'non-finite' can be simulated here.
 */
import type { LocalSession } from '../engine/training/local_session.ts';
import type { SessionListener } from '../engine/training/session.ts';
import type { TrainingClient } from './client.ts';

export function createInThreadClient(start: () => LocalSession): TrainingClient {
  const listeners = new Set<SessionListener>();
  let session = start();
  let unsubscribe = session.subscribe((event) => listeners.forEach((l) => l(event)));
  const current = () => session;

  return {
    probe: () => current().probe(),
    load: (file, name) => current().load(file, name),
    configure: (config, options) => current().configure(config, options),
    start: () => current().start(),
    pause: () => current().pause(),
    resume: () => current().resume(),
    stop: () => current().stop(),
    evaluate: (indices) => current().evaluate(indices),
    predictExamples: (indices, topk) => current().predictExamples(indices, topk),
    predictLogits: (indices, topk) => current().predictLogits(indices, topk),
    example: (index, topk) => current().example(index, topk),
    confusion: (maxExamples) => current().confusion(maxExamples),
    measureLatency: () => current().measureLatency(),
    exportStudent: () => current().exportStudent(),
    handoffRecipe: (request) => current().handoffRecipe(request),
    loadStudent: (tensors) => current().loadStudent(tensors),
    restore: (checkpoint) => current().restore(checkpoint),
    ping: async () => true,
    async debug(fault) {
      if (fault !== 'non-finite') throw new Error(`the '${fault}' fault needs a training worker (this page trains in its own thread)`);
      await current().poisonWeights();
    },
    restart() {
      unsubscribe();
      session.dispose();
      session = start();
      unsubscribe = session.subscribe((event) => listeners.forEach((l) => l(event)));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      unsubscribe();
      listeners.clear();
      session.dispose();
    },
  };
}
