/**
 * Verbs on stored runs beyond the archive's own: rename, tag and note a run (kept in IndexedDB with its
 * record), and open a stored run in the Compare tab — its weights from IndexedDB go into the training session
 * (a trainer built with the run's config, the student replaced by the stored one), evaluated on the loaded
 * set's held-out split and timed in this browser, so per-language loyalty and the example browser show it.
 */
import type { NamedArray } from '../engine/trainer_types.ts';
import { asTrained } from '../engine/training/session_vocabulary.ts';
import { namedArraysFromSafetensors } from '../io/tfjs_weights.ts';
import type { RunRecord } from '../store/run_record.ts';
import type { AppStore } from '../store/store.ts';
import type { TrainingClient } from '../worker/client.ts';
import { sameDataset } from './interrupted_run.ts';
import { isActive } from './run_machine.ts';
import type { Runs } from './runs.ts';

/** What the person may change on a stored run. */
export interface RunPatch {
  name?: string;
  tags?: string[];
  note?: string;
}

export interface StoredRuns {
  update(id: string, patch: RunPatch): Promise<void>;
  /** Opens stored run `id` in the Compare tab (throws, in words, when it cannot: no weights, another set, a run training). */
  compare(id: string): Promise<void>;
  /**
   * Times a network of the attached teacher's shape (its layers, width, heads, d_ff; the set's vocabulary)
   * in this browser, the way the student is timed, so the two latencies come from the same hardware. A
   * forward pass costs the same whatever the weights, so the teacher's are not read. The session's student
   * is the current run's again afterwards (from IndexedDB) when that run is stored.
   */
  measureTeacher(): Promise<void>;
}

/** Tags as typed ("kd, t=2  baseline") → trimmed, distinct, non-empty. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(/[,\n]/).map((t) => t.trim()).filter((t) => t.length > 0))];
}

export interface StoredRunsDeps {
  store: AppStore;
  training: TrainingClient;
  runs: Runs;
  /** model.safetensors bytes → the tensors loadStudent takes (io's reader by default). */
  decodeWeights?: (bytes: Uint8Array) => Promise<NamedArray[]>;
}

export function createStoredRuns(deps: StoredRunsDeps): StoredRuns {
  const decode = deps.decodeWeights ?? namedArraysFromSafetensors;
  const act = () => deps.store.getState();
  const find = (id: string): RunRecord => {
    const run = act().runs.list.find((r) => r.id === id);
    if (!run) throw new Error(`no stored run ${id}`);
    return run;
  };
  const api: StoredRuns = {
    async update(id, patch) {
      const run = find(id);
      const name = patch.name?.trim();
      const next: RunRecord = {
        ...run,
        ...(name ? { name } : {}),
        ...(patch.tags ? { tags: patch.tags } : {}),
        ...(patch.note !== undefined ? { note: patch.note } : {}),
      };
      await deps.runs.save(next);
    },
    async measureTeacher() {
      const s = act();
      const teacher = s.teacherWeights;
      if (!teacher) throw new Error('drop the teacher weights first (the data panel): their config gives the shape to time');
      if (isActive(s.run.status)) throw new Error('a run is training: measure the teacher once it has finished');
      if (s.data.status !== 'loaded') throw new Error('load the data set first');
      act().compareBusy('timing the teacher');
      try {
        const shape = { n_layers: teacher.teacherLayers, d_model: teacher.dModel, n_heads: teacher.nHeads, d_ff: teacher.dFf };
        // the teacher's vocabulary is whole: never trimmed
        const configured = await deps.training.configure({ ...s.config.values, ...shape, trim_vocab: false, backend: s.run.backend?.name ?? s.config.values.backend });
        const { ms_per_example } = await deps.training.measureLatency();
        act().setTeacherLatency({ msPerExample: ms_per_example, backend: configured.backend.name, shape: `${teacher.teacherLayers} layers × ${teacher.dModel}` });
        act().compareBusy(null);
      } catch (err) {
        act().compareBusy(null, err instanceof Error ? err.message : String(err));
        throw err;
      }
      // the session held the current run's student: put it back
      const back = s.compare.stored?.runId ?? (s.run.saved ? s.run.runId : null);
      if (back && act().runs.list.some((r) => r.id === back && r.hasWeights)) await api.compare(back);
    },
    async compare(id) {
      const run = find(id);
      const s = act();
      if (isActive(s.run.status)) throw new Error('a run is training: stop it (or let it finish) before opening a stored run');
      if (!run.hasWeights) throw new Error(`${run.name} has no stored weights (an imported report without its model.safetensors)`);
      const summary = s.data.summary;
      if (!summary || (run.dataset && !sameDataset(summary.dataset, run.dataset))) {
        throw new Error(`load ${run.dataset?.file ?? 'the set it trained on'} first: ${run.name} is evaluated on the set it was trained on`);
      }
      act().compareBusy(`opening ${run.name}`);
      try {
        const weights = await deps.runs.weights(id);
        if (!weights) throw new Error(`${run.name}'s weights are gone from this browser's storage`);
        // The worker's current backend when there is one (no new calibration just to compare), else the run's own.
        const backend = s.run.backend?.name ?? run.backend?.name ?? 'auto';
        const configured = await deps.training.configure(asTrained({ ...run.config, backend }));
        await deps.training.loadStudent(await decode(weights.safetensors));
        const { metrics } = await deps.training.evaluate();
        const latency = await deps.training.measureLatency().catch(() => null);
        act().setStoredCompare({ runId: id, name: run.name, metrics, paramCount: configured.paramCount, msPerExample: latency?.ms_per_example ?? null, backend: configured.backend.name });
        act().compareBusy(null);
      } catch (err) {
        act().compareBusy(null, err instanceof Error ? err.message : String(err));
        throw err;
      }
    },
  };
  return api;
}
